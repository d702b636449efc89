// The user's clicks, as a script the UI thread runs (issue 5 item 1: "a scenario chooses the
// script"). Between two clicks with no pause the scheduler decides how far the workers got; a pause
// lets every runnable thread reach its next wait first (time moves only when nothing can run).
import type { Routine, Win32Context } from '../../index.ts';
import { type TfrmMain, btnBufferdClick, btnNotifyClick, FormClose, FormCreate } from './app.ts';

export type Click =
  | 'Async'
  | 'Notify'
  | 'FormClose'
  | 'FormCreate'
  /** another thread calls CancelIoEx(device, NULL) now (it retries while nothing is pending, up to 20 times) */
  | 'CancelIoEx from another thread'
  /** the UI sends a control code the driver does not know */
  | 'UnknownIoctl'
  | { pause: number };

export const UNKNOWN_IOCTL = 0x00222010;

export function* runScript(w: Win32Context, frm: TfrmMain, script: readonly Click[]): Routine<void> {
  for (const click of script) {
    if (typeof click === 'object') yield* w.Sleep(click.pause);
    else if (click === 'Async') yield* btnBufferdClick(w, frm);
    else if (click === 'Notify') yield* btnNotifyClick(w, frm);
    else if (click === 'FormClose') yield* FormClose(w, frm);
    else if (click === 'FormCreate') yield* FormCreate(w, frm);
    else if (click === 'UnknownIoctl') yield* w.DeviceIoControl(frm.m_hCommDevice, UNKNOWN_IOCTL, null, 0, null, 0, null, null);
    else yield* w.CloseHandle(yield* w.CreateThread(null, 0, CancelFromAnotherThread, frm, 0, null));
  }
}

export function* CancelFromAnotherThread(w: Win32Context, frm: TfrmMain): Routine<number> {
  for (let i = 0; i < 20; i++) {
    if (yield* w.CancelIoEx(frm.m_hCommDevice, null)) return 0;
    yield* w.Sleep(0);
  }
  return 1;
}
