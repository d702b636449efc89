// Handles (spec/usermode.md §5): values are multiples of 4 with the low two bits ignored, freed
// values are reused (lowest first: irpsim's deterministic choice, §5.1 — Windows' order is
// UNCONFIRMED, so that test checks the model's rule, not Windows), NULL vs INVALID_HANDLE_VALUE as
// failure values (§5.2), CreateFile on a missing device (§5.3), bad and wrong-type handles (§5.4).
// The return value of CloseHandle on a pseudo-handle is UNCONFIRMED: only its lack of effect is tested.
import { describe, expect, test } from 'vitest';
import {
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_HANDLE,
  FILE_FLAG_OVERLAPPED,
  GENERIC_READ,
  INVALID_HANDLE_VALUE,
  OPEN_EXISTING,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
} from '../../index.ts';
import { isSignaled, observe, open } from './harness.ts';

describe('handle values (§5.1)', () => {
  test('§5.1: handle values are nonzero multiples of 4', () => {
    const s = observe('handle-values', function* (w, s) {
      const hs = [yield* w.CreateEvent(null, true, false, null), yield* open(w), yield* w.CreateMutex(null, false, null), yield* w.CreateIoCompletionPort(INVALID_HANDLE_VALUE, 0, 0, 0)];
      s.ok = hs.every((h) => h > 0 && h % 4 === 0);
    });
    expect(s.ok).toBe(true);
  });

  test('§5.1 (irpsim rule): a freed handle value is reused by the next object, lowest free value first, so a stale handle names a new object', () => {
    const s = observe('handle-reuse', function* (w, s) {
      const a = yield* w.CreateEvent(null, true, false, null);
      const b = yield* w.CreateEvent(null, true, false, null);
      yield* w.CloseHandle(a);
      const c = yield* w.CreateSemaphore(null, 1, 1, null);
      s.reused = c === a;
      s.staleNamesSemaphore = yield* w.WaitForSingleObject(a, 0);
      s.bUntouched = b !== c;
    });
    expect(s).toEqual({ reused: true, staleNamesSemaphore: WAIT_OBJECT_0, bUntouched: true });
  });

  test('§2.2/§5.1: the low two bits of a handle value are ignored by SetEvent, ResetEvent and CloseHandle', () => {
    const s = observe('handle-low-bits', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      s.set = yield* w.SetEvent(ev | 3);
      s.signaled = yield* isSignaled(w, ev);
      s.reset = yield* w.ResetEvent(ev | 1);
      s.close = yield* w.CloseHandle(ev | 2);
      s.after = [yield* w.SetEvent(ev), w.GetLastError()];
    });
    expect(s).toEqual({ set: true, signaled: true, reset: true, close: true, after: [false, ERROR_INVALID_HANDLE] });
  });

  test('§5.1: closing a pseudo-handle has no effect: the process and thread pseudo-handles still work afterwards', () => {
    const s = observe('close-pseudo', function* (w, s) {
      yield* w.CloseHandle(w.GetCurrentProcess());
      yield* w.CloseHandle(w.GetCurrentThread());
      s.process = yield* w.WaitForSingleObject(w.GetCurrentProcess(), 10);
      s.thread = yield* w.WaitForSingleObject(w.GetCurrentThread(), 10);
      s.apc = yield* w.QueueUserAPC(function* nop() {}, w.GetCurrentThread(), 0);
      yield* w.SleepEx(0, true);
    });
    expect(s).toEqual({ process: WAIT_TIMEOUT, thread: WAIT_TIMEOUT, apc: 1 });
  });
});

describe('failure values and bad handles (§5.2–5.4)', () => {
  test('§5.3: CreateFile on a device that does not exist returns INVALID_HANDLE_VALUE with ERROR_FILE_NOT_FOUND', () => {
    const s = observe('createfile-missing', function* (w, s) {
      s.h = yield* w.CreateFile('\\\\.\\NoSuchDevice', GENERIC_READ, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
      s.gle = w.GetLastError();
    });
    expect(s).toEqual({ h: INVALID_HANDLE_VALUE, gle: ERROR_FILE_NOT_FOUND });
  });

  test('§5.2: CreateEvent, CreateMutex, CreateSemaphore and CreateIoCompletionPort fail with NULL, never INVALID_HANDLE_VALUE', () => {
    const s = observe('null-failures', function* (w, s) {
      yield* w.CreateSemaphore(null, 0, 1, 'taken');
      s.event = yield* w.CreateEvent(null, false, false, 'taken');
      s.mutex = yield* w.CreateMutex(null, false, 'taken');
      s.semaphore = yield* w.CreateSemaphore(null, 2, 1, null);
      s.port = yield* w.CreateIoCompletionPort(0x7ff0, 0, 0, 0);
    });
    expect(s).toEqual({ event: 0, mutex: 0, semaphore: 0, port: 0 });
  });

  test('§5.4: CloseHandle of a closed or garbage handle fails with ERROR_INVALID_HANDLE', () => {
    const s = observe('close-bad', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      yield* w.CloseHandle(ev);
      s.closed = [yield* w.CloseHandle(ev), w.GetLastError()];
      s.garbage = [yield* w.CloseHandle(0xdeadbee0), w.GetLastError()];
    });
    expect(s).toEqual({ closed: [false, ERROR_INVALID_HANDLE], garbage: [false, ERROR_INVALID_HANDLE] });
  });

  test('§5.4: a handle of the wrong type fails with ERROR_INVALID_HANDLE (ReadFile on the process pseudo-handle, DeviceIoControl on an event)', () => {
    const s = observe('wrong-type', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      s.read = [yield* w.ReadFile(w.GetCurrentProcess(), new Uint8Array(1), 1, null, null), w.GetLastError()];
      s.ioctl = [yield* w.DeviceIoControl(ev, 0x222000, null, 0, null, 0, null, null), w.GetLastError()];
    });
    expect(s).toEqual({ read: [false, ERROR_INVALID_HANDLE], ioctl: [false, ERROR_INVALID_HANDLE] });
  });
});
