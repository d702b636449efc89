// DPCs, timers and work items (issue 3 item 5): the DDI contracts (return values, the thread and
// IRQL a routine runs on, its arguments, virtual time of expiry) and the findings for routines
// that break the rules. The kernel code runs in DriverEntry, on the boot thread at PASSIVE_LEVEL.
import { describe, expect, test } from 'vitest';
import {
  DelayedWorkQueue,
  type DEVICE_OBJECT,
  DISPATCH_LEVEL,
  Executive,
  type KernelContext,
  KernelMode,
  NotificationEvent,
  PASSIVE_LEVEL,
  type Routine,
  type RunResult,
  STATUS_TIMEOUT,
  STATUS_WAIT_0,
} from '../../index.ts';
import { describeFindings, run, shape, testDriver } from './harness.ts';

const MS = 10_000; // 100-ns units per millisecond
const relative = (ms: number) => -ms * MS;

/** runs `body` inside DriverEntry; the application does nothing */
function inKernel(body: (k: KernelContext, DeviceObject: DEVICE_OBJECT) => Routine<void>): RunResult {
  return run('deferred', testDriver({ init: body }), function* () {
    return 0;
  });
}

function clean(r: RunResult): void {
  expect(r.findings, describeFindings(r)).toEqual([]);
  expect(r.outcome).toBe('ok');
}

interface Seen {
  thread: string;
  irql: number;
  args: unknown[];
  atMs: number;
}

describe('DPCs', () => {
  test('KeInsertQueueDpc returns TRUE, FALSE while the DPC is still queued, and TRUE again once it ran', () => {
    const seen: Seen[] = [];
    const results: boolean[] = [];
    const r = inKernel(function* (k) {
      const done = k.KeInitializeEvent(null, 1, false);
      const dpc = k.KeInitializeDpc(null, function* Deferred(k, _dpc, ctx, a1, a2) {
        seen.push({ thread: k.thread.name, irql: k.KeGetCurrentIrql(), args: [ctx, a1, a2], atMs: k.engine.nowMs });
        yield* k.KeSetEvent(done, 0, false);
      }, 'context');
      results.push(yield* k.KeInsertQueueDpc(dpc, 1, 2));
      results.push(yield* k.KeInsertQueueDpc(dpc, 3, 4));
      yield* k.KeWaitForSingleObject(done, Executive, KernelMode, false, null);
      results.push(yield* k.KeInsertQueueDpc(dpc, 5, 6));
      yield* k.KeWaitForSingleObject(done, Executive, KernelMode, false, null);
    });
    clean(r);
    expect(results).toEqual([true, false, true]);
    expect(seen).toEqual([
      { thread: 'DPC', irql: DISPATCH_LEVEL, args: ['context', 1, 2], atMs: 0 },
      { thread: 'DPC', irql: DISPATCH_LEVEL, args: ['context', 5, 6], atMs: 0 },
    ]);
  });

  test('KeRemoveQueueDpc takes a queued DPC off the queue (TRUE) so it never runs, and returns FALSE when it is not queued', () => {
    let ran = 0;
    const results: boolean[] = [];
    const r = inKernel(function* (k) {
      const dpc = k.KeInitializeDpc(null, function* Deferred() {
        ran++;
      }, null);
      yield* k.KeInsertQueueDpc(dpc, null, null);
      results.push(yield* k.KeRemoveQueueDpc(dpc));
      results.push(yield* k.KeRemoveQueueDpc(dpc));
      yield* k.KeWaitForSingleObject(k.KeInitializeEvent(null, NotificationEvent, false), Executive, KernelMode, false, relative(5));
    });
    clean(r);
    expect(results).toEqual([true, false]);
    expect(ran).toBe(0);
  });
});

