// DeviceIoControl against the four driver outcomes of spec/usermode.md §3.4 (rows A–D), the event
// reset at request start (§3.3), the file handle's own signal (§3.1) and synchronous handles (§3.4,
// last paragraph). lpBytesReturned for a pended request is UNCONFIRMED (§3.4 row A) and not tested.
import { describe, expect, test } from 'vitest';
import {
  ERROR_INVALID_PARAMETER,
  ERROR_IO_PENDING,
  ERROR_MORE_DATA,
  ERROR_NOT_SUPPORTED,
  OVERLAPPED,
  type Ref,
  STATUS_BUFFER_OVERFLOW,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  WAIT_OBJECT_0,
  type Win32Context,
} from '../../index.ts';
import { completePending, control, isSignaled, observe, open, overlappedWithEvent, statusBytes } from './harness.ts';
import {
  FAIL_INFORMATION,
  FILL,
  IOCTL_TEST_FAIL,
  IOCTL_TEST_PEND,
  IOCTL_TEST_SUCCEED,
  IOCTL_TEST_WARN,
  Outcome,
  PENDED_FAIL_INFORMATION,
} from './test-driver.ts';

const SENTINEL = 0x5eed;

describe('DeviceIoControl on an overlapped handle (§3.4)', () => {
  test('§3.4 row A: a request the driver pends returns FALSE with ERROR_IO_PENDING, Internal stays STATUS_PENDING and the event nonsignaled', () => {
    const s = observe('ioctl-row-a', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w, true);
      s.ret = yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, new Uint8Array(6), 6, { value: 0 }, ov);
      s.gle = w.GetLastError();
      s.internal = ov.Internal;
      s.completed = w.HasOverlappedIoCompleted(ov);
      s.signaled = yield* isSignaled(w, ov.hEvent);
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(s).toMatchObject({ ret: false, gle: ERROR_IO_PENDING, internal: STATUS_PENDING, completed: false, signaled: false });
  });

  test('§3.4 row A: when the driver later completes with success, Internal/InternalHigh take the status and count, the data arrives and the event is signaled', () => {
    const s = observe('ioctl-row-a-done', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      const out = new Uint8Array(6);
      yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, out, 6, null, ov);
      yield* completePending(w, yield* control(w), Outcome.Success);
      s.internal = ov.Internal;
      s.high = ov.InternalHigh;
      s.out = [...out];
      s.signaled = yield* isSignaled(w, ov.hEvent);
    });
    expect(s).toEqual({ internal: 0, high: 6, out: Array(6).fill(FILL), signaled: true });
  });

  test('§3.4 row A: a pended request later completed with an error still writes the OVERLAPPED and signals the event', () => {
    const s = observe('ioctl-row-a-error', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, new Uint8Array(6), 6, null, ov);
      yield* completePending(w, yield* control(w), Outcome.Fail);
      s.internal = ov.Internal;
      s.high = ov.InternalHigh;
      s.signaled = yield* isSignaled(w, ov.hEvent);
    });
    expect(s).toEqual({ internal: STATUS_NOT_SUPPORTED, high: PENDED_FAIL_INFORMATION, signaled: true });
  });

  test('§3.4 row B: a synchronous success returns TRUE, leaves the last error untouched and writes the count, the OVERLAPPED and the event', () => {
    const s = observe('ioctl-row-b', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      const n: Ref<number> = { value: SENTINEL };
      w.SetLastError(0xdeadbeef);
      s.ret = yield* w.DeviceIoControl(h, IOCTL_TEST_SUCCEED, null, 0, new Uint8Array(5), 5, n, ov);
      s.gle = w.GetLastError();
      s.n = n.value;
      s.internal = ov.Internal;
      s.high = ov.InternalHigh;
      s.signaled = yield* isSignaled(w, ov.hEvent);
    });
    expect(s).toEqual({ ret: true, gle: 0xdeadbeef, n: 5, internal: 0, high: 5, signaled: true });
  });

  test('§3.4 row C: a synchronous warning returns FALSE with ERROR_MORE_DATA but writes the count, the OVERLAPPED and the event', () => {
    const s = observe('ioctl-row-c', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      const n: Ref<number> = { value: SENTINEL };
      const out = new Uint8Array(4);
      s.ret = yield* w.DeviceIoControl(h, IOCTL_TEST_WARN, null, 0, out, 4, n, ov);
      s.gle = w.GetLastError();
      s.n = n.value;
      s.internal = ov.Internal;
      s.high = ov.InternalHigh;
      s.out = [...out];
      s.signaled = yield* isSignaled(w, ov.hEvent);
    });
    expect(s).toEqual({ ret: false, gle: ERROR_MORE_DATA, n: 4, internal: STATUS_BUFFER_OVERFLOW, high: 4, out: Array(4).fill(FILL), signaled: true });
  });

  test('§3.4 row D: a synchronous error on an overlapped handle writes nothing and leaves the event nonsignaled', () => {
    const s = observe('ioctl-row-d', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      const n: Ref<number> = { value: SENTINEL };
      s.ret = yield* w.DeviceIoControl(h, IOCTL_TEST_FAIL, null, 0, new Uint8Array(8), 8, n, ov);
      s.gle = w.GetLastError();
      s.n = n.value;
      s.internal = ov.Internal;
      s.highIsDriverCount = ov.InternalHigh === FAIL_INFORMATION;
      s.completed = w.HasOverlappedIoCompleted(ov);
      s.signaled = yield* isSignaled(w, ov.hEvent);
    });
    expect(s).toEqual({ ret: false, gle: ERROR_NOT_SUPPORTED, n: SENTINEL, internal: STATUS_PENDING, highIsDriverCount: false, completed: false, signaled: false });
  });

  test('§3.4 row D: the last error is RtlNtStatusToDosError of the driver status (STATUS_INVALID_PARAMETER gives ERROR_INVALID_PARAMETER)', () => {
    const s = observe('ioctl-row-d-map', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      s.ret = yield* w.DeviceIoControl(h, IOCTL_TEST_FAIL, statusBytes(STATUS_INVALID_PARAMETER), 4, null, 0, null, ov);
      s.gle = w.GetLastError();
    });
    expect(s).toEqual({ ret: false, gle: ERROR_INVALID_PARAMETER });
  });

  test('§3.3: the event is reset at request start even when it was signaled before and even when the request then fails', () => {
    const s = observe('ioctl-reset-event', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w, true);
      s.before = yield* isSignaled(w, ov.hEvent);
      yield* w.DeviceIoControl(h, IOCTL_TEST_FAIL, null, 0, null, 0, null, ov);
      s.after = yield* isSignaled(w, ov.hEvent);
    });
    expect(s).toEqual({ before: true, after: false });
  });
});

