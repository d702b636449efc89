// Cancel-safe IRP queues (spec/kernel.md §4): IoCsqInitialize(Ex), IoCsqInsertIrp(Ex),
// IoCsqRemoveNextIrp, IoCsqRemoveIrp and the library's own cancel routine, step for step as
// ReactOS csq.c (§4.2), with the §4.4 decision: an IRP found cancelled at insert time is completed
// after the CSQ lock is released, never under it. The library owns Irp->Tail.Overlay.DriverContext[3]
// (the IO_CSQ, or the caller's IO_CSQ_IRP_CONTEXT). The driver's callbacks are generator functions
// taking k first, then the C parameters (API.md "Kernel side").
import { type Ref, tracked } from '../core/index.ts';
import { IoSetCancelRoutine } from './cancel.ts';
import { requireRoutine } from './callback.ts';
import { IO_TYPE_CSQ, IO_TYPE_CSQ_EX, IO_TYPE_CSQ_IRP_CONTEXT } from './constants.ts';
import type { KernelContext } from './context.ts';
import type { DEVICE_OBJECT } from './iomgr.ts';
import type { IRP } from './irp.ts';
import { type NTSTATUS, STATUS_SUCCESS } from './status.ts';
import { type Routine, sp } from './wait.ts';

export type CsqInsertIrp = (k: KernelContext, Csq: IO_CSQ, Irp: IRP) => Routine<void>;
export type CsqInsertIrpEx = (k: KernelContext, Csq: IO_CSQ, Irp: IRP, InsertContext: unknown) => Routine<NTSTATUS>;
export type CsqRemoveIrp = (k: KernelContext, Csq: IO_CSQ, Irp: IRP) => Routine<void>;
export type CsqPeekNextIrp = (k: KernelContext, Csq: IO_CSQ, Irp: IRP | null, PeekContext: unknown) => Routine<IRP | null>;
/** writes the IRQL to restore into `Irql` (C's PKIRQL out-parameter) */
export type CsqAcquireLock = (k: KernelContext, Csq: IO_CSQ, Irql: Ref<number>) => Routine<void>;
export type CsqReleaseLock = (k: KernelContext, Csq: IO_CSQ, Irql: number) => Routine<void>;
export type CsqCompleteCanceledIrp = (k: KernelContext, Csq: IO_CSQ, Irp: IRP) => Routine<void>;

/** driver-allocated (C: embedded in the device extension); subclass it to reach the driver's data */
export class IO_CSQ {
  Type = 0;
  CsqInsertIrp: CsqInsertIrp | CsqInsertIrpEx | null = null;
  CsqRemoveIrp: CsqRemoveIrp | null = null;
  CsqPeekNextIrp: CsqPeekNextIrp | null = null;
  CsqAcquireLock: CsqAcquireLock | null = null;
  CsqReleaseLock: CsqReleaseLock | null = null;
  CsqCompleteCanceledIrp: CsqCompleteCanceledIrp | null = null;
  ReservePointer: unknown = null;
  constructor() {
    // biome-ignore lint/correctness/noConstructorReturn: the tracking view stands for the object (DPOR)
    return tracked(this);
  }
}

/** tracks one queued IRP for IoCsqRemoveIrp; `Irp` becomes null once the IRP is cancelled or removed */
export class IO_CSQ_IRP_CONTEXT {
  Type = 0;
  Irp: IRP | null = null;
  Csq: IO_CSQ | null = null;
  constructor() {
    // biome-ignore lint/correctness/noConstructorReturn: the tracking view stands for the object (DPOR)
    return tracked(this);
  }
}

type Callbacks = readonly [CsqInsertIrp | CsqInsertIrpEx, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp];

const CALLBACK_NAMES = ['CsqInsertIrp', 'CsqRemoveIrp', 'CsqPeekNextIrp', 'CsqAcquireLock', 'CsqReleaseLock', 'CsqCompleteCanceledIrp'];

