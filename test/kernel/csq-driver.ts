// A driver built on a cancel-safe queue (spec/kernel.md §4, §5.1 the WDK cancel sample): its
// callbacks keep a plain list under a spin lock; IOCTL_PEND and IOCTL_SLOW insert with
// IoCsqInsertIrp (optionally with an IO_CSQ_IRP_CONTEXT), a DPC and IOCTL_FLUSH drain the PEND ones
// with IoCsqRemoveNextIrp (PeekContext = HARDWARE), cleanup removes this file's IRPs (PeekContext =
// the file object), and IOCTL_TAKE removes the tracked IRP with IoCsqRemoveIrp. The driver counts
// what the library did, for the tests' oracles.
import {
  type DEVICE_OBJECT,
  type DriverEntry,
  IO_CSQ,
  IO_CSQ_IRP_CONTEXT,
  IRP_MJ_CLEANUP,
  IRP_MJ_DEVICE_CONTROL,
  type IRP,
  type KDPC,
  type KernelContext,
  type KSPIN_LOCK,
  type KTIMER,
  type Ref,
  type Routine,
  STATUS_CANCELLED,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from '../../index.ts';
import { complete, ioctl, testDriver } from './harness.ts';
import { IOCTL_FLUSH, IOCTL_PEND, IOCTL_SLOW, type QueueOptions, startHardware } from './queue-driver.ts';

export const IOCTL_TAKE = ioctl(0x12);

export interface CsqStats {
  /** callbacks in the order the library called them, e.g. 'insert irp#2', 'complete-canceled irp#2' */
  calls: string[];
  /** IoCsqRemoveNextIrp skipped an IRP whose cancel routine had started (PeekNext called after it) */
  skips: number;
  /** CsqCompleteCanceledIrp ran with the caller holding the CSQ lock */
  completedUnderLock: number;
  /** what IOCTL_TAKE's IoCsqRemoveIrp returned */
  taken: (string | null)[];
}

/** the PeekContext of the DPC and IOCTL_FLUSH: every queued IRP except IOCTL_SLOW ones */
const HARDWARE = Symbol('hardware');

export class TestCsq extends IO_CSQ {
  readonly queue: IRP[] = [];
  readonly slow = new WeakSet<IRP>();
  context: IO_CSQ_IRP_CONTEXT | null = null;
  constructor(
    readonly lock: KSPIN_LOCK,
    readonly stats: CsqStats,
    readonly useContext: boolean,
  ) {
    super();
  }
}

function* CsqInsertIrp(_k: KernelContext, Csq: IO_CSQ, Irp: IRP): Routine<void> {
  const q = Csq as TestCsq;
  q.stats.calls.push(`insert ${Irp}`);
  q.queue.push(Irp);
}

function* CsqRemoveIrp(_k: KernelContext, Csq: IO_CSQ, Irp: IRP): Routine<void> {
  const q = Csq as TestCsq;
  q.stats.calls.push(`remove ${Irp}`);
  const i = q.queue.indexOf(Irp);
  if (i >= 0) q.queue.splice(i, 1);
}

function* CsqPeekNextIrp(k: KernelContext, Csq: IO_CSQ, Irp: IRP | null, PeekContext: unknown): Routine<IRP | null> {
  const q = Csq as TestCsq;
  if (Irp !== null) q.stats.skips++;
  for (let i = Irp === null ? 0 : q.queue.indexOf(Irp) + 1; i < q.queue.length; i++) {
    const next = q.queue[i];
    if (PeekContext === HARDWARE ? !q.slow.has(next) : k.IoGetCurrentIrpStackLocation(next).FileObject === PeekContext) return next;
  }
  return null;
}

function* CsqAcquireLock(k: KernelContext, Csq: IO_CSQ, Irql: Ref<number>): Routine<void> {
  Irql.value = yield* k.KeAcquireSpinLock((Csq as TestCsq).lock);
}

function* CsqReleaseLock(k: KernelContext, Csq: IO_CSQ, Irql: number): Routine<void> {
  yield* k.KeReleaseSpinLock((Csq as TestCsq).lock, Irql);
}

function* CsqCompleteCanceledIrp(k: KernelContext, Csq: IO_CSQ, Irp: IRP): Routine<void> {
  const q = Csq as TestCsq;
  q.stats.calls.push(`complete-canceled ${Irp}`);
  if (q.lock.owner === k.thread) q.stats.completedUnderLock++;
  yield* complete(k, Irp, STATUS_CANCELLED);
}

interface Ext {
  csq: TestCsq;
  timer: KTIMER;
  dpc: KDPC;
}

const ext = (d: DEVICE_OBJECT) => d.DeviceExtension as unknown as Ext;

function* drain(k: KernelContext, csq: TestCsq, status: number, PeekContext: unknown): Routine<void> {
  for (;;) {
    const irp = yield* k.IoCsqRemoveNextIrp(csq, PeekContext);
    if (irp === null) return;
    yield* complete(k, irp, status);
  }
}

function* CsqDpc(k: KernelContext, _Dpc: KDPC, DeferredContext: unknown): Routine<void> {
  yield* drain(k, DeferredContext as TestCsq, STATUS_SUCCESS, HARDWARE);
}

export interface CsqDriverOptions {
  stats: CsqStats;
  /** how the "hardware" completes the queue (see queue-driver.ts) */
  completion: QueueOptions['completion'];
  /** insert with an IO_CSQ_IRP_CONTEXT (the last one is kept for IOCTL_TAKE) */
  useContext?: boolean;
  /** cancel the IRP (IoCancelIrp) before inserting it, to test §4.3's insert guarantee */
  cancelBeforeInsert?: boolean;
}

export function* csqIoctl(k: KernelContext, d: DEVICE_OBJECT, Irp: IRP, o: CsqDriverOptions): Routine<number> {
  const x = ext(d);
  const code = k.IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
  if (code === IOCTL_FLUSH || code === IOCTL_TAKE) {
    if (code === IOCTL_FLUSH) yield* drain(k, x.csq, STATUS_SUCCESS, HARDWARE);
    else {
      const taken = x.csq.context === null ? null : yield* k.IoCsqRemoveIrp(x.csq, x.csq.context);
      o.stats.taken.push(taken === null ? null : String(taken));
      if (taken !== null) yield* complete(k, taken, STATUS_SUCCESS);
    }
    return yield* complete(k, Irp, STATUS_SUCCESS);
  }
  if (code !== IOCTL_PEND && code !== IOCTL_SLOW) return yield* complete(k, Irp, STATUS_SUCCESS);
  if (code === IOCTL_SLOW) x.csq.slow.add(Irp);
  if (o.cancelBeforeInsert === true) yield* k.IoCancelIrp(Irp);
  if (x.csq.useContext) x.csq.context = new IO_CSQ_IRP_CONTEXT();
  yield* k.IoCsqInsertIrp(x.csq, Irp, x.csq.useContext ? x.csq.context : null);
  yield* startHardware(k, o.completion, x.timer, x.dpc);
  return STATUS_PENDING;
}

export function csqDriver(o: CsqDriverOptions): DriverEntry {
  return testDriver({
    init: function* (k, d) {
      const csq = new TestCsq(k.KeInitializeSpinLock(), o.stats, o.useContext === true);
      yield* k.IoCsqInitialize(csq, CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp);
      const x: Ext = { csq, timer: k.KeInitializeTimer(null), dpc: k.KeInitializeDpc(null, CsqDpc, csq) };
      Object.assign(d.DeviceExtension, x);
    },
    dispatch: {
      [IRP_MJ_DEVICE_CONTROL]: function* CsqIoctl(k, d, Irp) {
        return yield* csqIoctl(k, d, Irp, o);
      },
      [IRP_MJ_CLEANUP]: function* CsqCleanup(k, d, Irp) {
        yield* drain(k, ext(d).csq, STATUS_CANCELLED, k.IoGetCurrentIrpStackLocation(Irp).FileObject);
        return yield* complete(k, Irp, STATUS_SUCCESS);
      },
    },
  });
}

export const newStats = (): CsqStats => ({ calls: [], skips: 0, completedUnderLock: 0, taken: [] });