describe('timers', () => {
  test('a notification timer is signaled at its due time and stays signaled; KeSetTimer returns FALSE when it was not set', () => {
    const log: unknown[] = [];
    const r = inKernel(function* (k) {
      const timer = k.KeInitializeTimer(null);
      log.push(yield* k.KeSetTimer(timer, relative(10), null), k.KeReadStateTimer(timer));
      log.push(yield* k.KeWaitForSingleObject(timer, Executive, KernelMode, false, null), k.engine.nowMs);
      log.push(yield* k.KeWaitForSingleObject(timer, Executive, KernelMode, false, null), k.engine.nowMs, k.KeReadStateTimer(timer));
      log.push(yield* k.KeSetTimer(timer, relative(5), null), k.KeReadStateTimer(timer));
    });
    clean(r);
    expect(log).toEqual([false, false, STATUS_WAIT_0, 10, STATUS_WAIT_0, 10, true, false, false]);
  });

  test('re-setting a timer returns TRUE and replaces the old expiry: the DPC runs once, at the new due time, with the expiry time as its arguments', () => {
    const seen: Seen[] = [];
    const log: unknown[] = [];
    const r = inKernel(function* (k) {
      const timer = k.KeInitializeTimer(null);
      const dpc = k.KeInitializeDpc(null, function* TimerDpc(k, _dpc, ctx, a1, a2) {
        seen.push({ thread: k.thread.name, irql: k.KeGetCurrentIrql(), args: [ctx, a1, a2], atMs: k.engine.nowMs });
      }, 'ctx');
      log.push(yield* k.KeSetTimer(timer, relative(10), dpc));
      log.push(yield* k.KeSetTimer(timer, relative(30), dpc));
      yield* k.KeWaitForSingleObject(timer, Executive, KernelMode, false, null);
      log.push(k.engine.nowMs);
      yield* k.KeWaitForSingleObject(k.KeInitializeEvent(null, NotificationEvent, false), Executive, KernelMode, false, relative(50));
    });
    clean(r);
    expect(log).toEqual([false, true, 30]);
    expect(seen).toEqual([{ thread: 'DPC', irql: DISPATCH_LEVEL, args: ['ctx', 30 * MS, 0], atMs: 30 }]);
  });

  test('KeCancelTimer returns TRUE for a set timer, which then never expires, and FALSE when it is not set', () => {
    let ran = 0;
    const log: unknown[] = [];
    const r = inKernel(function* (k) {
      const timer = k.KeInitializeTimer(null);
      const dpc = k.KeInitializeDpc(null, function* TimerDpc() {
        ran++;
      }, null);
      yield* k.KeSetTimer(timer, relative(10), dpc);
      log.push(yield* k.KeCancelTimer(timer));
      log.push(yield* k.KeCancelTimer(timer));
      log.push(yield* k.KeWaitForSingleObject(timer, Executive, KernelMode, false, relative(50)));
    });
    clean(r);
    expect(log).toEqual([true, false, STATUS_TIMEOUT]);
    expect(ran).toBe(0);
  });
});

describe('work items', () => {
  test('IoQueueWorkItem runs WorkerRoutine(k, DeviceObject, Context) on the worker thread at PASSIVE_LEVEL, where it may wait', () => {
    const seen: unknown[] = [];
    let device: DEVICE_OBJECT | null = null;
    const r = inKernel(function* (k, DeviceObject) {
      device = DeviceObject;
      const done = k.KeInitializeEvent(null, NotificationEvent, false);
      const item = yield* k.IoAllocateWorkItem(DeviceObject);
      yield* k.IoQueueWorkItem(item, function* Work(k, dev, ctx) {
        const waited = yield* k.KeWaitForSingleObject(k.KeInitializeEvent(null, NotificationEvent, false), Executive, KernelMode, false, relative(5));
        seen.push(k.thread.name, k.KeGetCurrentIrql(), dev, ctx, waited, k.engine.nowMs);
        yield* k.KeSetEvent(done, 0, false);
      }, DelayedWorkQueue, 'ctx');
      yield* k.KeWaitForSingleObject(done, Executive, KernelMode, false, null);
      yield* k.IoFreeWorkItem(item);
    });
    clean(r);
    expect(seen).toEqual(['Worker', PASSIVE_LEVEL, device, 'ctx', STATUS_TIMEOUT, 5]);
  });
});

interface Broken {
  what: string;
  expected: ReturnType<typeof shape>;
  body: (k: KernelContext, DeviceObject: DEVICE_OBJECT) => Routine<void>;
}

const settle = (k: KernelContext) => k.KeWaitForSingleObject(k.KeInitializeEvent(null, NotificationEvent, false), Executive, KernelMode, false, relative(5));

