// Events (spec/usermode.md §1): creation and the last error, names (existing, case, type clash),
// OpenEvent errors, auto- vs manual-reset with several waiters, ResetEvent, PulseEvent, bad handles.
// Which waiter an auto-reset event releases is deliberately unspecified (§1.2): only counts are tested.
import { describe, expect, test } from 'vitest';
import {
  ERROR_ACCESS_DENIED,
  ERROR_ALREADY_EXISTS,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  EVENT_ALL_ACCESS,
  INFINITE,
  type Routine,
  SYNCHRONIZE,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
  type Win32Context,
} from '../../index.ts';
import { isSignaled, type Obs, observe, runApp } from './harness.ts';

/** three threads wait on `ev` for 100 ms; s.released counts those that got it */
function* threeWaiters(w: Win32Context, s: Obs, ev: number): Routine<number[]> {
  s.released = 0;
  const waiter = function* (w2: Win32Context) {
    if ((yield* w2.WaitForSingleObject(ev, 100)) === WAIT_OBJECT_0) s.released = (s.released as number) + 1;
    return 0;
  };
  const ts: number[] = [];
  for (let i = 0; i < 3; i++) ts.push(yield* w.CreateThread(null, 0, waiter, null, 0, null));
  yield* w.Sleep(10);
  return ts;
}

describe('creating and opening events (§1.1)', () => {
  test('§1.1: creating an unnamed event sets the last error to 0', () => {
    const s = observe('event-gle', function* (w, s) {
      w.SetLastError(0xdeadbeef);
      s.h = (yield* w.CreateEvent(null, false, false, null)) !== 0;
      s.gle = w.GetLastError();
    });
    expect(s).toEqual({ h: true, gle: 0 });
  });

  test('§1.1: creating an existing name gives a new handle to the same object with ERROR_ALREADY_EXISTS, ignoring the reset and initial-state flags', () => {
    const s = observe('event-exists', function* (w, s) {
      const a = yield* w.CreateEvent(null, true, false, 'Test Event');
      s.newGle = w.GetLastError();
      const b = yield* w.CreateEvent(null, false, true, 'Test Event');
      s.gle = w.GetLastError();
      s.distinct = a !== b && b !== 0;
      s.stillOff = yield* w.WaitForSingleObject(b, 0);
      yield* w.SetEvent(b);
      s.manual = [yield* w.WaitForSingleObject(a, 0), yield* w.WaitForSingleObject(a, 0)];
    });
    expect(s).toEqual({ newGle: 0, gle: ERROR_ALREADY_EXISTS, distinct: true, stillOff: WAIT_TIMEOUT, manual: [WAIT_OBJECT_0, WAIT_OBJECT_0] });
  });

  test('§1.1: names are case-sensitive: "TEST EVENT" is another object and OpenEvent with the other case fails', () => {
    const s = observe('event-case', function* (w, s) {
      yield* w.CreateEvent(null, false, false, 'Test Event');
      w.SetLastError(0xdeadbeef);
      yield* w.CreateEvent(null, false, false, 'TEST EVENT');
      s.createGle = w.GetLastError();
      s.open = yield* w.OpenEvent(EVENT_ALL_ACCESS, false, 'test event');
      s.openGle = w.GetLastError();
    });
    expect(s).toEqual({ createGle: 0, open: 0, openGle: ERROR_FILE_NOT_FOUND });
  });

  test('§1.1: a name already used by a mutex gives NULL with ERROR_INVALID_HANDLE', () => {
    const s = observe('event-type-clash', function* (w, s) {
      yield* w.CreateMutex(null, false, 'shared name');
      s.h = yield* w.CreateEvent(null, false, false, 'shared name');
      s.gle = w.GetLastError();
    });
    expect(s).toEqual({ h: 0, gle: ERROR_INVALID_HANDLE });
  });

  test('§1.1: OpenEvent fails with NULL: ERROR_INVALID_PARAMETER for a NULL name, ERROR_FILE_NOT_FOUND for a missing one or once the last handle is closed', () => {
    const s = observe('openevent-errors', function* (w, s) {
      s.nullName = [yield* w.OpenEvent(EVENT_ALL_ACCESS, false, null), w.GetLastError()];
      s.missing = [yield* w.OpenEvent(EVENT_ALL_ACCESS, false, 'nobody'), w.GetLastError()];
      const h = yield* w.CreateEvent(null, true, false, 'temporary');
      const h2 = yield* w.OpenEvent(EVENT_ALL_ACCESS, false, 'temporary');
      s.opened = h2 !== 0;
      yield* w.CloseHandle(h);
      yield* w.CloseHandle(h2);
      s.gone = [yield* w.OpenEvent(EVENT_ALL_ACCESS, false, 'temporary'), w.GetLastError()];
    });
    expect(s).toEqual({
      nullName: [0, ERROR_INVALID_PARAMETER],
      missing: [0, ERROR_FILE_NOT_FOUND],
      opened: true,
      gone: [0, ERROR_FILE_NOT_FOUND],
    });
  });
});