/** IoCsqInitialize / IoCsqInitializeEx: fills the driver's IO_CSQ; STATUS_SUCCESS in all cases */
export function* csqInitialize(k: KernelContext, Csq: IO_CSQ, type: number, cb: Callbacks): Routine<NTSTATUS> {
  yield* sp(k.sys, k.thread, type === IO_TYPE_CSQ ? 'IoCsqInitialize' : 'IoCsqInitializeEx');
  cb.forEach((f, i) => {
    requireRoutine(k.sys, f, `IoCsqInitialize: ${i === 0 && type === IO_TYPE_CSQ_EX ? 'CsqInsertIrpEx' : CALLBACK_NAMES[i]}`);
  });
  Csq.Type = type;
  [Csq.CsqInsertIrp, Csq.CsqRemoveIrp, Csq.CsqPeekNextIrp, Csq.CsqAcquireLock, Csq.CsqReleaseLock, Csq.CsqCompleteCanceledIrp] = cb;
  Csq.ReservePointer = null;
  return STATUS_SUCCESS;
}

function check(Csq: IO_CSQ, api: string): void {
  if (Csq.Type !== IO_TYPE_CSQ && Csq.Type !== IO_TYPE_CSQ_EX) throw new TypeError(`${api}: the IO_CSQ was never initialized with IoCsqInitialize`);
}

/** IoCsqInsertIrpEx (IoCsqInsertIrp passes InsertContext = null): RO csq.c, §4.2 "Insert" */
export function* IoCsqInsertIrpEx(k: KernelContext, Csq: IO_CSQ, Irp: IRP, Context: IO_CSQ_IRP_CONTEXT | null, InsertContext: unknown): Routine<NTSTATUS> {
  yield* sp(k.sys, k.thread, 'IoCsqInsertIrp', Irp.s.label);
  check(Csq, 'IoCsqInsertIrp');
  const irql: Ref<number> = { value: 0 };
  yield* Csq.CsqAcquireLock!(k, Csq, irql);
  const r = yield* insertLocked(k, Csq, Irp, Context, InsertContext);
  yield* Csq.CsqReleaseLock!(k, Csq, irql.value);
  // §4.4: ReactOS completes under the lock; the docs forbid completing under a spin lock
  if (r === CANCELLED_AT_INSERT) {
    yield* Csq.CsqCompleteCanceledIrp!(k, Csq, Irp);
    return STATUS_SUCCESS;
  }
  return r;
}

const CANCELLED_AT_INSERT = -1;

/** the insert under the CSQ lock: the CsqInsertIrpEx status, or CANCELLED_AT_INSERT when we must complete it */
function* insertLocked(k: KernelContext, Csq: IO_CSQ, Irp: IRP, Context: IO_CSQ_IRP_CONTEXT | null, InsertContext: unknown): Routine<number> {
  // "mark all irps pending -- says so in the cancel sample" (RO)
  yield* k.IoMarkIrpPending(Irp);
  if (Context !== null) {
    Context.Type = IO_TYPE_CSQ_IRP_CONTEXT;
    Context.Irp = Irp;
    Context.Csq = Csq;
    Irp.Tail.Overlay.DriverContext[3] = Context;
  } else Irp.Tail.Overlay.DriverContext[3] = Csq;
  // queue first, then set the cancel routine, then test Cancel (§2.5; §8 races 1 and 2)
  if (Csq.Type === IO_TYPE_CSQ) yield* (Csq.CsqInsertIrp as CsqInsertIrp)(k, Csq, Irp);
  else {
    const status = (yield* (Csq.CsqInsertIrp as CsqInsertIrpEx)(k, Csq, Irp, InsertContext)) >>> 0;
    if (status !== STATUS_SUCCESS) return status;
  }
  yield* IoSetCancelRoutine(k, Irp, IopCsqCancelRoutine);
  if (!Irp.Cancel) return STATUS_SUCCESS;
  // cancelled: a NULL exchange means our cancel routine already runs and will remove it
  if ((yield* IoSetCancelRoutine(k, Irp, null)) === null) return STATUS_SUCCESS;
  Irp.Tail.Overlay.DriverContext[3] = null;
  yield* Csq.CsqRemoveIrp!(k, Csq, Irp);
  if (Context !== null) Context.Irp = null;
  return CANCELLED_AT_INSERT;
}

