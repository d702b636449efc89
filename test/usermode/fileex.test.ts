// ReadFileEx / WriteFileEx and their completion routines (spec/usermode.md §3.11): the user-APC
// column of the §3.4 matrix. The routine runs on the issuing thread, only in one of its alertable
// waits, with (RtlNtStatusToDosError(status), bytes, lpOverlapped). The error for ReadFileEx on a
// port-bound handle is UNCONFIRMED (§3.11) and not tested.
import { describe, expect, test } from 'vitest';
import {
  ERROR_INVALID_PARAMETER,
  ERROR_MORE_DATA,
  ERROR_NOT_SUPPORTED,
  ERROR_OPERATION_ABORTED,
  INFINITE,
  OVERLAPPED,
  type Routine,
  STATUS_PENDING,
  WAIT_IO_COMPLETION,
  type Win32Context,
} from '../../index.ts';
import { completePending, control, isSignaled, type Obs, observe, open, setRwMode } from './harness.ts';
import { Mode, Outcome } from './test-driver.ts';

/** a completion routine that logs (error, bytes, same OVERLAPPED?, thread id) into s.calls */
function routineFor(s: Obs, ov: OVERLAPPED) {
  return function* FileIOCompletionRoutine(w: Win32Context, dwErrorCode: number, dwNumberOfBytesTransfered: number, lpOverlapped: OVERLAPPED): Routine<void> {
    ((s.calls ??= []) as unknown[]).push([dwErrorCode, dwNumberOfBytesTransfered, lpOverlapped === ov, w.GetCurrentThreadId()]);
  };
}

/** opens TestDrv with reads/writes in `mode`; returns the device and a control handle */
function* setup(w: Win32Context, mode: number): Routine<{ h: number; ctl: number }> {
  const h = yield* open(w);
  const ctl = yield* control(w);
  yield* setRwMode(w, ctl, mode);
  return { h, ctl };
}

const me = (w: Win32Context) => w.GetCurrentThreadId();

