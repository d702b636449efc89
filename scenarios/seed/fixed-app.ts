// The corrected application: one manual-reset event per request, waits only after
// ERROR_IO_PENDING, Notify with an OVERLAPPED of its own on the overlapped handle, and FormClose
// that cancels the pending requests and waits for every worker before closing what they use.
import {
  cString,
  ERROR_IO_PENDING,
  FILE_ATTRIBUTE_NORMAL,
  FILE_FLAG_OVERLAPPED,
  FILE_SHARE_READ,
  GENERIC_READ,
  GENERIC_WRITE,
  INVALID_HANDLE_VALUE,
  OPEN_EXISTING,
  OVERLAPPED,
  type Ref,
  type Routine,
  WAIT_TIMEOUT,
  type Win32Context,
  tracked,
} from '../../index.ts';
import { StrPCopy, TfrmMain } from './app.ts';
import { IOCL_OVERLAP_NOTIFY, IOCTL_OVERLAP_BUFFERED_IO } from './driver.ts';

export class TfrmFixed extends TfrmMain {
  /** what each request ended with: the text shown, or the Win32 error */
  readonly outcomes: (string | number)[] = tracked([]);
  /** set by a worker once its request is issued (the bounded script waits for it), or 0 */
  issued = 0;
  constructor() {
    super(new Set());
  }
}

export function* FixedFormCreate(w: Win32Context, frm: TfrmFixed): Routine<void> {
  frm.m_hCommDevice = yield* w.CreateFile('\\\\.\\Overlapp', GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, null, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, 0);
  if (frm.m_hCommDevice === INVALID_HANDLE_VALUE) frm.m_hCommDevice = 0;
}

export function* FixedAsyncClick(w: Win32Context, frm: TfrmFixed): Routine<void> {
  if (frm.m_hCommDevice === 0) return;
  frm.workers.push(yield* w.CreateThread(null, 0, FixedWorker, frm, 0, null));
}

export function* FixedWorker(w: Win32Context, frm: TfrmFixed): Routine<number> {
  const inData = new Uint8Array(1024);
  const outData = new Uint8Array(1024);
  const dwReturn: Ref<number> = { value: 0 };
  const ol = new OVERLAPPED();
  ol.hEvent = yield* w.CreateEvent(null, true, false, null);
  StrPCopy(inData, frm.edtBufferd_in.Text.trim());
  let ok = yield* w.DeviceIoControl(frm.m_hCommDevice, IOCTL_OVERLAP_BUFFERED_IO, inData, inData.length, outData, outData.length, dwReturn, ol);
  if (frm.issued !== 0) yield* w.SetEvent(frm.issued);
  if (!ok && w.GetLastError() === ERROR_IO_PENDING) ok = yield* w.GetOverlappedResult(frm.m_hCommDevice, ol, dwReturn, true);
  frm.outcomes.push(ok ? cString(outData) : w.GetLastError());
  if (ok) frm.shown.push(cString(outData));
  yield* w.CloseHandle(ol.hEvent);
  return 0;
}

export function* FixedNotifyClick(w: Win32Context, frm: TfrmFixed): Routine<void> {
  if (frm.m_hCommDevice === 0) return;
  const ol = new OVERLAPPED();
  const dwReturn: Ref<number> = { value: 0 };
  ol.hEvent = yield* w.CreateEvent(null, true, false, null);
  if (!(yield* w.DeviceIoControl(frm.m_hCommDevice, IOCL_OVERLAP_NOTIFY, null, 0, null, 0, dwReturn, ol)) && w.GetLastError() === ERROR_IO_PENDING) {
    yield* w.GetOverlappedResult(frm.m_hCommDevice, ol, dwReturn, true);
  }
  yield* w.CloseHandle(ol.hEvent);
}

export function* FixedCancelFromAnotherThread(w: Win32Context, frm: TfrmFixed): Routine<number> {
  yield* w.CancelIoEx(frm.m_hCommDevice, null);
  return 0;
}

/** cancels until every worker has finished: a worker may issue its request just after a cancel */
export function* FixedFormClose(w: Win32Context, frm: TfrmFixed): Routine<void> {
  while (frm.workers.length > 0) {
    if (frm.m_hCommDevice !== 0) yield* w.CancelIoEx(frm.m_hCommDevice, null);
    if ((yield* w.WaitForMultipleObjects(frm.workers.length, frm.workers, true, 100)) !== WAIT_TIMEOUT) break;
  }
  for (const h of frm.workers.splice(0)) yield* w.CloseHandle(h);
  if (frm.m_hCommDevice !== 0) yield* w.CloseHandle(frm.m_hCommDevice);
  frm.m_hCommDevice = 0;
}

