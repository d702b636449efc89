// CancelIo and CancelIoEx (spec/usermode.md §4.1–4.2): who is cancelled, the success and failure
// codes, and that a cancel is a request, not a result (§9 item 8). CancelIoEx(h, NULL) with nothing
// pending is UNCONFIRMED (§4.2, §10) and not tested; whether Windows' CancelIo waits is UNCONFIRMED
// (§4.1): irpsim's CancelIo does not wait.
import { describe, expect, test } from 'vitest';
import {
  ERROR_INVALID_HANDLE,
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  INFINITE,
  OVERLAPPED,
  type Ref,
  type Routine,
  STATUS_PENDING,
  type Win32Context,
} from '../../index.ts';
import { completePending, control, type Obs, observe, open, overlappedWithEvent, runApp, expectClean } from './harness.ts';
import { IOCTL_TEST_HOLD, IOCTL_TEST_PEND, Outcome } from './test-driver.ts';

/** [GetOverlappedResult(…, TRUE), last error when FALSE] */
function* result(w: Win32Context, h: number, ov: OVERLAPPED): Routine<[boolean, number]> {
  const n: Ref<number> = { value: 0 };
  const ok = yield* w.GetOverlappedResult(h, ov, n, true);
  return [ok, ok ? 0 : w.GetLastError()];
}

function* pend(w: Win32Context, h: number, code = IOCTL_TEST_PEND): Routine<OVERLAPPED> {
  const ov = yield* overlappedWithEvent(w);
  yield* w.DeviceIoControl(h, code, null, 0, null, 0, null, ov);
  return ov;
}

/** a second thread of the process: pends a request on p.h, reports its result into p.s */
function* otherThread(w: Win32Context, p: { h: number; s: Obs }): Routine<number> {
  const ov = yield* pend(w, p.h);
  p.s.otherOv = ov;
  p.s.other = yield* result(w, p.h, ov);
  return 0;
}

describe('CancelIo (§4.1)', () => {
  test('§4.1: CancelIo cancels only the calling thread’s requests on the handle; another thread’s request stays pending', () => {
    const s = observe('cancelio-own', function* (w, s) {
      const h = yield* open(w);
      const t = yield* w.CreateThread(null, 0, otherThread, { h, s }, 0, null);
      yield* w.Sleep(10);
      const mine = yield* pend(w, h);
      s.cancel = yield* w.CancelIo(h);
      s.mine = yield* result(w, h, mine);
      s.otherPending = (s.otherOv as OVERLAPPED).Internal === STATUS_PENDING;
      yield* completePending(w, yield* control(w), Outcome.Success);
      yield* w.WaitForSingleObject(t, INFINITE);
      delete s.otherOv;
    });
    expect(s).toEqual({ cancel: true, mine: [false, ERROR_OPERATION_ABORTED], otherPending: true, other: [true, 0] });
  });

  test('§4.1: CancelIo cancels every pending request of the caller on that handle, each through the driver’s cancel routine', () => {
    const r = runApp('cancelio-all', function* (w, s) {
      const h = yield* open(w);
      const a = yield* pend(w, h);
      const b = yield* pend(w, h);
      s.cancel = yield* w.CancelIo(h);
      s.results = [yield* result(w, h, a), yield* result(w, h, b)];
    });
    expect(expectClean(r)).toEqual({ cancel: true, results: [[false, ERROR_OPERATION_ABORTED], [false, ERROR_OPERATION_ABORTED]] });
    expect(r.stats.cancelRoutineCalls).toBe(2);
  });

  test('§4.1: CancelIo with nothing pending still returns TRUE; on a bad handle it fails with ERROR_INVALID_HANDLE', () => {
    const s = observe('cancelio-nothing', function* (w, s) {
      const h = yield* open(w);
      s.nothing = yield* w.CancelIo(h);
      s.bad = [yield* w.CancelIo(0x7ff0), w.GetLastError()];
    });
    expect(s).toEqual({ nothing: true, bad: [false, ERROR_INVALID_HANDLE] });
  });

  // kernel bug (see the report): NtCancelIoFile (kernel/ntio.ts) walks only the thread's IRP list, but
  // startRequest allocates port-bound (thread-agnostic) IRPs with no thread, so CancelIo finds nothing.
  test('§4.1: CancelIo cancels the calling thread’s request on a handle bound to a completion port', () => {
    const s = observe('cancelio-port', function* (w, s) {
      const h = yield* open(w);
      yield* w.CreateIoCompletionPort(h, 0, 1, 0);
      const ov = yield* pend(w, h);
      s.cancel = yield* w.CancelIo(h);
      s.result = yield* result(w, h, ov);
    });
    expect(s).toEqual({ cancel: true, result: [false, ERROR_OPERATION_ABORTED] });
  });
});

