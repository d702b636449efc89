// GetOverlappedResult, GetOverlappedResultEx and HasOverlappedIoCompleted (spec/usermode.md §3.7,
// §3.9, §3.10). The last error after a successful GetOverlappedResult is UNCONFIRMED (§3.9, §10)
// and not tested; neither is the Wine-only "no Internal check with a nonzero timeout" (§3.10).
import { describe, expect, test } from 'vitest';
import {
  ERROR_INVALID_HANDLE,
  ERROR_IO_INCOMPLETE,
  ERROR_NOT_SUPPORTED,
  ERROR_OPERATION_ABORTED,
  INFINITE,
  OVERLAPPED,
  type Ref,
  type Routine,
  STATUS_PENDING,
  WAIT_IO_COMPLETION,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
  type Win32Context,
} from '../../index.ts';
import { completePending, control, type Obs, observe, open, overlappedWithEvent } from './harness.ts';
import { IOCTL_TEST_PEND, Outcome, PENDED_FAIL_INFORMATION } from './test-driver.ts';

const SENTINEL = 0x5eed;

/** a thread that completes every pended request after `ms` */
function* completer(w: Win32Context, p: { ms: number; outcome: number }): Routine<number> {
  const ctl = yield* control(w);
  yield* w.Sleep(p.ms);
  yield* completePending(w, ctl, p.outcome);
  return 0;
}

function* pended(w: Win32Context, ov: OVERLAPPED): Routine<number> {
  const h = yield* open(w);
  yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, new Uint8Array(4), 4, null, ov);
  return h;
}

function* countApc(_w: Win32Context, s: Obs): Routine<void> {
  s.apcs = ((s.apcs as number | undefined) ?? 0) + 1;
}

describe('HasOverlappedIoCompleted (§3.7)', () => {
  test('§3.7: HasOverlappedIoCompleted is FALSE while the request is pending and TRUE once it completed', () => {
    const s = observe('hasoverlapped', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      yield* pended(w, ov);
      s.before = w.HasOverlappedIoCompleted(ov);
      yield* completePending(w, yield* control(w), Outcome.Success);
      s.after = w.HasOverlappedIoCompleted(ov);
    });
    expect(s).toEqual({ before: false, after: true });
  });
});

