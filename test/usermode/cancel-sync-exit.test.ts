// CancelSynchronousIo (spec/usermode.md §4.3), thread exit (§4.4) and CloseHandle (§4.5): the
// synchronous call fails with ERROR_OPERATION_ABORTED while CancelSynchronousIo leaves the caller's
// last error alone; overlapped I/O is not its business; a thread's exit cancels its I/O unless the
// handle is bound to a completion port; CloseHandle cancels nothing (the driver's cleanup does).
import { describe, expect, test } from 'vitest';
import {
  ERROR_INVALID_HANDLE,
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  INFINITE,
  type OVERLAPPED,
  type Ref,
  type Routine,
  STATUS_PENDING,
  type Win32Context,
} from '../../index.ts';
import { completePending, control, expectClean, type Obs, observe, observeFindings, open, overlappedWithEvent, runApp } from './harness.ts';
import { IOCTL_TEST_HOLD, IOCTL_TEST_PEND, Outcome } from './test-driver.ts';

function* result(w: Win32Context, h: number, ov: OVERLAPPED): Routine<[boolean, number, number]> {
  const n: Ref<number> = { value: -1 };
  const ok = yield* w.GetOverlappedResult(h, ov, n, true);
  return [ok, ok ? 0 : w.GetLastError(), n.value];
}

/** issues one overlapped request on p.h and returns at once, leaving it pending */
function* issueAndExit(w: Win32Context, p: { h: number; s: Obs }): Routine<number> {
  const ov = yield* overlappedWithEvent(w);
  yield* w.DeviceIoControl(p.h, IOCTL_TEST_PEND, null, 0, new Uint8Array(2), 2, null, ov);
  p.s.ov = ov;
  return 0;
}

describe('CancelSynchronousIo (§4.3)', () => {
  test('§4.3: CancelSynchronousIo ends another thread’s blocked synchronous call with ERROR_OPERATION_ABORTED, returning TRUE with the last error untouched', () => {
    const s = observe('cancelsync', function* (w, s) {
      const h = yield* open(w, false);
      const t = yield* w.CreateThread(
        null,
        0,
        function* blocked(w2: Win32Context) {
          s.call = [yield* w2.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, null, 0, null, null), w2.GetLastError()];
          return 0;
        },
        null,
        0,
        null,
      );
      yield* w.Sleep(10);
      w.SetLastError(0xdeadbeef);
      s.cancel = [yield* w.CancelSynchronousIo(t), w.GetLastError()];
      yield* w.WaitForSingleObject(t, INFINITE);
    });
    expect(s).toEqual({ cancel: [true, 0xdeadbeef], call: [false, ERROR_OPERATION_ABORTED] });
  });

  test('§4.3: CancelSynchronousIo on a thread with only overlapped I/O pending fails with ERROR_NOT_FOUND and leaves that I/O alone', () => {
    const s = observe('cancelsync-overlapped', function* (w, s) {
      const h = yield* open(w);
      const t = yield* w.CreateThread(
        null,
        0,
        function* overlappedOnly(w2: Win32Context) {
          const ov = yield* overlappedWithEvent(w2);
          yield* w2.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, null, 0, null, ov);
          s.result = yield* result(w2, h, ov);
          return 0;
        },
        null,
        0,
        null,
      );
      yield* w.Sleep(10);
      s.cancel = [yield* w.CancelSynchronousIo(t), w.GetLastError()];
      yield* completePending(w, yield* control(w), Outcome.Success);
      yield* w.WaitForSingleObject(t, INFINITE);
    });
    expect(s).toEqual({ cancel: [false, ERROR_NOT_FOUND], result: [true, 0, 0] });
  });

  test('§4.3: CancelSynchronousIo with nothing to cancel gives ERROR_NOT_FOUND; with a bad handle ERROR_INVALID_HANDLE', () => {
    const s = observe('cancelsync-errors', function* (w, s) {
      s.self = [yield* w.CancelSynchronousIo(w.GetCurrentThread()), w.GetLastError()];
      s.bad = [yield* w.CancelSynchronousIo(0x7ff0), w.GetLastError()];
    });
    expect(s).toEqual({ self: [false, ERROR_NOT_FOUND], bad: [false, ERROR_INVALID_HANDLE] });
  });
});

