// Cancel-safe queues (spec/kernel.md §4): the library's algorithms (§4.2) and guarantees (§4.3)
// on single schedules; csq and lock-protocol drivers under many schedules are in races.test.ts.
import { describe, expect, test } from 'vitest';
import {
  ERROR_IO_PENDING,
  ERROR_OPERATION_ABORTED,
  IO_CSQ,
  type IRP,
  IRP_MJ_DEVICE_CONTROL,
  type KernelContext,
  type KSPIN_LOCK,
  type Ref,
  type Routine,
  SL_PENDING_RETURNED,
  STATUS_CANCELLED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
  type Win32Context,
} from '../../index.ts';
import { csqDriver, IOCTL_TAKE, newStats } from './csq-driver.ts';
import { complete, describeFindings, finish, issue, openDevice, run, testDriver } from './harness.ts';
import { IOCTL_FLUSH, IOCTL_PEND } from './queue-driver.ts';

interface Outcome {
  first: { pending: boolean; ok: boolean; error: number };
}

/** issues IOCTL_PEND, optionally cancels it, then IOCTL_TAKE or IOCTL_FLUSH, then waits for the first request */
function app(cancel: boolean, then: number | null, out: Partial<Outcome>) {
  return function* (w: Win32Context): Routine<number> {
    const h = yield* openDevice(w);
    const req = yield* issue(w, h, IOCTL_PEND);
    if (cancel) yield* w.CancelIoEx(h, req.ov);
    if (then !== null) yield* issue(w, h, then);
    const res = yield* finish(w, h, req);
    out.first = { pending: !req.ok && req.error === ERROR_IO_PENDING, ok: res.ok, error: res.error };
    yield* w.CloseHandle(h);
    return 0;
  };
}