describe('CancelIoEx (§4.2)', () => {
  test('§4.2: CancelIoEx(h, ov) cancels exactly that request; the other completes normally; cancelling the same OVERLAPPED again gives ERROR_NOT_FOUND', () => {
    const s = observe('cancelioex-one', function* (w, s) {
      const h = yield* open(w);
      const a = yield* pend(w, h);
      const b = yield* pend(w, h);
      s.first = yield* w.CancelIoEx(h, a);
      s.second = [yield* w.CancelIoEx(h, a), w.GetLastError()];
      s.a = yield* result(w, h, a);
      s.bPending = b.Internal === STATUS_PENDING;
      yield* completePending(w, yield* control(w), Outcome.Success);
      s.b = yield* result(w, h, b);
    });
    expect(s).toEqual({ first: true, second: [false, ERROR_NOT_FOUND], a: [false, ERROR_OPERATION_ABORTED], bPending: true, b: [true, 0] });
  });

  test('§4.2: CancelIoEx(h, NULL) cancels the requests of every thread of the process on that handle', () => {
    const s = observe('cancelioex-all', function* (w, s) {
      const h = yield* open(w);
      const t = yield* w.CreateThread(null, 0, otherThread, { h, s }, 0, null);
      yield* w.Sleep(10);
      const mine = yield* pend(w, h);
      s.cancel = yield* w.CancelIoEx(h, null);
      s.mine = yield* result(w, h, mine);
      yield* w.WaitForSingleObject(t, INFINITE);
      delete s.otherOv;
    });
    expect(s).toEqual({ cancel: true, mine: [false, ERROR_OPERATION_ABORTED], other: [false, ERROR_OPERATION_ABORTED] });
  });

  test('§4.2: CancelIoEx with an OVERLAPPED that has no pending request fails with ERROR_NOT_FOUND; a bad handle with ERROR_INVALID_HANDLE', () => {
    const s = observe('cancelioex-notfound', function* (w, s) {
      const h = yield* open(w);
      yield* pend(w, h);
      s.fresh = [yield* w.CancelIoEx(h, new OVERLAPPED()), w.GetLastError()];
      s.bad = [yield* w.CancelIoEx(0x7ff0, null), w.GetLastError()];
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(s).toEqual({ fresh: [false, ERROR_NOT_FOUND], bad: [false, ERROR_INVALID_HANDLE] });
  });

  test('§4.2/§9.8: CancelIoEx from another thread returns before the request completed; the issuing thread then sees ERROR_OPERATION_ABORTED', () => {
    const s = observe('cancelioex-returns-early', function* (w, s) {
      const h = yield* open(w);
      const t = yield* w.CreateThread(null, 0, otherThread, { h, s }, 0, null);
      yield* w.Sleep(10);
      const ov = s.otherOv as OVERLAPPED;
      s.cancel = yield* w.CancelIoEx(h, ov);
      s.completedAtReturn = w.HasOverlappedIoCompleted(ov);
      yield* w.WaitForSingleObject(t, INFINITE);
      delete s.otherOv;
    });
    expect(s).toEqual({ cancel: true, completedAtReturn: false, other: [false, ERROR_OPERATION_ABORTED] });
  });

  test('§4.2/§9.8: a cancel is a request, not a result: a request the driver does not cancel still completes with success after CancelIoEx returned TRUE', () => {
    const r = runApp('cancelioex-request', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* pend(w, h, IOCTL_TEST_HOLD);
      s.cancel = yield* w.CancelIoEx(h, ov);
      s.pendingAfterCancel = ov.Internal === STATUS_PENDING;
      yield* completePending(w, yield* control(w), Outcome.Success);
      s.result = yield* result(w, h, ov);
    });
    expect(expectClean(r)).toEqual({ cancel: true, pendingAfterCancel: true, result: [true, 0] });
    expect(r.stats.cancelRoutineCalls).toBe(0);
  });
});
