// `k`: the kernel-mode API a driver sees, bound to the thread it runs on (API.md "Kernel side").
// Every method that touches shared state is an emulated call entered with yield* and is a
// scheduling point before it takes effect; the (sync) ones are plain. Names, parameter order and
// return values are the DDI's.
import { type Engine, fpRead, fpWrite, Point, type Ref, trackCalls } from '../core/index.ts';
import { type CancelRoutine, IoCancelIrp, IoSetCancelRoutine } from './cancel.ts';
import { DISPATCH_LEVEL, IO_TYPE_CSQ, IO_TYPE_CSQ_EX, SL_PENDING_RETURNED } from './constants.ts';
import { IoCompleteRequest } from './complete.ts';
import * as csq from './csq.ts';
import { type DispatcherObject, KEVENT } from './dispatcher.ts';
import * as dpc from './dpc.ts';
import * as io from './iomgr.ts';
import { currentStack, type IO_STACK_LOCATION, type IRP } from './irp.ts';
import * as ke from './ke.ts';
import { acquireSpinLock, releaseSpinLock } from './locks.ts';
import { KSPIN_LOCK } from './spinlock.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';
import * as tmr from './timer.ts';
import { type Routine, sp } from './wait.ts';
import * as wi from './workitem.ts';

export interface SharedCell<T> {
  readonly name: string;
  get(): Routine<T>;
  set(v: T): Routine<void>;
  /** the value without a scheduling point (for checks and assertions) */
  peek(): T;
}

export class KernelContext {
  constructor(
    readonly sys: NtSystem,
    readonly thread: KThread,
  ) {}

  get engine(): Engine {
    return this.sys.engine;
  }

  // ---- I/O manager
  *IoCreateDevice(
    DriverObject: io.DRIVER_OBJECT,
    DeviceExtensionSize: number,
    DeviceName: string | null,
    DeviceType: number,
    DeviceCharacteristics: number,
    Exclusive: boolean,
    DeviceObject: Ref<io.DEVICE_OBJECT | null>,
  ): Routine<number> {
    return yield* io.IoCreateDevice(this, DriverObject, DeviceExtensionSize, DeviceName, DeviceType, DeviceCharacteristics, Exclusive, DeviceObject);
  }
  *IoDeleteDevice(DeviceObject: io.DEVICE_OBJECT): Routine<void> {
    yield* io.IoDeleteDevice(this, DeviceObject);
  }
  *IoCreateSymbolicLink(SymbolicLinkName: string, DeviceName: string): Routine<number> {
    return yield* io.IoCreateSymbolicLink(this, SymbolicLinkName, DeviceName);
  }
  *IoDeleteSymbolicLink(SymbolicLinkName: string): Routine<number> {
    return yield* io.IoDeleteSymbolicLink(this, SymbolicLinkName);
  }
  /** (sync) */
  IoGetCurrentIrpStackLocation(Irp: IRP): IO_STACK_LOCATION {
    return currentStack(Irp);
  }
  *IoMarkIrpPending(Irp: IRP): Routine<void> {
    yield* sp(this.sys, this.thread, 'IoMarkIrpPending', Irp.s.label);
    currentStack(Irp).Control |= SL_PENDING_RETURNED;
    io.irpState(this.sys, Irp.s, 'pending');
  }
  *IoSetCancelRoutine(Irp: IRP, CancelRoutine: CancelRoutine | null): Routine<CancelRoutine | null> {
    return yield* IoSetCancelRoutine(this, Irp, CancelRoutine);
  }
  *IoCancelIrp(Irp: IRP): Routine<boolean> {
    return yield* IoCancelIrp(this, Irp);
  }
  *IoCompleteRequest(Irp: IRP, PriorityBoost: number): Routine<void> {
    yield* IoCompleteRequest(this, Irp, PriorityBoost);
  }
  *IoCallDriver(DeviceObject: io.DEVICE_OBJECT, Irp: IRP): Routine<number> {
    return yield* io.IoCallDriver(this, DeviceObject, Irp);
  }
  /** returns the previous IRQL */
  *IoAcquireCancelSpinLock(): Routine<number> {
    return yield* acquireSpinLock(this.sys, this.thread, this.sys.cancelLock, 'IoAcquireCancelSpinLock');
  }
  *IoReleaseCancelSpinLock(Irql: number): Routine<void> {
    yield* releaseSpinLock(this.sys, this.thread, this.sys.cancelLock, Irql, 'IoReleaseCancelSpinLock');
  }

