// The Delphi application of the seed document ("应用层的代码"), ported line by line: FormCreate,
// btnBufferdClick, WaitForNotify, btnNotifyClick, FormClose — same structure, same names, same bugs.
// TfrmMain holds what the form holds (the device handle, the one shared auto-reset event, the two
// edit boxes). Switches for the application's own bugs (S9, S11, S12) apply the smallest fix for one
// bug; with none set this is the document's code. `inData`/`outData` are 1024-byte buffers
// (`array[0..1023] of char` with an ANSI Delphi).
import {
  cString,
  FILE_ATTRIBUTE_NORMAL,
  FILE_FLAG_OVERLAPPED,
  FILE_SHARE_READ,
  GENERIC_READ,
  GENERIC_WRITE,
  INFINITE,
  OPEN_EXISTING,
  OVERLAPPED,
  type Ref,
  type Routine,
  tracked,
  WAIT_TIMEOUT,
  type Win32Context,
} from '../../index.ts';
import { IOCL_OVERLAP_NOTIFY, IOCTL_OVERLAP_BUFFERED_IO, type SeedBug } from './driver.ts';

// The form's parts are tracked objects of their own (tracked() is the identity outside DPOR), so
// that to DPOR reading the switches or one edit box is not touching every other part of the form.
export class TfrmMain {
  m_hCommDevice = 0;
  hEvent = 0;
  readonly edtBufferd_in = tracked({ Text: 'hello from irpsim' });
  readonly edtBufferd_out = tracked({ Text: '' });
  /** handles of the worker threads the form started (only the fixed FormClose uses them) */
  readonly workers: number[] = tracked([]);
  /** what each worker showed, in order (edtBufferd_out is shared: it keeps only the last) */
  readonly shown: string[] = tracked([]);
  readonly fixes: ReadonlySet<SeedBug>;
  constructor(fixes: ReadonlySet<SeedBug>) {
    this.fixes = tracked(fixes as Set<SeedBug>);
  }
}

// procedure TfrmMain.FormCreate(Sender: TObject);
export function* FormCreate(w: Win32Context, frm: TfrmMain): Routine<void> {
  // 创建设备 — the try/except never fires: CreateFile returns INVALID_HANDLE_VALUE, it does not raise
  try {
    frm.m_hCommDevice = yield* w.CreateFile(
      '\\\\.\\Overlapp',
      GENERIC_READ | GENERIC_WRITE,
      FILE_SHARE_READ,
      null,
      OPEN_EXISTING,
      FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED,
      0,
    );
    // 执行异步I/O的设备必须用FILE_FLAG_OVERLAPPED标志打开
    frm.hEvent = yield* w.CreateEvent(null, false, false, null); // 创建自动重置的事件 (auto-reset)
  } catch {
    // MessageBox(Handle, '创建设备失败', …): unreachable, as in the original
  }
}

// procedure TfrmMain.btnBufferdClick(Sender: TObject);
export function* btnBufferdClick(w: Win32Context, frm: TfrmMain): Routine<void> {
  const dwThreadID: Ref<number> = { value: 0 };
  const hThread = yield* w.CreateThread(null, 0, WaitForNotify, frm, 0, dwThreadID);
  if (frm.fixes.has('S11')) frm.workers.push(hThread);
  else yield* w.CloseHandle(hThread);
}

// procedure WaitForNotify;
export function* WaitForNotify(w: Win32Context, frmMain: TfrmMain): Routine<number> {
  const dwReturn: Ref<number> = { value: 0 };
  const inData = new Uint8Array(1024);
  const outData = new Uint8Array(1024);
  const ol = new OVERLAPPED();
  let hEvent = frmMain.hEvent;
  if (frmMain.fixes.has('S9')) hEvent = yield* w.CreateEvent(null, true, false, null); // fix S9: one manual-reset event per request

  StrPCopy(inData, frmMain.edtBufferd_in.Text.trim());

  // OVERLAPPED结构的Offset,OffsetHigh和hEvent成员必须被初始化 — FillMemory(@ol, sizeof(OVERLAPPED), 0)
  ol.hEvent = hEvent;

  if (frmMain.m_hCommDevice !== 0) {
    yield* w.DeviceIoControl(frmMain.m_hCommDevice, IOCTL_OVERLAP_BUFFERED_IO, inData, inData.length, outData, outData.length, dwReturn, ol);
  }

  // 调用WaitForSingleObject… — poll the (shared, auto-reset) event every 100 ms
  while ((yield* w.WaitForSingleObject(hEvent, 100)) === WAIT_TIMEOUT) {
    // begin end;
  }

  yield* w.GetOverlappedResult(frmMain.m_hCommDevice, ol, dwReturn, true);
  frmMain.edtBufferd_out.Text = cString(outData);
  frmMain.shown.push(frmMain.edtBufferd_out.Text);
  if (frmMain.fixes.has('S9')) yield* w.CloseHandle(hEvent);
  return 0;
}

// procedure TfrmMain.btnNotifyClick(Sender: TObject);
export function* btnNotifyClick(w: Win32Context, frm: TfrmMain): Routine<void> {
  const dwReturn: Ref<number> = { value: 0 };
  if (frm.m_hCommDevice !== 0) {
    if (frm.fixes.has('S12')) {
      // fix S12: an OVERLAPPED with its own event on the overlapped handle, then wait for it
      const ol = new OVERLAPPED();
      ol.hEvent = yield* w.CreateEvent(null, true, false, null);
      if (!(yield* w.DeviceIoControl(frm.m_hCommDevice, IOCL_OVERLAP_NOTIFY, null, 0, null, 0, dwReturn, ol)) && w.GetLastError() === 997) {
        yield* w.GetOverlappedResult(frm.m_hCommDevice, ol, dwReturn, true);
      }
      yield* w.CloseHandle(ol.hEvent);
      return;
    }
    yield* w.DeviceIoControl(frm.m_hCommDevice, IOCL_OVERLAP_NOTIFY, null, 0, null, 0, dwReturn, null);
  }
}

// procedure TfrmMain.FormClose(Sender: TObject; var Action: TCloseAction);
export function* FormClose(w: Win32Context, frm: TfrmMain): Routine<void> {
  if (frm.fixes.has('S11')) {
    // fix S11: cancel, and let every worker finish, before closing what they use
    yield* w.CancelIoEx(frm.m_hCommDevice, null);
    if (frm.workers.length > 0) yield* w.WaitForMultipleObjects(frm.workers.length, frm.workers, true, INFINITE);
    for (const h of frm.workers.splice(0)) yield* w.CloseHandle(h);
  }
  if (frm.m_hCommDevice !== 0) yield* w.CloseHandle(frm.m_hCommDevice);
  if (frm.hEvent !== 0) yield* w.CloseHandle(frm.hEvent);
}

/** StrPCopy: the string and a terminating NUL */
export function StrPCopy(dest: Uint8Array, s: string): void {
  const n = Math.min(s.length, dest.length - 1);
  for (let i = 0; i < n; i++) dest[i] = s.charCodeAt(i) & 0xff;
  dest[n] = 0;
}

