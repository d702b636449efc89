// The wait functions (spec/usermode.md §2.1–2.2): every return code, the last error left alone by
// success and timeout, bad handles and the low two bits, nCount limits, pseudo-handles, wait-any
// lowest index, wait-all modifying nothing early. The exact value of a satisfied wait-all and the
// error for duplicate handles are UNCONFIRMED (§2.2) and not tested.
import { describe, expect, test } from 'vitest';
import {
  ERROR_ACCESS_DENIED,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  EVENT_MODIFY_STATE,
  INFINITE,
  INVALID_HANDLE_VALUE,
  type Routine,
  STILL_ACTIVE,
  WAIT_ABANDONED,
  WAIT_ABANDONED_0,
  WAIT_FAILED,
  WAIT_IO_COMPLETION,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
  type Win32Context,
} from '../../index.ts';
import { type Obs, observe, observeFindings } from './harness.ts';

/** a thread that takes the mutex and ends without releasing it */
function* abandon(w: Win32Context, hMutex: number): Routine<number> {
  yield* w.WaitForSingleObject(hMutex, INFINITE);
  return 0;
}

function* noteApc(_w: Win32Context, s: Obs): Routine<void> {
  s.apc = true;
}

describe('wait return codes (§2.1)', () => {
  test('§2.2: wait-any returns WAIT_OBJECT_0 + the lowest signaled index and consumes only that object', () => {
    const s = observe('wait-lowest', function* (w, s) {
      const ev = [yield* w.CreateEvent(null, false, false, null), yield* w.CreateEvent(null, false, true, null), yield* w.CreateEvent(null, false, true, null)];
      s.first = yield* w.WaitForMultipleObjects(3, ev, false, 0);
      s.second = yield* w.WaitForMultipleObjects(3, ev, false, 0);
      s.third = yield* w.WaitForMultipleObjects(3, ev, false, 0);
    });
    expect(s).toEqual({ first: WAIT_OBJECT_0 + 1, second: WAIT_OBJECT_0 + 2, third: WAIT_TIMEOUT });
  });

  test('§2.2: a manual-reset event at index 0 wins every wait-any while it stays signaled', () => {
    const s = observe('wait-manual-first', function* (w, s) {
      const ev = [yield* w.CreateEvent(null, true, true, null), yield* w.CreateEvent(null, false, true, null)];
      s.got = [yield* w.WaitForMultipleObjects(2, ev, false, 0), yield* w.WaitForMultipleObjects(2, ev, false, 0)];
      yield* w.ResetEvent(ev[0]);
      s.got2 = yield* w.WaitForMultipleObjects(2, ev, false, 0);
    });
    expect(s).toEqual({ got: [WAIT_OBJECT_0, WAIT_OBJECT_0], got2: WAIT_OBJECT_0 + 1 });
  });

  test('§2.1/§2.3: a mutex whose owner ended is acquired with WAIT_ABANDONED; the waiter owns it and it is normal after release', () => {
    const s = observe('wait-abandoned', function* (w, s) {
      const m = yield* w.CreateMutex(null, false, null);
      const t = yield* w.CreateThread(null, 0, abandon, m, 0, null);
      yield* w.WaitForSingleObject(t, INFINITE);
      s.first = yield* w.WaitForSingleObject(m, 0);
      s.release = yield* w.ReleaseMutex(m);
      s.again = yield* w.WaitForSingleObject(m, 0);
    });
    expect(s).toEqual({ first: WAIT_ABANDONED, release: true, again: WAIT_OBJECT_0 });
  });

  test('§2.1: an abandoned mutex at index i of a wait-any gives WAIT_ABANDONED_0 + i', () => {
    const s = observe('wait-abandoned-i', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      const m = yield* w.CreateMutex(null, false, null);
      yield* w.WaitForSingleObject(yield* w.CreateThread(null, 0, abandon, m, 0, null), INFINITE);
      s.got = yield* w.WaitForMultipleObjects(2, [ev, m], false, 0);
    });
    expect(s.got).toBe(WAIT_ABANDONED_0 + 1);
  });

  test('§2.1/§6.1: an alertable wait ended by a user APC returns WAIT_IO_COMPLETION', () => {
    const s = observe('wait-io-completion', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      yield* w.QueueUserAPC(noteApc, w.GetCurrentThread(), s);
      s.got = yield* w.WaitForSingleObjectEx(ev, INFINITE, true);
    });
    expect(s).toEqual({ apc: true, got: WAIT_IO_COMPLETION });
  });

  test('§2.2: WAIT_OBJECT_0 and WAIT_TIMEOUT leave the last error untouched', () => {
    const s = observe('wait-gle', function* (w, s) {
      const on = yield* w.CreateEvent(null, true, true, null);
      const off = yield* w.CreateEvent(null, true, false, null);
      w.SetLastError(0xdeadbeef);
      s.ok = [yield* w.WaitForSingleObject(on, 0), w.GetLastError()];
      s.timeout = [yield* w.WaitForSingleObject(off, 20), w.GetLastError()];
      s.multi = [yield* w.WaitForMultipleObjects(2, [off, on], false, 0), w.GetLastError()];
    });
    expect(s).toEqual({ ok: [WAIT_OBJECT_0, 0xdeadbeef], timeout: [WAIT_TIMEOUT, 0xdeadbeef], multi: [WAIT_OBJECT_0 + 1, 0xdeadbeef] });
  });

  test('§2.2: a timeout advances the virtual clock by the timeout', () => {
    const s = observe('wait-clock', function* (w, s) {
      const off = yield* w.CreateEvent(null, true, false, null);
      const t0 = w.engine.nowMs;
      yield* w.WaitForSingleObject(off, 250);
      s.elapsed = w.engine.nowMs - t0;
    });
    expect(s.elapsed).toBe(250);
  });
});

