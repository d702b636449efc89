// The application side every race scenario shares (spec/kernel.md §8: "T1/T2 are CPUs or
// threads"): open \\.\Race overlapped, issue one overlapped request, and the threads that create the
// interleaving — one that calls CancelIoEx until it finds the request, one that plays the hardware by
// sending IOCTL_RACE_COMPLETE (or IOCTL_RACE_POLL) on its own synchronous handle. Each retries while
// nothing is pending — first with Sleep(0), so the scheduler decides where its call lands, then with
// Sleep(1), which lets it in only once every other thread waits (time moves only then).
import {
  ERROR_IO_PENDING,
  ERROR_NOT_FOUND,
  FILE_ATTRIBUTE_NORMAL,
  FILE_FLAG_OVERLAPPED,
  FILE_SHARE_READ,
  FILE_SHARE_WRITE,
  GENERIC_READ,
  GENERIC_WRITE,
  OPEN_EXISTING,
  OVERLAPPED,
  type Ref,
  type Routine,
  WAIT_OBJECT_0,
  type Win32Context,
} from '../../index.ts';
import { IOCTL_RACE_COMPLETE, IOCTL_RACE_PEND, IOCTL_RACE_POLL } from './driver.ts';

/** how many times a helper thread retries while its target is not there yet */
export const RETRIES = 30;

/** between two retries: the first half yield the processor only, the rest wait for a quiet moment */
function* Backoff(w: Win32Context, i: number): Routine<void> {
  yield* w.Sleep(i < RETRIES / 2 ? 0 : 1);
}

/** what the application's threads share (the scenario's per-run state) */
export class RaceApp {
  hDevice = 0;
  readonly ol = new OVERLAPPED();
  readonly inData = new Uint8Array(16);
  readonly outData = new Uint8Array(16);
  /** how the last awaited request ended, as the requester saw it: 'ok', 'error <code>', 'timeout' */
  result = '';
}

export function* OpenRaceDevice(w: Win32Context, overlapped: boolean): Routine<number> {
  const flags = FILE_ATTRIBUTE_NORMAL | (overlapped ? FILE_FLAG_OVERLAPPED : 0);
  return yield* w.CreateFile('\\\\.\\Race', GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, null, OPEN_EXISTING, flags, 0);
}

/** opens the device and the request's manual-reset event */
export function* Startup(w: Win32Context, app: RaceApp): Routine<void> {
  app.hDevice = yield* OpenRaceDevice(w, true);
  app.ol.hEvent = yield* w.CreateEvent(null, true, false, null);
}

/** one overlapped IOCTL_RACE_PEND (on app.ol unless told); TRUE if it is pending (or done) */
export function* IssueRequest(w: Win32Context, app: RaceApp, lpOverlapped = app.ol): Routine<boolean> {
  const dwReturn: Ref<number> = { value: 0 };
  // a second request gets buffers of its own (a buffer shared by two pending requests is a bug too)
  const first = lpOverlapped === app.ol;
  const inData = first ? app.inData : new Uint8Array(app.inData.length);
  const outData = first ? app.outData : new Uint8Array(app.outData.length);
  if (yield* w.DeviceIoControl(app.hDevice, IOCTL_RACE_PEND, inData, inData.length, outData, outData.length, dwReturn, lpOverlapped)) return true;
  return w.GetLastError() === ERROR_IO_PENDING;
}

/** waits for the request on app.ol (unless told) and records how it ended */
export function* WaitForRequest(w: Win32Context, app: RaceApp, dwMilliseconds: number, lpOverlapped = app.ol): Routine<void> {
  if ((yield* w.WaitForSingleObject(lpOverlapped.hEvent, dwMilliseconds)) !== WAIT_OBJECT_0) {
    app.result = 'timeout';
    return;
  }
  const dwReturn: Ref<number> = { value: 0 };
  app.result = (yield* w.GetOverlappedResult(app.hDevice, lpOverlapped, dwReturn, false)) ? 'ok' : `error ${w.GetLastError()}`;
}

