// User APCs and alertable waits (spec/usermode.md §6.1, §4.4): QueueUserAPC runs nothing until the
// target waits alertably; then every queued APC runs, FIFO, and the wait returns WAIT_IO_COMPLETION
// without consuming its object. Which of "signaled object" and "queued APC" wins when both are ready
// as a plain alertable wait starts is UNCONFIRMED (§6.1, §10) and not tested.
import { describe, expect, test } from 'vitest';
import {
  ERROR_GEN_FAILURE,
  INFINITE,
  type Routine,
  WAIT_IO_COMPLETION,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
  type Win32Context,
} from '../../index.ts';
import { type Obs, observe } from './harness.ts';

/** an APC that appends its parameter (and the thread it ran on) to s.log */
function* logApc(w: Win32Context, p: { s: Obs; tag: string }): Routine<void> {
  ((p.s.log ??= []) as unknown[]).push(`${p.tag}@${w.GetCurrentThreadId()}`);
}

describe('QueueUserAPC and alertable waits (§6.1)', () => {
  test('§6.1: an APC queued to the own thread does not run until an alertable wait, which runs it once and returns WAIT_IO_COMPLETION', () => {
    const s = observe('apc-self', function* (w, s) {
      const me = w.GetCurrentThreadId();
      s.queued = (yield* w.QueueUserAPC(logApc, w.GetCurrentThread(), { s, tag: 'a' })) !== 0;
      yield* w.Sleep(20);
      s.beforeAlertable = s.log ?? [];
      s.sleep = yield* w.SleepEx(100, true);
      s.log = (s.log as string[]).map((x) => x.replace(`@${me}`, '@me'));
    });
    expect(s).toEqual({ queued: true, beforeAlertable: [], sleep: WAIT_IO_COMPLETION, log: ['a@me'] });
  });

  test('§6.1: every queued APC runs in the one alertable wait, in FIFO order', () => {
    const s = observe('apc-fifo', function* (w, s) {
      for (const tag of ['1', '2', '3']) yield* w.QueueUserAPC(logApc, w.GetCurrentThread(), { s, tag });
      s.first = yield* w.SleepEx(0, true);
      s.second = yield* w.SleepEx(0, true);
      s.log = (s.log as string[]).map((x) => x.split('@')[0]);
    });
    expect(s).toEqual({ first: WAIT_IO_COMPLETION, second: 0, log: ['1', '2', '3'] });
  });

  test('§6.1: an APC queued to a thread blocked in an alertable wait ends that wait with WAIT_IO_COMPLETION and runs on that thread', () => {
    const s = observe('apc-other', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      const tid = { value: 0 };
      const t = yield* w.CreateThread(
        null,
        0,
        function* waiter(w2: Win32Context) {
          s.wait = yield* w2.WaitForMultipleObjectsEx(1, [ev], false, INFINITE, true);
          return 0;
        },
        null,
        0,
        tid,
      );
      yield* w.Sleep(10);
      yield* w.QueueUserAPC(logApc, t, { s, tag: 'x' });
      yield* w.WaitForSingleObject(t, INFINITE);
      s.ranOnWaiter = (s.log as string[])[0] === `x@${tid.value}`;
      delete s.log;
    });
    expect(s).toEqual({ wait: WAIT_IO_COMPLETION, ranOnWaiter: true });
  });

  test('§6.1: a non-alertable wait is not interrupted by a user APC and does not run it', () => {
    const s = observe('apc-not-alertable', function* (w, s) {
      const ev = yield* w.CreateEvent(null, true, false, null);
      yield* w.QueueUserAPC(logApc, w.GetCurrentThread(), { s, tag: 'n' });
      s.wait = yield* w.WaitForSingleObject(ev, 30);
      s.ran = s.log !== undefined;
      yield* w.SleepEx(0, true);
      delete s.log;
    });
    expect(s).toEqual({ wait: WAIT_TIMEOUT, ran: false });
  });

  test('§6.1 (test_alertable_wait): an alertable wait that ran an APC does not consume its object: the next wait gets it', () => {
    const s = observe('apc-no-consume', function* (w, s) {
      const sem = yield* w.CreateSemaphore(null, 0, 1, null);
      const t = yield* w.CreateThread(
        null,
        0,
        function* waiter(w2: Win32Context) {
          s.first = yield* w2.WaitForSingleObjectEx(sem, INFINITE, true);
          s.second = yield* w2.WaitForSingleObject(sem, 0);
          return 0;
        },
        null,
        0,
        null,
      );
      yield* w.Sleep(10);
      yield* w.QueueUserAPC(
        function* release(w2: Win32Context, h: number) {
          yield* w2.ReleaseSemaphore(h, 1, null);
        },
        t,
        sem,
      );
      yield* w.WaitForSingleObject(t, INFINITE);
    });
    expect(s).toEqual({ first: WAIT_IO_COMPLETION, second: WAIT_OBJECT_0 });
  });

  test('§6.1: an APC queued before a new thread starts runs first, before its start routine', () => {
    const s = observe('apc-before-start', function* (w, s) {
      s.order = [];
      const t = yield* w.CreateThread(
        null,
        0,
        function* started(_w2: Win32Context) {
          (s.order as string[]).push('start routine');
          return 0;
        },
        null,
        0,
        null,
      );
      yield* w.QueueUserAPC(
        function* early() {
          (s.order as string[]).push('apc');
        },
        t,
        0,
      );
      yield* w.WaitForSingleObject(t, INFINITE);
    });
    expect(s.order).toEqual(['apc', 'start routine']);
  });
});

describe('APCs and thread exit (§4.4, §6.1)', () => {
  test('§6.1: QueueUserAPC to a thread that has ended fails with 0 and ERROR_GEN_FAILURE', () => {
    const s = observe('apc-dead-thread', function* (w, s) {
      const t = yield* w.CreateThread(null, 0, function* quick() {}, null, 0, null);
      yield* w.WaitForSingleObject(t, INFINITE);
      s.got = [yield* w.QueueUserAPC(logApc, t, { s, tag: 'late' }), w.GetLastError()];
    });
    expect(s).toEqual({ got: [0, ERROR_GEN_FAILURE] });
  });

  test('§4.4: APCs still queued when a thread ends are discarded, never run', () => {
    const s = observe('apc-lost', function* (w, s) {
      const t = yield* w.CreateThread(
        null,
        0,
        function* busy(w2: Win32Context) {
          yield* w2.Sleep(30);
          return 0;
        },
        null,
        0,
        null,
      );
      yield* w.Sleep(10);
      s.queued = yield* w.QueueUserAPC(logApc, t, { s, tag: 'lost' });
      yield* w.WaitForSingleObject(t, INFINITE);
      yield* w.Sleep(10);
      s.ran = s.log !== undefined;
    });
    expect(s).toEqual({ queued: 1, ran: false });
  });
});