  // ---- Ke
  /** (sync) a fresh lock, or the one passed, reset */
  KeInitializeSpinLock(SpinLock?: KSPIN_LOCK): KSPIN_LOCK {
    if (SpinLock !== undefined) {
      SpinLock.owner = null;
      return SpinLock;
    }
    return new KSPIN_LOCK(this.engine.newObjectId(), `lock#${this.engine.newObjectId()}`);
  }
  /** returns the previous IRQL */
  *KeAcquireSpinLock(SpinLock: KSPIN_LOCK): Routine<number> {
    return yield* acquireSpinLock(this.sys, this.thread, SpinLock, 'KeAcquireSpinLock');
  }
  *KeReleaseSpinLock(SpinLock: KSPIN_LOCK, NewIrql: number): Routine<void> {
    yield* releaseSpinLock(this.sys, this.thread, SpinLock, NewIrql, 'KeReleaseSpinLock');
  }
  /** (sync) */
  KeGetCurrentIrql(): number {
    return this.thread.irql;
  }
  /** (sync) */
  KeInitializeEvent(Event: KEVENT | null, Type: number, State: boolean): KEVENT {
    if (Event !== null) {
      Event.signalState = State ? 1 : 0;
      return Event;
    }
    return new KEVENT(this.engine.newObjectId(), Type, State ? 1 : 0);
  }
  *KeSetEvent(Event: KEVENT, Increment: number, Wait: boolean): Routine<number> {
    return yield* ke.KeSetEvent(this, Event, Increment, Wait);
  }
  *KeClearEvent(Event: KEVENT): Routine<void> {
    yield* ke.KeClearEvent(this, Event);
  }
  *KeResetEvent(Event: KEVENT): Routine<number> {
    return yield* ke.KeResetEvent(this, Event);
  }
  *KeWaitForSingleObject(
    Object: DispatcherObject,
    WaitReason: number,
    WaitMode: number,
    Alertable: boolean,
    Timeout: number | bigint | null,
  ): Routine<number> {
    return yield* ke.KeWaitForSingleObject(this, Object, WaitReason, WaitMode, Alertable, Timeout);
  }

  // ---- deferred work: DPCs, timers, work items (issue 3 item 5)
  /** (sync) */
  KeInitializeDpc(Dpc: dpc.KDPC | null, DeferredRoutine: dpc.DeferredRoutine, DeferredContext: unknown): dpc.KDPC {
    return dpc.KeInitializeDpc(this.sys, Dpc, DeferredRoutine, DeferredContext);
  }
  /** FALSE when the DPC is already queued */
  *KeInsertQueueDpc(Dpc: dpc.KDPC, SystemArgument1: unknown, SystemArgument2: unknown): Routine<boolean> {
    return yield* dpc.KeInsertQueueDpc(this, Dpc, SystemArgument1, SystemArgument2);
  }
  *KeRemoveQueueDpc(Dpc: dpc.KDPC): Routine<boolean> {
    return yield* dpc.KeRemoveQueueDpc(this, Dpc);
  }
  /** (sync) a notification timer */
  KeInitializeTimer(Timer: tmr.KTIMER | null): tmr.KTIMER {
    return tmr.KeInitializeTimer(this.sys, Timer);
  }
  /** DueTime in 100-ns units, negative = relative; TRUE when the timer was already set */
  *KeSetTimer(Timer: tmr.KTIMER, DueTime: number | bigint, Dpc: dpc.KDPC | null): Routine<boolean> {
    return yield* tmr.KeSetTimer(this, Timer, DueTime, Dpc);
  }
  /** TRUE when the timer was set */
  *KeCancelTimer(Timer: tmr.KTIMER): Routine<boolean> {
    return yield* tmr.KeCancelTimer(this, Timer);
  }
  /** (sync) */
  KeReadStateTimer(Timer: tmr.KTIMER): boolean {
    return tmr.KeReadStateTimer(Timer);
  }
  *IoAllocateWorkItem(DeviceObject: io.DEVICE_OBJECT): Routine<wi.IO_WORKITEM> {
    return yield* wi.IoAllocateWorkItem(this, DeviceObject);
  }
  *IoQueueWorkItem(IoWorkItem: wi.IO_WORKITEM, WorkerRoutine: wi.WorkerRoutine, QueueType: number, Context: unknown): Routine<void> {
    yield* wi.IoQueueWorkItem(this, IoWorkItem, WorkerRoutine, QueueType, Context);
  }
  *IoFreeWorkItem(IoWorkItem: wi.IO_WORKITEM): Routine<void> {
    yield* wi.IoFreeWorkItem(this, IoWorkItem);
  }

