// Application-Verifier-style findings (issue 4 item 7; DESIGN.md "Findings"): kind 'appverifier',
// reported once per distinct problem, and the run goes on (outcome 'ok'). The misuse comes from
// spec/usermode.md: waits on closed or recycled handles (§2.2, §5.1, §9 item 12), an OVERLAPPED or
// buffer reused while pending (§3.9, §4.2), no OVERLAPPED on an overlapped handle (§3.5), and a
// thread ending with a request pending into its buffers (§4.4).
import { describe, expect, test } from 'vitest';
import {
  ERROR_INVALID_HANDLE,
  INFINITE,
  type OVERLAPPED,
  type Routine,
  WAIT_FAILED,
  WAIT_OBJECT_0,
  type Win32Context,
} from '../../index.ts';
import { completePending, control, type Obs, observe, observeFindings, open, overlappedWithEvent, runApp } from './harness.ts';
import { IOCTL_TEST_PEND, IOCTL_TEST_SUCCEED, Outcome } from './test-driver.ts';

function* pend(w: Win32Context, h: number, ov: OVERLAPPED, out: Uint8Array | null = null): Routine<boolean> {
  return yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, out, out?.length ?? 0, null, ov);
}

describe('handle misuse', () => {
  test('§2.2: closing a handle two threads wait on reports each waiter once, in creation order; a thread that only waited earlier is not reported', () => {
    const r = runApp('av-close-two-waiters', function* (w) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      const other = yield* w.CreateEvent(null, true, true, null);
      const early = yield* w.CreateThread(null, 0, function* early(w2: Win32Context) {
        yield* w2.WaitForSingleObject(other, INFINITE);
        return 0;
      }, null, 0, null);
      yield* w.WaitForSingleObject(early, INFINITE);
      const first = yield* w.CreateThread(null, 0, function* one(w2: Win32Context) {
        yield* w2.WaitForSingleObject(ev, 100);
        return 0;
      }, null, 0, null);
      const second = yield* w.CreateThread(null, 0, function* two(w2: Win32Context) {
        yield* w2.WaitForMultipleObjects(2, [ev, ev], false, 100);
        return 0;
      }, null, 0, null);
      yield* w.Sleep(10);
      yield* w.CloseHandle(ev);
      yield* w.WaitForMultipleObjects(2, [first, second], true, INFINITE);
    });
    expect(r.result.outcome).toBe('ok');
    // thread names count the threads ever created (early#1 exited before one#2 was created)
    const messages = r.result.findings.map((f) => f.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^main closes handle 4 \(ev#\d+\) while one#2 waits on it$/);
    expect(messages[1]).toMatch(/^main closes handle 4 \(ev#\d+\) while two#3 waits on it$/);
  });

  test('§2.2: a wait on a closed handle is reported as WAIT_ON_CLOSED_HANDLE; the wait fails with ERROR_INVALID_HANDLE and the run goes on', () => {
    const r = runApp('av-closed-wait', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      yield* w.CloseHandle(ev);
      s.wait = [yield* w.WaitForSingleObject(ev, 0), w.GetLastError()];
      s.after = true;
    });
    expect(r.result.outcome).toBe('ok');
    expect(r.s).toEqual({ wait: [WAIT_FAILED, ERROR_INVALID_HANDLE], after: true });
    expect(r.result.findings).toMatchObject([{ kind: 'appverifier', name: 'WAIT_ON_CLOSED_HANDLE', thread: 'main' }]);
  });

  test('§5.1/§9.12: a thread waiting on a handle value that was closed and now names another object is reported as STALE_HANDLE_REUSED', () => {
    const { s, findings } = observeFindings('av-stale', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      const t = yield* w.CreateThread(
        null,
        0,
        function* poller(w2: Win32Context) {
          s.first = yield* w2.WaitForSingleObject(ev, 20);
          yield* w2.Sleep(50);
          s.second = yield* w2.WaitForSingleObject(ev, 0);
          return 0;
        },
        null,
        0,
        null,
      );
      yield* w.Sleep(30);
      yield* w.CloseHandle(ev);
      s.sameValue = (yield* w.CreateSemaphore(null, 1, 1, null)) === ev;
      yield* w.WaitForSingleObject(t, INFINITE);
    });
    expect(s).toEqual({ first: 0x102, sameValue: true, second: WAIT_OBJECT_0 });
    expect(findings).toEqual(['appverifier STALE_HANDLE_REUSED']);
  });

  test('§5.1: creating, waiting on and closing an object in a loop that reuses the same value is not reported', () => {
    const s = observe('av-loop', function* (w, s) {
      const values = new Set<number>();
      for (let i = 0; i < 3; i++) {
        const ev = yield* w.CreateEvent(null, true, true, null);
        values.add(ev);
        yield* w.WaitForSingleObject(ev, 0);
        yield* w.CloseHandle(ev);
      }
      s.values = values.size;
    });
    expect(s.values).toBe(1);
  });

  test('§2.2: each distinct problem is reported once per run, however often it happens', () => {
    const { findings } = observeFindings('av-once', function* (w) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      yield* w.CloseHandle(ev);
      for (let i = 0; i < 3; i++) yield* w.WaitForSingleObject(ev, 0);
    });
    expect(findings).toEqual(['appverifier WAIT_ON_CLOSED_HANDLE']);
  });
});