describe('thread exit (§4.4)', () => {
  test('§4.4: a thread that ends cancels its pending I/O: the request reports ERROR_OPERATION_ABORTED', () => {
    const { s, findings } = observeFindings('exit-cancels', function* (w, s) {
      const h = yield* open(w);
      yield* w.WaitForSingleObject(yield* w.CreateThread(null, 0, issueAndExit, { h, s }, 0, null), INFINITE);
      s.result = yield* result(w, h, s.ov as OVERLAPPED);
      delete s.ov;
    });
    expect(s).toEqual({ result: [false, ERROR_OPERATION_ABORTED, 0] });
    expect(findings).toEqual(['appverifier THREAD_EXIT_WITH_PENDING_IO']);
  });

  test('§4.4: a thread’s exit does not cancel its request on a handle bound to a completion port; the packet arrives on completion', () => {
    const { s, findings } = observeFindings('exit-port', function* (w, s) {
      const h = yield* open(w);
      const port = yield* w.CreateIoCompletionPort(h, 0, 9, 0);
      yield* w.WaitForSingleObject(yield* w.CreateThread(null, 0, issueAndExit, { h, s }, 0, null), INFINITE);
      const ov = s.ov as OVERLAPPED;
      s.pendingAfterExit = ov.Internal === STATUS_PENDING;
      yield* completePending(w, yield* control(w), Outcome.Success);
      const n: Ref<number> = { value: 0 };
      const key: Ref<number> = { value: 0 };
      const o: Ref<unknown> = { value: null };
      s.packet = [yield* w.GetQueuedCompletionStatus(port, n, key, o, 0), n.value, key.value, o.value === ov];
      delete s.ov;
    });
    expect(s).toEqual({ pendingAfterExit: true, packet: [true, 2, 9, true] });
    expect(findings).toEqual(['appverifier THREAD_EXIT_WITH_PENDING_IO']);
  });
});

describe('process exit (§4.4)', () => {
  test('§4.4: the exit of a process cancels the pending I/O of every one of its threads', () => {
    const other = function* (w: Win32Context) {
      const h = yield* open(w);
      yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, null, 0, null, yield* overlappedWithEvent(w));
      const worker = function* (w2: Win32Context) {
        yield* w2.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, null, 0, null, yield* overlappedWithEvent(w2));
        yield* w2.Sleep(INFINITE);
        return 0;
      };
      yield* w.CreateThread(null, 0, worker, null, 0, null);
      yield* w.Sleep(10);
      return 0;
    };
    const r = runApp('process-exit', function* (w) {
      yield* w.Sleep(1000);
    }, { processes: { 'other.exe': other } });
    expectClean(r);
    expect(r.stats).toMatchObject({ dispatched: 2, cancelRoutineCalls: 2 });
  });
});

describe('CloseHandle with requests pending (§4.5)', () => {
  test('§4.5: CloseHandle cancels nothing itself: the driver’s IRP_MJ_CLEANUP completes the queued request, which reports ERROR_OPERATION_ABORTED', () => {
    const r = runApp('close-cleanup', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, null, 0, null, ov);
      s.close = yield* w.CloseHandle(h);
      s.result = yield* result(w, h, ov);
    });
    expect(expectClean(r)).toEqual({ close: true, result: [false, ERROR_OPERATION_ABORTED, 0] });
    expect(r.stats).toMatchObject({ cancelRoutineCalls: 0, completedByCleanup: 1 });
  });

  test('§4.5: a request the driver ignores at cleanup stays pending after CloseHandle until the driver completes it', () => {
    const s = observe('close-ignored', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      yield* w.DeviceIoControl(h, IOCTL_TEST_HOLD, null, 0, null, 0, null, ov);
      yield* w.CloseHandle(h);
      s.pendingAfterClose = ov.Internal === STATUS_PENDING;
      s.eventAfterClose = yield* w.WaitForSingleObject(ov.hEvent, 20);
      yield* completePending(w, yield* control(w), Outcome.Success);
      s.result = yield* result(w, h, ov);
    });
    expect(s).toEqual({ pendingAfterClose: true, eventAfterClose: 0x102, result: [true, 0, 0] });
  });
});