describe('GetOverlappedResult (§3.9)', () => {
  test('§3.9 step 2: with bWait FALSE on a pending request it returns FALSE with ERROR_IO_INCOMPLETE and leaves the count alone', () => {
    const s = observe('gor-incomplete', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResult(h, ov, n, false);
      s.gle = w.GetLastError();
      s.n = n.value;
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(s).toEqual({ ret: false, gle: ERROR_IO_INCOMPLETE, n: SENTINEL });
  });

  test('§3.9 step 2: with bWait TRUE it waits on hEvent until another thread completes the request, then returns TRUE with the count', () => {
    const s = observe('gor-wait-event', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      yield* w.CreateThread(null, 0, completer, { ms: 40, outcome: Outcome.Success }, 0, null);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResult(h, ov, n, true);
      s.n = n.value;
    });
    expect(s).toEqual({ ret: true, n: 4 });
  });

  test('§3.9 step 2: with hEvent NULL it waits on the file handle', () => {
    const s = observe('gor-wait-file', function* (w, s) {
      const ov = new OVERLAPPED();
      const h = yield* pended(w, ov);
      yield* w.CreateThread(null, 0, completer, { ms: 40, outcome: Outcome.Success }, 0, null);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResult(h, ov, n, true);
      s.n = n.value;
    });
    expect(s).toEqual({ ret: true, n: 4 });
  });

  test('§3.9: hFile is only used when hEvent is NULL: waiting through hEvent works with hFile 0', () => {
    const s = observe('gor-hfile-unused', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      yield* pended(w, ov);
      yield* w.CreateThread(null, 0, completer, { ms: 20, outcome: Outcome.Success }, 0, null);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResult(0, ov, n, true);
      s.n = n.value;
    });
    expect(s).toEqual({ ret: true, n: 4 });
  });

  test('§3.9 step 1: a completed request is reported at once even when its auto-reset event was already consumed', () => {
    const s = observe('gor-auto-reset', function* (w, s) {
      const ov = new OVERLAPPED();
      ov.hEvent = yield* w.CreateEvent(null, false, false, null);
      const h = yield* pended(w, ov);
      yield* completePending(w, yield* control(w), Outcome.Success);
      s.wait = yield* w.WaitForSingleObject(ov.hEvent, 0);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResult(h, ov, n, true);
      s.n = n.value;
    });
    expect(s).toEqual({ wait: WAIT_OBJECT_0, ret: true, n: 4 });
  });

  test('§3.9 step 3: a request completed with an error gives FALSE, the mapped error, and the count written anyway', () => {
    const s = observe('gor-error', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      yield* completePending(w, yield* control(w), Outcome.Fail);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResult(h, ov, n, true);
      s.gle = w.GetLastError();
      s.n = n.value;
    });
    expect(s).toEqual({ ret: false, gle: ERROR_NOT_SUPPORTED, n: PENDED_FAIL_INFORMATION });
  });

  test('§3.9 step 3: a cancelled request reports FALSE with ERROR_OPERATION_ABORTED and 0 bytes', () => {
    const s = observe('gor-cancelled', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      yield* w.CancelIoEx(h, ov);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResult(h, ov, n, true);
      s.gle = w.GetLastError();
      s.n = n.value;
    });
    expect(s).toEqual({ ret: false, gle: ERROR_OPERATION_ABORTED, n: 0 });
  });

  test('§3.9 quirk: when the event is set by someone else while Internal is still pending it returns TRUE with InternalHigh', () => {
    const s = observe('gor-quirk', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      ov.InternalHigh = 21;
      yield* w.SetEvent(ov.hEvent);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResult(h, ov, n, true);
      s.n = n.value;
      s.internal = ov.Internal;
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(s).toEqual({ ret: true, n: 21, internal: STATUS_PENDING });
  });

  test('§3.9 step 2: if the wait fails (hEvent is not a handle) it returns FALSE with the wait error', () => {
    const s = observe('gor-bad-event', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      const real = ov.hEvent;
      ov.hEvent = 0x7ff0;
      s.ret = yield* w.GetOverlappedResult(h, ov, null, true);
      s.gle = w.GetLastError();
      ov.hEvent = real;
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(s).toEqual({ ret: false, gle: ERROR_INVALID_HANDLE });
  });
});

describe('GetOverlappedResultEx (§3.10)', () => {
  test('§3.10: with dwMilliseconds 0 a pending request gives ERROR_IO_INCOMPLETE and no APC runs even when alertable', () => {
    const s = observe('gorex-zero', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      yield* w.QueueUserAPC(countApc, w.GetCurrentThread(), s);
      s.ret = yield* w.GetOverlappedResultEx(h, ov, null, 0, true);
      s.gle = w.GetLastError();
      s.apcsBefore = s.apcs ?? 0;
      yield* w.SleepEx(0, true);
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(s).toEqual({ ret: false, gle: ERROR_IO_INCOMPLETE, apcsBefore: 0, apcs: 1 });
  });

  test('§3.10: a timeout gives FALSE with the last error WAIT_TIMEOUT (258), not an ERROR_ code', () => {
    const s = observe('gorex-timeout', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      s.ret = yield* w.GetOverlappedResultEx(h, ov, null, 30, false);
      s.gle = w.GetLastError();
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(s).toEqual({ ret: false, gle: WAIT_TIMEOUT });
  });

  test('§3.10: an alertable wait that ran an APC gives FALSE with the last error WAIT_IO_COMPLETION (192)', () => {
    const s = observe('gorex-apc', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      yield* w.QueueUserAPC(countApc, w.GetCurrentThread(), s);
      s.ret = yield* w.GetOverlappedResultEx(h, ov, null, INFINITE, true);
      s.gle = w.GetLastError();
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(s).toEqual({ ret: false, gle: WAIT_IO_COMPLETION, apcs: 1 });
  });

  test('§3.10: with INFINITE it returns once the request completes, with the count', () => {
    const s = observe('gorex-infinite', function* (w, s) {
      const ov = yield* overlappedWithEvent(w);
      const h = yield* pended(w, ov);
      yield* w.CreateThread(null, 0, completer, { ms: 25, outcome: Outcome.Success }, 0, null);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.GetOverlappedResultEx(h, ov, n, INFINITE, false);
      s.n = n.value;
    });
    expect(s).toEqual({ ret: true, n: 4 });
  });
});