describe('wait failures (§2.2)', () => {
  test('§2.2: a closed or garbage handle fails with WAIT_FAILED and ERROR_INVALID_HANDLE, whatever its low two bits', () => {
    const s = observe('wait-invalid', function* (w, s) {
      s.got = [];
      for (const bits of [0, 1, 2, 3]) {
        w.SetLastError(0);
        (s.got as unknown[]).push([yield* w.WaitForSingleObject(0xdeadbee0 | bits, 0), w.GetLastError()]);
      }
    });
    expect(s.got).toEqual(Array(4).fill([WAIT_FAILED, ERROR_INVALID_HANDLE]));
  });

  test('§2.2: a valid handle with its low two bits set still works', () => {
    const s = observe('wait-low-bits', function* (w, s) {
      const on = yield* w.CreateEvent(null, true, true, null);
      const off = yield* w.CreateEvent(null, true, false, null);
      s.on = [yield* w.WaitForSingleObject(on | 1, 0), yield* w.WaitForSingleObject(on | 2, 0), yield* w.WaitForSingleObject(on | 3, 0)];
      s.off = yield* w.WaitForSingleObject(off | 3, 0);
    });
    expect(s).toEqual({ on: [WAIT_OBJECT_0, WAIT_OBJECT_0, WAIT_OBJECT_0], off: WAIT_TIMEOUT });
  });

  test('§2.2: a handle without SYNCHRONIZE fails with WAIT_FAILED and ERROR_ACCESS_DENIED', () => {
    const s = observe('wait-access', function* (w, s) {
      yield* w.CreateEvent(null, true, true, 'no-sync');
      const h = yield* w.OpenEvent(EVENT_MODIFY_STATE, false, 'no-sync');
      s.got = [yield* w.WaitForSingleObject(h, 0), w.GetLastError()];
    });
    expect(s.got).toEqual([WAIT_FAILED, ERROR_ACCESS_DENIED]);
  });

  test('§2.2: nCount 0 or more than 64 fails with WAIT_FAILED and ERROR_INVALID_PARAMETER; 64 handles are legal', () => {
    const s = observe('wait-ncount', function* (w, s) {
      const hs: number[] = [];
      for (let i = 0; i < 65; i++) hs.push(yield* w.CreateEvent(null, true, true, null));
      w.SetLastError(0);
      s.zero = [yield* w.WaitForMultipleObjects(0, hs, false, 0), w.GetLastError()];
      w.SetLastError(0);
      s.many = [yield* w.WaitForMultipleObjects(65, hs, false, 0), w.GetLastError()];
      s.max = yield* w.WaitForMultipleObjects(64, hs, true, 0);
    });
    expect(s).toEqual({ zero: [WAIT_FAILED, ERROR_INVALID_PARAMETER], many: [WAIT_FAILED, ERROR_INVALID_PARAMETER], max: WAIT_OBJECT_0 });
  });

  test('§2.2: WaitForSingleObject accepts the process and thread pseudo-handles and times out on them', () => {
    const s = observe('wait-pseudo', function* (w, s) {
      s.process = yield* w.WaitForSingleObject(w.GetCurrentProcess(), 100);
      s.thread = yield* w.WaitForSingleObject(w.GetCurrentThread(), 100);
    });
    expect(s).toEqual({ process: WAIT_TIMEOUT, thread: WAIT_TIMEOUT });
  });

  test('§2.2/§9.4: INVALID_HANDLE_VALUE is the current-process pseudo-handle, so waiting on it times out instead of failing', () => {
    const s = observe('wait-invalid-handle-value', function* (w, s) {
      w.SetLastError(0);
      s.got = yield* w.WaitForSingleObject(INVALID_HANDLE_VALUE, 30);
      s.gle = w.GetLastError();
    });
    expect(s).toEqual({ got: WAIT_TIMEOUT, gle: 0 });
  });

  test('§2.2: WaitForMultipleObjects rejects pseudo-handles with WAIT_FAILED and ERROR_INVALID_HANDLE, even with nCount 1', () => {
    const s = observe('wait-multiple-pseudo', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, true, null);
      w.SetLastError(0);
      s.one = [yield* w.WaitForMultipleObjects(1, [w.GetCurrentProcess()], false, 100), w.GetLastError()];
      w.SetLastError(0);
      s.two = [yield* w.WaitForMultipleObjects(2, [ev, w.GetCurrentThread()], false, 100), w.GetLastError()];
    });
    expect(s).toEqual({ one: [WAIT_FAILED, ERROR_INVALID_HANDLE], two: [WAIT_FAILED, ERROR_INVALID_HANDLE] });
  });
});