describe('IoCsq* (§4.2, §4.3)', () => {
  test('an IRP already cancelled at insert is marked pending, removed and completed through CsqCompleteCanceledIrp after the lock is released, never left queued', () => {
    const stats = newStats();
    const out: Partial<Outcome> = {};
    const r = run('csq/cancelled-at-insert', csqDriver({ stats, completion: 'none', cancelBeforeInsert: true }), app(false, null, out));
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(stats.calls).toEqual(['insert irp#2', 'remove irp#2', 'complete-canceled irp#2']);
    expect(stats.completedUnderLock).toBe(0);
    expect(out.first).toEqual({ pending: true, ok: false, error: ERROR_OPERATION_ABORTED });
  });

  test("the library's cancel routine removes a cancelled IRP and completes it, and IoCsqRemoveIrp then returns NULL for its context", () => {
    const stats = newStats();
    const out: Partial<Outcome> = {};
    const r = run('csq/cancel-then-remove', csqDriver({ stats, completion: 'none', useContext: true }), app(true, IOCTL_TAKE, out));
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(stats.calls).toEqual(['insert irp#2', 'remove irp#2', 'complete-canceled irp#2']);
    expect(stats.taken).toEqual([null]);
    expect(out.first).toEqual({ pending: true, ok: false, error: ERROR_OPERATION_ABORTED });
  });

  test('IoCsqRemoveIrp returns the IRP its context tracks, removed from the queue and no longer cancelable', () => {
    const stats = newStats();
    const out: Partial<Outcome> = {};
    const r = run('csq/remove-by-context', csqDriver({ stats, completion: 'none', useContext: true }), app(false, IOCTL_TAKE, out));
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(stats.calls).toEqual(['insert irp#2', 'remove irp#2']);
    expect(stats.taken).toEqual(['irp#2']);
    expect(out.first).toEqual({ pending: true, ok: true, error: 0 });
  });

  test('IoCsqRemoveNextIrp hands out a queued IRP (now not cancelable) and NULL when the queue is empty', () => {
    const stats = newStats();
    const out: Partial<Outcome> = {};
    const r = run('csq/remove-next', csqDriver({ stats, completion: 'none' }), app(false, IOCTL_FLUSH, out));
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(stats.calls).toEqual(['insert irp#2', 'remove irp#2']);
    expect(stats.skips).toBe(0);
    expect(out.first).toEqual({ pending: true, ok: true, error: 0 });
  });

  test("IoCsqInsertIrpEx returns CsqInsertIrpEx's status; on failure the IRP is not queued and stays the caller's, already marked pending as ReactOS does (§4.4)", () => {
    const log: unknown[] = [];
    const csq = new IO_CSQ();
    const queue: IRP[] = [];
    const lock = { value: null as KSPIN_LOCK | null };
    const cb = {
      InsertEx: function* (_k: KernelContext, _c: IO_CSQ, Irp: IRP, InsertContext: unknown): Routine<number> {
        log.push(['insert-ex', InsertContext]);
        if (queue.length === 0 && InsertContext === 'busy') return STATUS_UNSUCCESSFUL;
        queue.push(Irp);
        return STATUS_SUCCESS;
      },
      Remove: function* (_k: KernelContext, _c: IO_CSQ, Irp: IRP): Routine<void> {
        queue.splice(queue.indexOf(Irp), 1);
      },
      Peek: function* (): Routine<IRP | null> {
        return queue[0] ?? null;
      },
      Acquire: function* (k: KernelContext, _c: IO_CSQ, Irql: Ref<number>): Routine<void> {
        Irql.value = yield* k.KeAcquireSpinLock(lock.value!);
      },
      Release: function* (k: KernelContext, _c: IO_CSQ, Irql: number): Routine<void> {
        yield* k.KeReleaseSpinLock(lock.value!, Irql);
      },
      Complete: function* (k: KernelContext, _c: IO_CSQ, Irp: IRP): Routine<void> {
        yield* complete(k, Irp, STATUS_CANCELLED);
      },
    };
    const out: Partial<Outcome> = {};
    const r = run(
      'csq/insert-ex',
      testDriver({
        init: function* (k) {
          lock.value = k.KeInitializeSpinLock();
          log.push(yield* k.IoCsqInitializeEx(csq, cb.InsertEx, cb.Remove, cb.Peek, cb.Acquire, cb.Release, cb.Complete), csq.Type);
        },
        dispatch: {
          [IRP_MJ_DEVICE_CONTROL]: function* Ioctl(k, _d, Irp) {
            const status = yield* k.IoCsqInsertIrpEx(csq, Irp, null, 'busy');
            log.push(['returned', status, queue.length, (k.IoGetCurrentIrpStackLocation(Irp).Control & SL_PENDING_RETURNED) !== 0]);
            if (status !== STATUS_SUCCESS) yield* complete(k, Irp, STATUS_SUCCESS); // the device was idle: process it now
            return STATUS_PENDING;
          },
        },
      }),
      app(false, null, out),
    );
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(log).toEqual([STATUS_SUCCESS, 3, ['insert-ex', 'busy'], ['returned', STATUS_UNSUCCESSFUL, 0, true]]);
    expect(out.first).toEqual({ pending: true, ok: true, error: 0 });
  });

  test('IoCsqInitialize returns STATUS_SUCCESS and fills the IO_CSQ; a callback that is not a generator function is a determinism finding', () => {
    const statuses: number[] = [];
    const good = function* () {} as never;
    const r = run(
      'csq/initialize',
      testDriver({
        init: function* (k) {
          const csq = new IO_CSQ();
          statuses.push(yield* k.IoCsqInitialize(csq, good, good, good, good, good, good));
          statuses.push(csq.Type);
          yield* k.IoCsqInitialize(new IO_CSQ(), good, good, good, (() => undefined) as never, good, good);
        },
      }),
      function* () {
        return 0;
      },
    );
    expect(statuses).toEqual([STATUS_SUCCESS, 2]);
    expect(r.findings.map((f) => `${f.kind} ${f.name}`)).toEqual(['determinism NOT_A_GENERATOR']);
    expect(r.findings[0].message).toContain('CsqAcquireLock');
  });
});