describe('the file handle as a waitable object (§3.1)', () => {
  test('§3.1: the handle is signaled after open, reset when a request without an event starts, and set when that request completes', () => {
    const s = observe('file-signal', function* (w, s) {
      const h = yield* open(w);
      s.atOpen = yield* w.WaitForSingleObject(h, 0);
      const ov = new OVERLAPPED();
      yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, null, 0, null, ov);
      s.whilePending = yield* isSignaled(w, h);
      yield* completePending(w, yield* control(w), Outcome.Success);
      s.afterCompletion = yield* isSignaled(w, h);
    });
    expect(s).toEqual({ atOpen: WAIT_OBJECT_0, whilePending: false, afterCompletion: true });
  });

  test('§3.1: after a request that used an event the file handle stays nonsignaled', () => {
    const s = observe('file-signal-event', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      yield* w.DeviceIoControl(h, IOCTL_TEST_SUCCEED, null, 0, null, 0, null, ov);
      s.event = yield* isSignaled(w, ov.hEvent);
      s.file = yield* isSignaled(w, h);
    });
    expect(s).toEqual({ event: true, file: false });
  });
});

describe('DeviceIoControl on a synchronous handle (§3.4, synchronous handle)', () => {
  function* completeLater(w: Win32Context, outcome: number) {
    const ctl = yield* control(w);
    yield* w.Sleep(10);
    yield* completePending(w, ctl, outcome);
    return 0;
  }

  test('§3.4 synchronous handle: the call blocks while the driver pends, then returns TRUE with the count and the last error untouched', () => {
    const s = observe('sync-ioctl-pend', function* (w, s) {
      const h = yield* open(w, false);
      yield* w.CreateThread(null, 0, completeLater, Outcome.Success, 0, null);
      const n: Ref<number> = { value: SENTINEL };
      w.SetLastError(0xdeadbeef);
      s.ret = yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, new Uint8Array(3), 3, n, null);
      s.gle = w.GetLastError();
      s.n = n.value;
    });
    expect(s).toEqual({ ret: true, gle: 0xdeadbeef, n: 3 });
  });

  test('§3.4 synchronous handle: a pended request that completes with an error fails with the mapped status of the IOSB', () => {
    const s = observe('sync-ioctl-pend-fail', function* (w, s) {
      const h = yield* open(w, false);
      yield* w.CreateThread(null, 0, completeLater, Outcome.Fail, 0, null);
      s.ret = yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, new Uint8Array(3), 3, null, null);
      s.gle = w.GetLastError();
    });
    expect(s).toEqual({ ret: false, gle: ERROR_NOT_SUPPORTED });
  });

  test('§3.4 synchronous handle: a warning returns FALSE with ERROR_MORE_DATA and still writes the count; an error writes no count', () => {
    const s = observe('sync-ioctl-warn-fail', function* (w, s) {
      const h = yield* open(w, false);
      const n: Ref<number> = { value: SENTINEL };
      s.warn = yield* w.DeviceIoControl(h, IOCTL_TEST_WARN, null, 0, new Uint8Array(2), 2, n, null);
      s.warnGle = w.GetLastError();
      s.warnN = n.value;
      n.value = SENTINEL;
      s.fail = yield* w.DeviceIoControl(h, IOCTL_TEST_FAIL, null, 0, new Uint8Array(2), 2, n, null);
      s.failGle = w.GetLastError();
      s.failN = n.value;
    });
    expect(s).toEqual({ warn: false, warnGle: ERROR_MORE_DATA, warnN: 2, fail: false, failGle: ERROR_NOT_SUPPORTED, failN: SENTINEL });
  });
});
