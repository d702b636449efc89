// Mutex ownership (spec/usermode.md §2.3), SignalObjectAndWait's corner cases (§2.4) and
// Sleep/SleepEx return values (§2.5).
import { describe, expect, test } from 'vitest';
import {
  ERROR_ALREADY_EXISTS,
  ERROR_INVALID_HANDLE,
  ERROR_NOT_OWNER,
  ERROR_TOO_MANY_POSTS,
  INFINITE,
  type Routine,
  WAIT_FAILED,
  WAIT_IO_COMPLETION,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
  type Win32Context,
} from '../../index.ts';
import { type Obs, observe, open } from './harness.ts';

function* countApc(_w: Win32Context, s: Obs): Routine<void> {
  s.apcs = ((s.apcs as number | undefined) ?? 0) + 1;
}

describe('mutexes (§2.3)', () => {
  test('§2.3: the owner can wait again without blocking and must release once per wait; a non-owner release fails with ERROR_NOT_OWNER', () => {
    const s = observe('mutex-recursion', function* (w, s) {
      const m = yield* w.CreateMutex(null, true, null);
      s.rewaits = [yield* w.WaitForSingleObject(m, 0), yield* w.WaitForSingleObject(m, 0)];
      const other = function* (w2: Win32Context) {
        s.otherRelease = [yield* w2.ReleaseMutex(m), w2.GetLastError()];
        s.otherWait = yield* w2.WaitForSingleObject(m, 0);
        return 0;
      };
      yield* w.WaitForSingleObject(yield* w.CreateThread(null, 0, other, null, 0, null), INFINITE);
      s.releases = [yield* w.ReleaseMutex(m), yield* w.ReleaseMutex(m), yield* w.ReleaseMutex(m)];
      s.extra = [yield* w.ReleaseMutex(m), w.GetLastError()];
    });
    expect(s).toEqual({
      rewaits: [WAIT_OBJECT_0, WAIT_OBJECT_0],
      otherRelease: [false, ERROR_NOT_OWNER],
      otherWait: WAIT_TIMEOUT,
      releases: [true, true, true],
      extra: [false, ERROR_NOT_OWNER],
    });
  });

  test('§2.3: CreateMutex of an existing name sets ERROR_ALREADY_EXISTS; a new name sets 0', () => {
    const s = observe('mutex-exists', function* (w, s) {
      w.SetLastError(0xdeadbeef);
      yield* w.CreateMutex(null, false, 'WineTestMutex');
      s.first = w.GetLastError();
      yield* w.CreateMutex(null, false, 'WineTestMutex');
      s.second = w.GetLastError();
    });
    expect(s).toEqual({ first: 0, second: ERROR_ALREADY_EXISTS });
  });
});

describe('SignalObjectAndWait (§2.4)', () => {
  test('§2.4: a NULL handle on either side fails with WAIT_FAILED', () => {
    const s = observe('soaw-null', function* (w, s) {
      const ev = yield* w.CreateEvent(null, false, false, null);
      s.got = [yield* w.SignalObjectAndWait(0, 0, 0, false), yield* w.SignalObjectAndWait(ev, 0, 0, false), yield* w.SignalObjectAndWait(0, ev, 0, false)];
    });
    expect(s.got).toEqual([WAIT_FAILED, WAIT_FAILED, WAIT_FAILED]);
  });

  test('§2.4: signaling an auto-reset event and waiting on the same event returns WAIT_OBJECT_0 and consumes it', () => {
    const s = observe('soaw-same', function* (w, s) {
      const ev = yield* w.CreateEvent(null, false, false, null);
      s.got = yield* w.SignalObjectAndWait(ev, ev, 0, false);
      s.after = yield* w.WaitForSingleObject(ev, 0);
    });
    expect(s).toEqual({ got: WAIT_OBJECT_0, after: WAIT_TIMEOUT });
  });

  test('§2.4: signaling a semaphore already at its maximum fails with WAIT_FAILED and ERROR_TOO_MANY_POSTS, and nothing is waited for', () => {
    const s = observe('soaw-semaphore', function* (w, s) {
      const full = yield* w.CreateSemaphore(null, 0, 1, null);
      const other = yield* w.CreateSemaphore(null, 1, 1, null);
      s.first = yield* w.SignalObjectAndWait(full, other, 0, false);
      s.second = [yield* w.SignalObjectAndWait(full, other, 0, false), w.GetLastError()];
      s.releaseFull = yield* w.ReleaseSemaphore(full, 1, null);
      s.releaseOther = yield* w.ReleaseSemaphore(other, 1, null);
    });
    expect(s).toEqual({ first: WAIT_OBJECT_0, second: [WAIT_FAILED, ERROR_TOO_MANY_POSTS], releaseFull: false, releaseOther: true });
  });

  test('§2.4: signaling a file handle fails with WAIT_FAILED and ERROR_INVALID_HANDLE', () => {
    const s = observe('soaw-file', function* (w, s) {
      const h = yield* open(w);
      s.got = [yield* w.SignalObjectAndWait(h, h, 0, false), w.GetLastError()];
    });
    expect(s.got).toEqual([WAIT_FAILED, ERROR_INVALID_HANDLE]);
  });
});

describe('Sleep and SleepEx (§2.5)', () => {
  test('§2.5: SleepEx returns 0 when the time elapsed and WAIT_IO_COMPLETION when APCs ran during an alertable sleep', () => {
    const s = observe('sleepex', function* (w, s) {
      const t0 = w.engine.nowMs;
      s.plain = yield* w.SleepEx(40, true);
      s.elapsed = w.engine.nowMs - t0;
      yield* w.QueueUserAPC(countApc, w.GetCurrentThread(), s);
      s.alerted = yield* w.SleepEx(INFINITE, true);
    });
    expect(s).toEqual({ plain: 0, elapsed: 40, alerted: WAIT_IO_COMPLETION, apcs: 1 });
  });

  test('§2.5: a non-alertable Sleep does not run queued APCs; SleepEx(0, TRUE) runs them and returns WAIT_IO_COMPLETION', () => {
    const s = observe('sleep-zero', function* (w, s) {
      yield* w.QueueUserAPC(countApc, w.GetCurrentThread(), s);
      yield* w.Sleep(20);
      s.afterSleep = s.apcs ?? 0;
      s.zero = yield* w.SleepEx(0, false);
      s.afterSleepEx0 = s.apcs ?? 0;
      s.alertable = yield* w.SleepEx(0, true);
    });
    expect(s).toEqual({ afterSleep: 0, zero: 0, afterSleepEx0: 0, alertable: WAIT_IO_COMPLETION, apcs: 1 });
  });
});