describe('ReadFileEx and WriteFileEx (§3.11)', () => {
  test('§3.11: a NULL lpOverlapped fails with ERROR_INVALID_PARAMETER', () => {
    const s = observe('fileex-null', function* (w, s) {
      const { h } = yield* setup(w, Mode.Succeed);
      const r = routineFor(s, new OVERLAPPED());
      s.read = [yield* w.ReadFileEx(h, new Uint8Array(1), 1, null, r), w.GetLastError()];
      s.write = [yield* w.WriteFileEx(h, new Uint8Array(1), 1, null, r), w.GetLastError()];
    });
    expect(s).toEqual({ read: [false, ERROR_INVALID_PARAMETER], write: [false, ERROR_INVALID_PARAMETER] });
  });

  test('§3.11/§3.4 row A: a pending ReadFileEx returns TRUE; its routine runs once, at the next alertable wait, with 0, the count and the same OVERLAPPED', () => {
    const s = observe('fileex-pending', function* (w, s) {
      const { h, ctl } = yield* setup(w, Mode.Pend);
      const ov = new OVERLAPPED();
      s.ret = yield* w.ReadFileEx(h, new Uint8Array(5), 5, ov, routineFor(s, ov));
      s.internal = ov.Internal;
      yield* completePending(w, ctl, Outcome.Success);
      s.beforeWait = s.calls ?? [];
      s.wait = yield* w.SleepEx(INFINITE, true);
      s.calls = (s.calls as unknown[][]).map((c) => [...c.slice(0, 3), c[3] === me(w)]);
    });
    expect(s).toEqual({ ret: true, internal: STATUS_PENDING, beforeWait: [], wait: WAIT_IO_COMPLETION, calls: [[0, 5, true, true]] });
  });

  test('§3.11/§3.4 row B: a ReadFileEx completed at once returns TRUE and still delivers its routine at the next alertable wait', () => {
    const s = observe('fileex-sync-success', function* (w, s) {
      const { h } = yield* setup(w, Mode.Succeed);
      const ov = new OVERLAPPED();
      s.ret = yield* w.ReadFileEx(h, new Uint8Array(3), 3, ov, routineFor(s, ov));
      s.beforeWait = s.calls ?? [];
      s.wait = yield* w.SleepEx(0, true);
      s.calls = (s.calls as unknown[][]).map((c) => c.slice(0, 3));
    });
    expect(s).toEqual({ ret: true, beforeWait: [], wait: WAIT_IO_COMPLETION, calls: [[0, 3, true]] });
  });

  test('§3.11/§3.4 row C: a WriteFileEx completed with a warning returns FALSE with ERROR_MORE_DATA and its routine still runs with ERROR_MORE_DATA', () => {
    const s = observe('fileex-warning', function* (w, s) {
      const { h } = yield* setup(w, Mode.Warn);
      const ov = new OVERLAPPED();
      s.ret = [yield* w.WriteFileEx(h, new Uint8Array(4), 4, ov, routineFor(s, ov)), w.GetLastError()];
      s.wait = yield* w.SleepEx(0, true);
      s.calls = (s.calls as unknown[][]).map((c) => c.slice(0, 3));
    });
    expect(s).toEqual({ ret: [false, ERROR_MORE_DATA], wait: WAIT_IO_COMPLETION, calls: [[ERROR_MORE_DATA, 4, true]] });
  });

  test('§3.11/§3.4 row D: a ReadFileEx failing synchronously returns FALSE with the mapped error and its routine is never called', () => {
    const s = observe('fileex-sync-error', function* (w, s) {
      const { h } = yield* setup(w, Mode.Fail);
      const ov = new OVERLAPPED();
      s.ret = [yield* w.ReadFileEx(h, new Uint8Array(4), 4, ov, routineFor(s, ov)), w.GetLastError()];
      s.wait = yield* w.SleepEx(20, true);
      s.called = s.calls !== undefined;
    });
    expect(s).toEqual({ ret: [false, ERROR_NOT_SUPPORTED], wait: 0, called: false });
  });

  test('§3.11: the routine runs only on the issuing thread: another thread’s alertable wait does not run it', () => {
    const s = observe('fileex-issuer', function* (w, s) {
      const { h, ctl } = yield* setup(w, Mode.Pend);
      const tid = { value: 0 };
      const t = yield* w.CreateThread(
        null,
        0,
        function* issuer(w2: Win32Context) {
          const ov = new OVERLAPPED();
          yield* w2.ReadFileEx(h, new Uint8Array(2), 2, ov, routineFor(s, ov));
          s.issuerWait = yield* w2.SleepEx(INFINITE, true);
          return 0;
        },
        null,
        0,
        tid,
      );
      yield* w.Sleep(10);
      yield* completePending(w, ctl, Outcome.Success);
      s.mainWait = yield* w.SleepEx(20, true);
      yield* w.WaitForSingleObject(t, INFINITE);
      s.calls = (s.calls as unknown[][]).map((c) => c[3] === tid.value);
    });
    expect(s).toEqual({ mainWait: 0, issuerWait: WAIT_IO_COMPLETION, calls: [true] });
  });

  test('§3.11/§4.2: a cancelled ReadFileEx calls its routine with ERROR_OPERATION_ABORTED and 0 bytes', () => {
    const s = observe('fileex-cancel', function* (w, s) {
      const { h } = yield* setup(w, Mode.Pend);
      const ov = new OVERLAPPED();
      yield* w.ReadFileEx(h, new Uint8Array(2), 2, ov, routineFor(s, ov));
      s.cancel = yield* w.CancelIoEx(h, ov);
      yield* w.SleepEx(0, true);
      s.calls = (s.calls as unknown[][]).map((c) => c.slice(0, 3));
    });
    expect(s).toEqual({ cancel: true, calls: [[ERROR_OPERATION_ABORTED, 0, true]] });
  });

  test('§3.11: ReadFileEx presets Internal to STATUS_PENDING and InternalHigh to 0 and leaves hEvent to the application', () => {
    const s = observe('fileex-preset', function* (w, s) {
      const { h, ctl } = yield* setup(w, Mode.Pend);
      const ov = new OVERLAPPED();
      ov.InternalHigh = 77;
      ov.hEvent = yield* w.CreateEvent(null, true, true, null);
      yield* w.ReadFileEx(h, new Uint8Array(2), 2, ov, routineFor(s, ov));
      s.preset = [ov.Internal, ov.InternalHigh];
      s.eventWhilePending = yield* isSignaled(w, ov.hEvent);
      yield* w.ResetEvent(ov.hEvent);
      yield* completePending(w, ctl, Outcome.Success);
      s.eventAfter = yield* isSignaled(w, ov.hEvent);
      yield* w.SleepEx(0, true);
      delete s.calls;
    });
    expect(s).toEqual({ preset: [STATUS_PENDING, 0], eventWhilePending: true, eventAfter: false });
  });
});