const broken: Broken[] = [
  {
    what: 'a DPC routine that throws (a NULL dereference) is bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED',
    expected: { kind: 'bugcheck', name: 'KMODE_EXCEPTION_NOT_HANDLED', code: 0x1e },
    body: function* (k) {
      const dpc = k.KeInitializeDpc(null, function* Deferred(_k, _dpc, ctx) {
        (ctx as { n: number }).n++;
      }, null);
      yield* k.KeInsertQueueDpc(dpc, null, null);
      yield* settle(k);
    },
  },
  {
    what: 'a work-item routine that throws is bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED',
    expected: { kind: 'bugcheck', name: 'KMODE_EXCEPTION_NOT_HANDLED', code: 0x1e },
    body: function* (k, d) {
      const item = yield* k.IoAllocateWorkItem(d);
      yield* k.IoQueueWorkItem(item, function* Work() {
        throw new Error('device fell off the bus');
      }, DelayedWorkQueue, null);
      yield* settle(k);
    },
  },
  {
    what: 'a DPC routine that returns holding a spin lock is 0xC4/0x40009, the SpinLock rule',
    expected: { kind: 'bugcheck', name: 'DRIVER_VERIFIER_DETECTED_VIOLATION', code: 0xc4, subcode: 0x40009 },
    body: function* (k) {
      const lock = k.KeInitializeSpinLock();
      yield* k.KeInsertQueueDpc(k.KeInitializeDpc(null, function* Deferred(k) {
        yield* k.KeAcquireSpinLock(lock);
      }, null), null, null);
      yield* settle(k);
    },
  },
  {
    what: 'a DPC routine that returns below DISPATCH_LEVEL is 0xC8 IRQL_UNEXPECTED_VALUE',
    expected: { kind: 'bugcheck', name: 'IRQL_UNEXPECTED_VALUE', code: 0xc8 },
    body: function* (k) {
      const lock = k.KeInitializeSpinLock();
      yield* k.KeInsertQueueDpc(k.KeInitializeDpc(null, function* Deferred(k) {
        yield* k.KeAcquireSpinLock(lock);
        yield* k.KeReleaseSpinLock(lock, PASSIVE_LEVEL);
      }, null), null, null);
      yield* settle(k);
    },
  },
  {
    what: 'a DPC routine that waits is 0xB8 ATTEMPTED_SWITCH_FROM_DPC',
    expected: { kind: 'bugcheck', name: 'ATTEMPTED_SWITCH_FROM_DPC', code: 0xb8 },
    body: function* (k) {
      yield* k.KeInsertQueueDpc(k.KeInitializeDpc(null, function* Deferred(k) {
        yield* k.KeWaitForSingleObject(k.KeInitializeEvent(null, NotificationEvent, false), Executive, KernelMode, false, relative(1));
      }, null), null, null);
      yield* settle(k);
    },
  },
  {
    what: 'a work-item routine that returns holding a spin lock is 0xE1 WORKER_THREAD_RETURNED_AT_BAD_IRQL',
    expected: { kind: 'bugcheck', name: 'WORKER_THREAD_RETURNED_AT_BAD_IRQL', code: 0xe1 },
    body: function* (k, d) {
      const lock = k.KeInitializeSpinLock();
      yield* k.IoQueueWorkItem(yield* k.IoAllocateWorkItem(d), function* Work(k) {
        yield* k.KeAcquireSpinLock(lock);
      }, DelayedWorkQueue, null);
      yield* settle(k);
    },
  },
  {
    what: 'queueing a work item that is still queued is 0xE4/0x1 WORKER_INVALID',
    expected: { kind: 'bugcheck', name: 'WORKER_INVALID', code: 0xe4, subcode: 0x1 },
    body: function* (k, d) {
      const item = yield* k.IoAllocateWorkItem(d);
      const Work = function* Work() {};
      yield* k.IoQueueWorkItem(item, Work, DelayedWorkQueue, null);
      yield* k.IoQueueWorkItem(item, Work, DelayedWorkQueue, null);
    },
  },
  {
    what: 'freeing a work item that is still queued is 0xE4/0x2 WORKER_INVALID',
    expected: { kind: 'bugcheck', name: 'WORKER_INVALID', code: 0xe4, subcode: 0x2 },
    body: function* (k, d) {
      const item = yield* k.IoAllocateWorkItem(d);
      yield* k.IoQueueWorkItem(item, function* Work() {}, DelayedWorkQueue, null);
      yield* k.IoFreeWorkItem(item);
    },
  },
  {
    what: 'a DPC routine that is not a generator function is a determinism finding',
    expected: { kind: 'determinism', name: 'NOT_A_GENERATOR' },
    body: function* (k) {
      k.KeInitializeDpc(null, (() => undefined) as never, null);
    },
  },
];

describe('deferred routines that break the rules', () => {
  for (const b of broken) {
    test(b.what, () => {
      const r = inKernel(b.body);
      expect(shape(r.findings[0]), describeFindings(r)).toEqual(b.expected);
      expect(r.findings).toHaveLength(1);
    });
  }
});