describe('SetEvent, ResetEvent, PulseEvent (§1.2–1.3)', () => {
  test('§1.2: SetEvent on a manual-reset event releases every waiter and the event stays signaled', () => {
    const s = observe('manual-many', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      const ts = yield* threeWaiters(w, s, ev);
      s.set = yield* w.SetEvent(ev);
      yield* w.WaitForMultipleObjects(3, ts, true, INFINITE);
      s.still = yield* isSignaled(w, ev);
    });
    expect(s).toEqual({ released: 3, set: true, still: true });
  });

  test('§1.2: SetEvent on an auto-reset event releases exactly one of several waiters and resets it', () => {
    const s = observe('auto-many', function* (w, s) {
      const ev = yield* w.CreateEvent(null, false, false, null);
      const ts = yield* threeWaiters(w, s, ev);
      yield* w.SetEvent(ev);
      yield* w.WaitForMultipleObjects(3, ts, true, INFINITE);
      s.still = yield* isSignaled(w, ev);
    });
    expect(s).toEqual({ released: 1, still: false });
  });

  test('§1.2: an auto-reset event set with no waiter stays signaled until one wait consumes it; setting it twice has no extra effect', () => {
    const s = observe('auto-no-waiter', function* (w, s) {
      const ev = yield* w.CreateEvent(null, false, false, null);
      yield* w.SetEvent(ev);
      yield* w.SetEvent(ev);
      yield* w.Sleep(10);
      s.got = [yield* w.WaitForSingleObject(ev, 0), yield* w.WaitForSingleObject(ev, 0)];
    });
    expect(s.got).toEqual([WAIT_OBJECT_0, WAIT_TIMEOUT]);
  });

  test('§1.2: ResetEvent returns TRUE, also on an event that is already nonsignaled', () => {
    const s = observe('reset', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, true, null);
      s.got = [yield* w.ResetEvent(ev), yield* w.ResetEvent(ev), yield* isSignaled(w, ev)];
    });
    expect(s.got).toEqual([true, true, false]);
  });

  test('§1.2: SetEvent on a closed handle or on a mutex fails with ERROR_INVALID_HANDLE', () => {
    const s = observe('setevent-bad', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      yield* w.CloseHandle(ev);
      s.closed = [yield* w.SetEvent(ev), w.GetLastError()];
      const m = yield* w.CreateMutex(null, false, null);
      s.mutex = [yield* w.SetEvent(m), w.GetLastError()];
    });
    expect(s).toEqual({ closed: [false, ERROR_INVALID_HANDLE], mutex: [false, ERROR_INVALID_HANDLE] });
  });

  test('§1.2: SetEvent through a handle without EVENT_MODIFY_STATE fails with ERROR_ACCESS_DENIED', () => {
    const s = observe('setevent-access', function* (w, s) {
      yield* w.CreateEvent(null, true, false, 'guarded');
      const h = yield* w.OpenEvent(SYNCHRONIZE, false, 'guarded');
      s.set = [yield* w.SetEvent(h), w.GetLastError()];
      s.wait = yield* w.WaitForSingleObject(h, 0);
    });
    expect(s).toEqual({ set: [false, ERROR_ACCESS_DENIED], wait: WAIT_TIMEOUT });
  });

  test('§1.3: PulseEvent on a manual-reset event releases every current waiter and leaves it nonsignaled', () => {
    const s = observe('pulse-manual', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      const ts = yield* threeWaiters(w, s, ev);
      s.pulse = yield* w.PulseEvent(ev);
      yield* w.WaitForMultipleObjects(3, ts, true, INFINITE);
      s.after = yield* isSignaled(w, ev);
    });
    expect(s).toEqual({ released: 3, pulse: true, after: false });
  });

  test('§1.3: PulseEvent on an auto-reset event releases exactly one of several waiters', () => {
    const s = observe('pulse-auto', function* (w, s) {
      const ev = yield* w.CreateEvent(null, false, false, null);
      const ts = yield* threeWaiters(w, s, ev);
      yield* w.PulseEvent(ev);
      yield* w.WaitForMultipleObjects(3, ts, true, INFINITE);
      s.after = yield* isSignaled(w, ev);
    });
    expect(s).toEqual({ released: 1, after: false });
  });

  test('§1.3: a pulse with no waiter is lost: it never makes the event sticky', () => {
    const s = observe('pulse-lost', function* (w, s) {
      const manual = yield* w.CreateEvent(null, true, false, null);
      const auto = yield* w.CreateEvent(null, false, false, null);
      s.pulses = [yield* w.PulseEvent(manual), yield* w.PulseEvent(auto)];
      s.after = [yield* w.WaitForSingleObject(manual, 0), yield* w.WaitForSingleObject(auto, 0)];
    });
    expect(s).toEqual({ pulses: [true, true], after: [WAIT_TIMEOUT, WAIT_TIMEOUT] });
  });
});

// not a Windows behaviour: the engine's determinism check (DESIGN.md "Threads are generator functions")
describe('a Win32 call without yield*', () => {
  test('is reported with the line of the thread that made it (not the call wrapper or the generator)', () => {
    const r = runApp('forgot', function* (w) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      w.SetEvent(ev); // the bug: no yield*
      yield* w.CloseHandle(ev);
    });
    expect(r.result.findings[0]).toMatchObject({ kind: 'determinism', name: 'FORGOTTEN_YIELD_STAR' });
    expect(r.result.findings[0].message).toMatch(/SetEvent\(…\) was called but never entered with yield\* \(at .*events\.test\.ts:\d+:\d+\)/);
  });
});
