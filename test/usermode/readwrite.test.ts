// ReadFile and WriteFile against the §3.4 rows (spec/usermode.md §3.4, §3.6): the byte count is 0
// unless the status is exactly 0, InternalHigh is not preset for reads (§3.2), and a synchronous
// handle blocks (§3.4, last paragraph). TestDrv's read/write mode selects the driver's outcome.
import { describe, expect, test } from 'vitest';
import {
  ERROR_INVALID_HANDLE,
  ERROR_IO_PENDING,
  ERROR_MORE_DATA,
  ERROR_NOT_SUPPORTED,
  INVALID_HANDLE_VALUE,
  type Ref,
  type Routine,
  STATUS_BUFFER_OVERFLOW,
  STATUS_PENDING,
  type Win32Context,
} from '../../index.ts';
import { completePending, control, isSignaled, type Obs, observe, open, overlappedWithEvent, setRwMode } from './harness.ts';
import { FILL, Mode, Outcome } from './test-driver.ts';

const PRESET = 12345;

/** sets the driver's read/write mode, then issues one overlapped ReadFile or WriteFile of 6 bytes */
function* issue(w: Win32Context, s: Obs, write: boolean, mode: number) {
  const h = yield* open(w);
  const ctl = yield* control(w);
  yield* setRwMode(w, ctl, mode);
  const ov = yield* overlappedWithEvent(w);
  ov.InternalHigh = PRESET;
  const buf = new Uint8Array(6);
  const n: Ref<number> = { value: PRESET };
  s.ret = write ? yield* w.WriteFile(h, buf, 6, n, ov) : yield* w.ReadFile(h, buf, 6, n, ov);
  s.gle = w.GetLastError();
  s.n = n.value;
  s.internal = ov.Internal;
  return { h, ctl, ov, buf };
}

describe.each([
  ['ReadFile', false],
  ['WriteFile', true],
])('%s on an overlapped handle (§3.4, §3.6)', (api, write) => {
  test(`§3.6/§3.4 row A: ${api} that the driver pends returns FALSE/ERROR_IO_PENDING with a count of 0, Internal pending and the event nonsignaled`, () => {
    const s = observe(`${api}-row-a`, function* (w, s) {
      const { ctl, ov } = yield* issue(w, s, write, Mode.Pend);
      s.signaled = yield* isSignaled(w, ov.hEvent);
      yield* completePending(w, ctl, Outcome.Success);
    });
    expect(s).toEqual({ ret: false, gle: ERROR_IO_PENDING, n: 0, internal: STATUS_PENDING, signaled: false });
  });

  test(`§3.4 row A: when the driver completes ${api} later, the OVERLAPPED gets the status and count and the event is signaled`, () => {
    const s = observe(`${api}-row-a-done`, function* (w, s) {
      const { ctl, ov } = yield* issue(w, s, write, Mode.Pend);
      yield* completePending(w, ctl, Outcome.Success);
      s.after = [ov.Internal, ov.InternalHigh, yield* isSignaled(w, ov.hEvent)];
    });
    expect(s.after).toEqual([0, 6, true]);
  });

  test(`§3.6/§3.4 row B: ${api} completed at once returns TRUE with the count and signals the event; GetOverlappedResult(FALSE) agrees`, () => {
    const s = observe(`${api}-row-b`, function* (w, s) {
      const { h, ov } = yield* issue(w, s, write, Mode.Succeed);
      s.signaled = yield* isSignaled(w, ov.hEvent);
      const m: Ref<number> = { value: 0 };
      s.gor = [yield* w.GetOverlappedResult(h, ov, m, false), m.value];
    });
    expect(s).toMatchObject({ ret: true, n: 6, internal: 0, signaled: true, gor: [true, 6] });
  });

  test(`§3.6/§3.4 row C: ${api} completed with a warning returns FALSE/ERROR_MORE_DATA with its own count 0, while GetOverlappedResult reports the real count`, () => {
    const s = observe(`${api}-row-c`, function* (w, s) {
      const { h, ov } = yield* issue(w, s, write, Mode.Warn);
      s.signaled = yield* isSignaled(w, ov.hEvent);
      const m: Ref<number> = { value: 0 };
      s.gor = [yield* w.GetOverlappedResult(h, ov, m, false), w.GetLastError(), m.value];
    });
    expect(s).toEqual({ ret: false, gle: ERROR_MORE_DATA, n: 0, internal: STATUS_BUFFER_OVERFLOW, signaled: true, gor: [false, ERROR_MORE_DATA, 6] });
  });

  test(`§3.4 row D: ${api} failing synchronously returns FALSE with the mapped error, a count of 0, and leaves the OVERLAPPED pending and the event nonsignaled`, () => {
    const s = observe(`${api}-row-d`, function* (w, s) {
      const { ov } = yield* issue(w, s, write, Mode.Fail);
      s.high = ov.InternalHigh;
      s.signaled = yield* isSignaled(w, ov.hEvent);
    });
    expect(s).toEqual({ ret: false, gle: ERROR_NOT_SUPPORTED, n: 0, internal: STATUS_PENDING, high: PRESET, signaled: false });
  });
});