describe('OVERLAPPED and buffer misuse', () => {
  test('§3.9/§4.2: starting a second request with an OVERLAPPED whose request is still pending is reported as OVERLAPPED_REUSED_WHILE_PENDING', () => {
    const { findings } = observeFindings('av-ov-reuse', function* (w) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      yield* pend(w, h, ov);
      yield* pend(w, h, ov);
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(findings).toEqual(['appverifier OVERLAPPED_REUSED_WHILE_PENDING']);
  });

  test('§3.9: reusing an OVERLAPPED once its request has completed is fine', () => {
    const s = observe('av-ov-after', function* (w, s) {
      const h = yield* open(w);
      const ov = yield* overlappedWithEvent(w);
      yield* pend(w, h, ov);
      yield* completePending(w, yield* control(w), Outcome.Success);
      s.again = yield* w.DeviceIoControl(h, IOCTL_TEST_SUCCEED, null, 0, null, 0, null, ov);
    });
    expect(s.again).toBe(true);
  });

  test('§4.2: passing a buffer that a pending request still uses is reported as BUFFER_REUSED_WHILE_PENDING', () => {
    const { findings } = observeFindings('av-buffer', function* (w) {
      const h = yield* open(w);
      const out = new Uint8Array(8);
      yield* pend(w, h, yield* overlappedWithEvent(w), out);
      yield* pend(w, h, yield* overlappedWithEvent(w), out);
      yield* completePending(w, yield* control(w), Outcome.Success);
    });
    expect(findings).toEqual(['appverifier BUFFER_REUSED_WHILE_PENDING']);
  });
});

describe('requests without an OVERLAPPED on an overlapped handle (§3.5)', () => {
  test('§3.5: DeviceIoControl without an OVERLAPPED on an overlapped handle is reported; irpsim then waits on the file handle (ReactOS)', () => {
    const { s, findings } = observeFindings('av-no-ov-ioctl', function* (w, s) {
      const h = yield* open(w);
      yield* w.CreateThread(
        null,
        0,
        function* completer(w2: Win32Context) {
          const ctl = yield* control(w2);
          yield* w2.Sleep(10);
          yield* completePending(w2, ctl, Outcome.Success);
          return 0;
        },
        null,
        0,
        null,
      );
      s.ret = yield* w.DeviceIoControl(h, IOCTL_TEST_PEND, null, 0, null, 0, null, null);
    });
    expect(s.ret).toBe(true);
    expect(findings).toEqual(['appverifier SYNCHRONOUS_CALL_ON_OVERLAPPED_HANDLE']);
  });

  test('§3.5: ReadFile without an OVERLAPPED on an overlapped handle is reported too', () => {
    const { s, findings } = observeFindings('av-no-ov-read', function* (w, s) {
      const h = yield* open(w);
      s.ret = yield* w.ReadFile(h, new Uint8Array(4), 4, null, null);
    });
    expect(s.ret).toBe(true);
    expect(findings).toEqual(['appverifier SYNCHRONOUS_CALL_ON_OVERLAPPED_HANDLE']);
  });
});

describe('threads ending with I/O pending (§4.4)', () => {
  function* leaveOne(w: Win32Context, p: { h: number; s: Obs; exit: boolean }): Routine<number> {
    const ov = yield* overlappedWithEvent(w);
    yield* pend(w, p.h, ov, new Uint8Array(4));
    p.s.ov = ov;
    if (p.exit) yield* w.ExitThread(3);
    return 0;
  }

  test.each([
    ['returning from its thread procedure', false],
    ['calling ExitThread', true],
  ])('§4.4: a thread %s while its request is pending is reported as THREAD_EXIT_WITH_PENDING_IO', (_how, exit) => {
    const { findings } = observeFindings(`av-exit-${exit}`, function* (w, s) {
      const h = yield* open(w);
      yield* w.WaitForSingleObject(yield* w.CreateThread(null, 0, leaveOne, { h, s, exit }, 0, null), INFINITE);
      delete s.ov;
    });
    expect(findings).toEqual(['appverifier THREAD_EXIT_WITH_PENDING_IO']);
  });
});