export function* StartThread(w: Win32Context, lpStartAddress: (w: Win32Context, app: RaceApp) => Routine<number>, app: RaceApp): Routine<number> {
  return yield* w.CreateThread(null, 0, lpStartAddress, app, 0, null);
}

/** CancelIoEx(hDevice, NULL) until it finds a request (or the handle is gone) */
export function* CancelFromAnotherThread(w: Win32Context, app: RaceApp): Routine<number> {
  return yield* CancelUntilFound(w, app, null);
}

/** CancelIoEx(hDevice, &app.ol): only the first request */
export function* CancelFirstFromAnotherThread(w: Win32Context, app: RaceApp): Routine<number> {
  return yield* CancelUntilFound(w, app, app.ol);
}

function* CancelUntilFound(w: Win32Context, app: RaceApp, lpOverlapped: OVERLAPPED | null): Routine<number> {
  for (let i = 0; i < RETRIES; i++) {
    if (yield* w.CancelIoEx(app.hDevice, lpOverlapped)) return 0;
    if (w.GetLastError() !== ERROR_NOT_FOUND) return 1;
    yield* Backoff(w, i);
  }
  return 1;
}

/** the hardware: sends `code` on its own handle until the driver took it `times` times */
export function* HardwareSends(w: Win32Context, code: number, times: number, tries = RETRIES): Routine<number> {
  const hDevice = yield* OpenRaceDevice(w, false);
  const dwReturn: Ref<number> = { value: 0 };
  let done = 0;
  for (let i = 0; i < tries && done < times; i++) {
    if (yield* w.DeviceIoControl(hDevice, code, null, 0, null, 0, dwReturn, null)) done++;
    yield* Backoff(w, i);
  }
  yield* w.CloseHandle(hDevice);
  return done;
}

/** "the hardware finished": complete the queued request once */
export function* CompleteFromAnotherThread(w: Win32Context, _app: RaceApp): Routine<number> {
  return yield* HardwareSends(w, IOCTL_RACE_COMPLETE, 1);
}

/** "the hardware finished", once, whether or not a request is queued yet (if not, the event is lost) */
export function* CompleteOnceFromAnotherThread(w: Win32Context, _app: RaceApp): Routine<number> {
  return yield* HardwareSends(w, IOCTL_RACE_COMPLETE, 1, 1);
}

/** "the hardware is not ready yet", three times */
export function* PollFromAnotherThread(w: Win32Context, _app: RaceApp): Routine<number> {
  return yield* HardwareSends(w, IOCTL_RACE_POLL, 3);
}

/** closes what Startup opened */
export function* Shutdown(w: Win32Context, app: RaceApp): Routine<void> {
  yield* w.CloseHandle(app.hDevice);
  yield* w.CloseHandle(app.ol.hEvent);
}

/** the app of the dispatch-vs-cancel races: another thread cancels while one request is being dispatched */
export function* CancelDuringDispatch(w: Win32Context, app: RaceApp): Routine<number> {
  yield* Startup(w, app);
  yield* w.CloseHandle(yield* StartThread(w, CancelFromAnotherThread, app));
  if (yield* IssueRequest(w, app)) yield* WaitForRequest(w, app, 10_000);
  yield* Shutdown(w, app);
  return 0;
}

/**
 * The app of the completion-vs-cancel races: one request, then the "hardware" thread (by default
 * CompleteFromAnotherThread) completes it while another thread cancels it.
 */
export function* CompleteWhileCancelling(
  w: Win32Context,
  app: RaceApp,
  hardware: (w: Win32Context, app: RaceApp) => Routine<number> = CompleteFromAnotherThread,
): Routine<number> {
  yield* Startup(w, app);
  if (yield* IssueRequest(w, app)) {
    yield* w.CloseHandle(yield* StartThread(w, hardware, app));
    yield* w.CloseHandle(yield* StartThread(w, CancelFromAnotherThread, app));
    yield* WaitForRequest(w, app, 10_000);
  }
  yield* Shutdown(w, app);
  return 0;
}
