// A driver with its own IRP queue and spin lock (spec/kernel.md §2.5) in three variants: the
// race-free protocol (set the cancel routine, test Cancel, exchange again; dequeuers exchange and
// back off on NULL; a cleanup handler), 'test-then-set' (§8 race 1) and 'no-second-exchange' (race 2).
// IOCTL_PEND queues a request that a KDPC (queued at once, or by a KTIMER 2 ms later) or IOCTL_FLUSH
// (another thread) completes; an IOCTL_SLOW request is completed only by a cancel or by cleanup.
import {
  type DEVICE_OBJECT,
  type DriverEntry,
  IRP_MJ_CLEANUP,
  IRP_MJ_DEVICE_CONTROL,
  type IRP,
  type KDPC,
  type KernelContext,
  type KSPIN_LOCK,
  type KTIMER,
  type Routine,
  STATUS_CANCELLED,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from '../../index.ts';
import { complete, ioctl, testDriver } from './harness.ts';

export const IOCTL_PEND = ioctl(0x10);
export const IOCTL_FLUSH = ioctl(0x11);
export const IOCTL_SLOW = ioctl(0x13);
export const TIMER_DUE = -2 * 10_000; // 2 ms, relative

export type QueueVariant = 'race-free' | 'test-then-set' | 'no-second-exchange';

export interface QueueOptions {
  variant: QueueVariant;
  /** how the "hardware" completes the queue: a DPC queued at each insert, or by a timer 2 ms later */
  completion: 'dpc' | 'timer' | 'none';
}

interface Ext {
  lock: KSPIN_LOCK;
  queue: IRP[];
  timer: KTIMER;
  dpc: KDPC;
  opts: QueueOptions;
  /** IOCTL_SLOW requests: the DPC and IOCTL_FLUSH leave them queued */
  slow: WeakSet<IRP>;
}

const ext = (d: DEVICE_OBJECT) => d.DeviceExtension as unknown as Ext;

function unlink(queue: IRP[], irp: IRP): void {
  const i = queue.indexOf(irp);
  if (i >= 0) queue.splice(i, 1);
}

/** the cancel routine: release the cancel spin lock first, then unlink under our lock, then complete */
function* QueueCancel(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  const x = ext(DeviceObject);
  const old = yield* k.KeAcquireSpinLock(x.lock);
  unlink(x.queue, Irp);
  yield* k.KeReleaseSpinLock(x.lock, old);
  yield* complete(k, Irp, STATUS_CANCELLED);
}

function* pend(k: KernelContext, d: DEVICE_OBJECT, Irp: IRP, slow: boolean): Routine<number> {
  const x = ext(d);
  if (slow) x.slow.add(Irp);
  const old = yield* k.KeAcquireSpinLock(x.lock);
  if (x.opts.variant === 'test-then-set') {
    // §8 race 1: Cancel is tested before the routine is set; a cancel in between is lost
    if (Irp.Cancel) {
      yield* k.KeReleaseSpinLock(x.lock, old);
      return yield* complete(k, Irp, STATUS_CANCELLED);
    }
    yield* k.IoMarkIrpPending(Irp);
    x.queue.push(Irp);
    yield* k.IoSetCancelRoutine(Irp, QueueCancel);
  } else {
    yield* k.IoMarkIrpPending(Irp);
    x.queue.push(Irp);
    yield* k.IoSetCancelRoutine(Irp, QueueCancel);
    // §8 race 2: without the second exchange, our cancel routine may be running already
    if (Irp.Cancel && (x.opts.variant === 'no-second-exchange' || (yield* k.IoSetCancelRoutine(Irp, null)) !== null)) {
      unlink(x.queue, Irp);
      yield* k.KeReleaseSpinLock(x.lock, old);
      yield* complete(k, Irp, STATUS_CANCELLED);
      return STATUS_PENDING;
    }
  }
  yield* startHardware(k, x.opts.completion, x.timer, x.dpc);
  yield* k.KeReleaseSpinLock(x.lock, old);
  return STATUS_PENDING;
}

/** a DPC that runs concurrently with everything, or one a timer queues 2 ms from now */
export function* startHardware(k: KernelContext, how: QueueOptions['completion'], timer: KTIMER, dpc: KDPC): Routine<void> {
  if (how === 'dpc') yield* k.KeInsertQueueDpc(dpc, null, null);
  else if (how === 'timer') yield* k.KeSetTimer(timer, TIMER_DUE, dpc);
}

/**
 * Dequeue under the lock (the hardware's requests, or with `fileObject` all of that file's); keep
 * only the IRPs whose cancel routine we cleared; complete them after releasing the lock.
 */
function* completeQueued(k: KernelContext, d: DEVICE_OBJECT, status: number, fileObject: unknown): Routine<void> {
  const x = ext(d);
  const mine: IRP[] = [];
  const old = yield* k.KeAcquireSpinLock(x.lock);
  for (const irp of x.queue.slice()) {
    if (fileObject === null ? x.slow.has(irp) : k.IoGetCurrentIrpStackLocation(irp).FileObject !== fileObject) continue;
    unlink(x.queue, irp); // an IRP left to its cancel routine is unlinked too: its own unlink is then a no-op
    if ((yield* k.IoSetCancelRoutine(irp, null)) !== null) mine.push(irp);
  }
  yield* k.KeReleaseSpinLock(x.lock, old);
  for (const irp of mine) yield* complete(k, irp, status);
}

function* QueueDpc(k: KernelContext, _Dpc: KDPC, DeferredContext: unknown): Routine<void> {
  yield* completeQueued(k, DeferredContext as DEVICE_OBJECT, STATUS_SUCCESS, null);
}

export function queueDriver(opts: QueueOptions): DriverEntry {
  return testDriver({
    init: function* (k, d) {
      const dpc = k.KeInitializeDpc(null, QueueDpc, d);
      const x: Ext = { lock: k.KeInitializeSpinLock(), queue: [], timer: k.KeInitializeTimer(null), dpc, opts, slow: new WeakSet() };
      Object.assign(d.DeviceExtension, x);
    },
    dispatch: {
      [IRP_MJ_DEVICE_CONTROL]: function* QueueIoctl(k, d, Irp) {
        const code = k.IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
        if (code === IOCTL_FLUSH) {
          yield* completeQueued(k, d, STATUS_SUCCESS, null);
          return yield* complete(k, Irp, STATUS_SUCCESS);
        }
        return yield* pend(k, d, Irp, code === IOCTL_SLOW);
      },
      [IRP_MJ_CLEANUP]: function* QueueCleanup(k, d, Irp) {
        yield* completeQueued(k, d, STATUS_CANCELLED, k.IoGetCurrentIrpStackLocation(Irp).FileObject);
        return yield* complete(k, Irp, STATUS_SUCCESS);
      },
    },
  });
}