/** takes the IRP off the queue and the library's bookkeeping; the caller holds the CSQ lock */
function* detach(k: KernelContext, Csq: IO_CSQ, Irp: IRP): Routine<void> {
  yield* Csq.CsqRemoveIrp!(k, Csq, Irp);
  const dc = Irp.Tail.Overlay.DriverContext;
  const ctx = dc[3];
  dc[3] = null;
  if (ctx instanceof IO_CSQ_IRP_CONTEXT) ctx.Irp = null;
}

/** §4.2: the next IRP matching PeekContext whose cancel routine has not started, or null */
export function* IoCsqRemoveNextIrp(k: KernelContext, Csq: IO_CSQ, PeekContext: unknown): Routine<IRP | null> {
  yield* sp(k.sys, k.thread, 'IoCsqRemoveNextIrp');
  check(Csq, 'IoCsqRemoveNextIrp');
  const irql: Ref<number> = { value: 0 };
  yield* Csq.CsqAcquireLock!(k, Csq, irql);
  let irp: IRP | null = null;
  for (;;) {
    irp = yield* Csq.CsqPeekNextIrp!(k, Csq, irp, PeekContext);
    if (irp === null) break;
    // NULL: it is being cancelled and its cancel routine spins on our lock; skip it
    if ((yield* IoSetCancelRoutine(k, irp, null)) === null) continue;
    yield* detach(k, Csq, irp);
    break;
  }
  yield* Csq.CsqReleaseLock!(k, Csq, irql.value);
  return irp;
}

/** §4.2: the IRP the context tracks, or null when it was cancelled (or is being cancelled) */
export function* IoCsqRemoveIrp(k: KernelContext, Csq: IO_CSQ, Context: IO_CSQ_IRP_CONTEXT): Routine<IRP | null> {
  yield* sp(k.sys, k.thread, 'IoCsqRemoveIrp', Context.Irp?.s.label);
  check(Csq, 'IoCsqRemoveIrp');
  const irql: Ref<number> = { value: 0 };
  yield* Csq.CsqAcquireLock!(k, Csq, irql);
  let irp = Context.Irp;
  if (irp !== null) {
    // NULL: cancel in progress; touch neither the IRP nor the context (RO)
    if ((yield* IoSetCancelRoutine(k, irp, null)) === null) irp = null;
    else yield* detach(k, Csq, irp);
  }
  yield* Csq.CsqReleaseLock!(k, Csq, irql.value);
  return irp;
}

/** the library's cancel routine: release the cancel spin lock first, remove under the CSQ lock, complete outside it */
export function* IopCsqCancelRoutine(k: KernelContext, _DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  let csq = Irp.Tail.Overlay.DriverContext[3];
  if (csq instanceof IO_CSQ_IRP_CONTEXT) {
    const context = csq;
    csq = context.Csq;
    context.Irp = null;
  }
  if (!(csq instanceof IO_CSQ)) {
    throw new TypeError(`IopCsqCancelRoutine: ${Irp.s.label}'s DriverContext[3] no longer points to its IO_CSQ (the library owns it)`);
  }
  const irql: Ref<number> = { value: 0 };
  yield* csq.CsqAcquireLock!(k, csq, irql);
  yield* csq.CsqRemoveIrp!(k, csq, Irp);
  yield* csq.CsqReleaseLock!(k, csq, irql.value);
  yield* csq.CsqCompleteCanceledIrp!(k, csq, Irp);
}