describe('ReadFile details (§3.2, §3.6)', () => {
  test('§3.2: a pending ReadFile leaves InternalHigh at whatever it held', () => {
    const s = observe('read-internalhigh', function* (w, s) {
      const { ctl, ov } = yield* issue(w, s, false, Mode.Pend);
      s.high = ov.InternalHigh;
      yield* completePending(w, ctl, Outcome.Success);
    });
    expect(s.high).toBe(PRESET);
  });

  test('§3.6: the data of a completed ReadFile is in the caller buffer', () => {
    const s = observe('read-data', function* (w, s) {
      const { buf } = yield* issue(w, s, false, Mode.Succeed);
      s.buf = [...buf];
    });
    expect(s.buf).toEqual(Array(6).fill(FILL));
  });

  test('§3.6: ReadFile(INVALID_HANDLE_VALUE, buf, 0, &n, NULL) fails with ERROR_INVALID_HANDLE and n = 0', () => {
    const s = observe('read-invalid', function* (w, s) {
      const n: Ref<number> = { value: PRESET };
      s.ret = yield* w.ReadFile(INVALID_HANDLE_VALUE, new Uint8Array(1), 0, n, null);
      s.gle = w.GetLastError();
      s.n = n.value;
    });
    expect(s).toEqual({ ret: false, gle: ERROR_INVALID_HANDLE, n: 0 });
  });
});

describe('ReadFile and WriteFile on a synchronous handle (§3.4, synchronous handle)', () => {
  function* completer(w: Win32Context, outcome: number): Routine<number> {
    const ctl = yield* control(w);
    yield* w.Sleep(10);
    yield* completePending(w, ctl, outcome);
    return 0;
  }

  test('§3.4 synchronous handle: ReadFile blocks while the driver pends and returns TRUE with the count and the last error untouched', () => {
    const s = observe('sync-read', function* (w, s) {
      const h = yield* open(w, false);
      yield* setRwMode(w, yield* control(w), Mode.Pend);
      yield* w.CreateThread(null, 0, completer, Outcome.Success, 0, null);
      const n: Ref<number> = { value: PRESET };
      w.SetLastError(0xdeadbeef);
      s.ret = yield* w.ReadFile(h, new Uint8Array(4), 4, n, null);
      s.gle = w.GetLastError();
      s.n = n.value;
    });
    expect(s).toEqual({ ret: true, gle: 0xdeadbeef, n: 4 });
  });

  test('§3.4 synchronous handle: WriteFile whose pended request fails returns FALSE with the mapped error', () => {
    const s = observe('sync-write-fail', function* (w, s) {
      const h = yield* open(w, false);
      yield* setRwMode(w, yield* control(w), Mode.Pend);
      yield* w.CreateThread(null, 0, completer, Outcome.Fail, 0, null);
      const n: Ref<number> = { value: PRESET };
      s.ret = yield* w.WriteFile(h, new Uint8Array(4), 4, n, null);
      s.gle = w.GetLastError();
      s.n = n.value;
    });
    expect(s).toEqual({ ret: false, gle: ERROR_NOT_SUPPORTED, n: 0 });
  });
});