  // ---- cancel-safe queues (spec/kernel.md §4)
  *IoCsqInitialize(
    Csq: csq.IO_CSQ,
    CsqInsertIrp: csq.CsqInsertIrp,
    CsqRemoveIrp: csq.CsqRemoveIrp,
    CsqPeekNextIrp: csq.CsqPeekNextIrp,
    CsqAcquireLock: csq.CsqAcquireLock,
    CsqReleaseLock: csq.CsqReleaseLock,
    CsqCompleteCanceledIrp: csq.CsqCompleteCanceledIrp,
  ): Routine<number> {
    const cb = [CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp] as const;
    return yield* csq.csqInitialize(this, Csq, IO_TYPE_CSQ, cb);
  }
  *IoCsqInitializeEx(
    Csq: csq.IO_CSQ,
    CsqInsertIrpEx: csq.CsqInsertIrpEx,
    CsqRemoveIrp: csq.CsqRemoveIrp,
    CsqPeekNextIrp: csq.CsqPeekNextIrp,
    CsqAcquireLock: csq.CsqAcquireLock,
    CsqReleaseLock: csq.CsqReleaseLock,
    CsqCompleteCanceledIrp: csq.CsqCompleteCanceledIrp,
  ): Routine<number> {
    const cb = [CsqInsertIrpEx, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp] as const;
    return yield* csq.csqInitialize(this, Csq, IO_TYPE_CSQ_EX, cb);
  }
  *IoCsqInsertIrp(Csq: csq.IO_CSQ, Irp: IRP, Context: csq.IO_CSQ_IRP_CONTEXT | null): Routine<void> {
    yield* csq.IoCsqInsertIrpEx(this, Csq, Irp, Context, null);
  }
  *IoCsqInsertIrpEx(Csq: csq.IO_CSQ, Irp: IRP, Context: csq.IO_CSQ_IRP_CONTEXT | null, InsertContext: unknown): Routine<number> {
    return yield* csq.IoCsqInsertIrpEx(this, Csq, Irp, Context, InsertContext);
  }
  *IoCsqRemoveNextIrp(Csq: csq.IO_CSQ, PeekContext: unknown): Routine<IRP | null> {
    return yield* csq.IoCsqRemoveNextIrp(this, Csq, PeekContext);
  }
  *IoCsqRemoveIrp(Csq: csq.IO_CSQ, Context: csq.IO_CSQ_IRP_CONTEXT): Routine<IRP | null> {
    return yield* csq.IoCsqRemoveIrp(this, Csq, Context);
  }

  // ---- Rtl and debug output (sync)
  RtlCopyMemory(Destination: Uint8Array | null, Source: Uint8Array | null, Length: number): void {
    ke.RtlCopyMemory(Destination, Source, Length);
  }
  DbgPrint(Format: string, ...args: unknown[]): number {
    this.engine.note('dbg', ke.formatPrintf(Format, args));
    return 0;
  }
  KdPrint(Format: string, ...args: unknown[]): void {
    this.engine.note('dbg', ke.formatPrintf(Format, args));
  }

  /** (sync) a cell whose reads and writes are scheduling points, for races on plain driver variables */
  shared<T>(name: string, initial: T): SharedCell<T> {
    return sharedCell(this.sys, name, initial);
  }

  /** true when the IRQL forbids waiting (for drivers that assert it) */
  get atDispatch(): boolean {
    return this.thread.irql >= DISPATCH_LEVEL;
  }
}
trackCalls(KernelContext.prototype);

// the cell's reads and writes are module-level generators: a generator function made per cell would
// keep the whole run alive past every scavenge (usermode/scenario.ts boot says why)
interface Cell<T> {
  readonly name: string;
  readonly oid: number;
  value: T;
}

function* cellGet<T>(c: Cell<T>): Routine<T> {
  yield new Point('read', c.name, [fpRead(c.oid)]);
  return c.value;
}

function* cellSet<T>(c: Cell<T>, v: T): Routine<void> {
  yield new Point('write', c.name, [fpWrite(c.oid)]);
  c.value = v;
}

function sharedCell<T>(sys: NtSystem, name: string, initial: T): SharedCell<T> {
  const c: Cell<T> = { name, oid: sys.engine.newObjectId(), value: initial };
  return {
    name,
    get: () => sys.engine.call(`${name}.get`, cellGet(c)),
    set: (v: T) => sys.engine.call(`${name}.set`, cellSet(c, v)),
    peek: () => c.value,
  };
}

/** the `k` of a thread (made once, kept on the thread) */
export function contextOf(sys: NtSystem, t: KThread): KernelContext {
  let k = t.kernelContext as KernelContext | null;
  if (k === null) {
    k = new KernelContext(sys, t);
    t.kernelContext = k;
  }
  return k;
}