describe('wait-all and thread handles (§2.2)', () => {
  test('§2.2: wait-all modifies nothing until all objects are signaled: another thread can take the mutex meanwhile', () => {
    const s = observe('wait-all', function* (w, s) {
      const m = yield* w.CreateMutex(null, false, null);
      const ev = yield* w.CreateEvent(null, true, false, null);
      const all = yield* w.CreateThread(
        null,
        0,
        function* waitAll(w2: Win32Context) {
          s.all = yield* w2.WaitForMultipleObjects(2, [m, ev], true, INFINITE);
          yield* w2.ReleaseMutex(m);
          return 0;
        },
        null,
        0,
        null,
      );
      yield* w.Sleep(10);
      s.mainTakesMutex = yield* w.WaitForSingleObject(m, 0);
      yield* w.ReleaseMutex(m);
      yield* w.SetEvent(ev);
      yield* w.WaitForSingleObject(all, INFINITE);
    });
    expect(s).toEqual({ mainTakesMutex: WAIT_OBJECT_0, all: WAIT_OBJECT_0 });
  });

  test('§2.2: a wait-all that acquires an abandoned mutex returns a value in the WAIT_ABANDONED_0 range', () => {
    const s = observe('wait-all-abandoned', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, true, null);
      const m = yield* w.CreateMutex(null, false, null);
      yield* w.WaitForSingleObject(yield* w.CreateThread(null, 0, abandon, m, 0, null), INFINITE);
      const r = yield* w.WaitForMultipleObjects(2, [ev, m], true, 0);
      s.inRange = r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + 2;
    });
    expect(s.inRange).toBe(true);
  });

  test('§2.2/§4.4: TerminateThread ends a thread in a wait: its handle is signaled and GetExitCodeThread gives the exit code (STILL_ACTIVE before)', () => {
    const s = observe('wait-terminate', function* (w, s) {
      const t = yield* w.CreateThread(null, 0, function* forever(w2: Win32Context) {
        yield* w2.Sleep(INFINITE);
        return 0;
      }, null, 0, null);
      yield* w.Sleep(10);
      const code = { value: 0 };
      yield* w.GetExitCodeThread(t, code);
      s.before = code.value;
      s.terminate = yield* w.TerminateThread(t, 42);
      s.wait = yield* w.WaitForSingleObject(t, INFINITE);
      yield* w.GetExitCodeThread(t, code);
      s.after = code.value;
    });
    expect(s).toEqual({ before: STILL_ACTIVE, terminate: true, wait: WAIT_OBJECT_0, after: 42 });
  });

  test('§2.2: a thread handle becomes signaled when the thread ends', () => {
    const s = observe('wait-thread', function* (w, s) {
      const t = yield* w.CreateThread(
        null,
        0,
        function* worker(w2: Win32Context) {
          yield* w2.Sleep(20);
          return 0;
        },
        null,
        0,
        null,
      );
      s.running = yield* w.WaitForSingleObject(t, 0);
      s.ended = yield* w.WaitForSingleObject(t, INFINITE);
    });
    expect(s).toEqual({ running: WAIT_TIMEOUT, ended: WAIT_OBJECT_0 });
  });

  test('§2.2 (test_mutex): closing a handle another thread waits on does not end the wait; the wait keeps the object and gets WAIT_ABANDONED later', () => {
    const { s, findings } = observeFindings('wait-close', function* (w, s) {
      const m = yield* w.CreateMutex(null, true, null);
      const owner = yield* w.CreateThread(null, 0, function* owns(w2: Win32Context) {
        yield* w2.WaitForSingleObject(m, INFINITE);
        yield* w2.Sleep(INFINITE);
        return 0;
      }, null, 0, null);
      yield* w.ReleaseMutex(m);
      yield* w.Sleep(10);
      const waiter = yield* w.CreateThread(null, 0, function* waits(w2: Win32Context) {
        s.waiter = yield* w2.WaitForSingleObject(m, INFINITE);
        return 0;
      }, null, 0, null);
      yield* w.Sleep(10);
      yield* w.CloseHandle(m);
      s.stillWaiting = yield* w.WaitForSingleObject(waiter, 100);
      yield* w.TerminateThread(owner, 1);
      yield* w.WaitForSingleObject(waiter, INFINITE);
    });
    expect(findings).toEqual(['appverifier HANDLE_CLOSED_WHILE_WAITED_ON']);
    expect(s).toEqual({ stillWaiting: WAIT_TIMEOUT, waiter: WAIT_ABANDONED });
  });
});
