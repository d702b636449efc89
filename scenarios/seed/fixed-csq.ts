// The corrected Overlapp driver built on a cancel-safe queue (spec/kernel.md §4, the WDK cancel
// sample's shape): the library owns cancellation, so the driver has no cancel routine of its own.
// Requests are inserted with IoCsqInsertIrp (which marks them pending); Notify takes the oldest
// with IoCsqRemoveNextIrp and completes it outside any lock; IRP_MJ_CLEANUP removes this file's
// requests and completes them with STATUS_CANCELLED.
import {
  type DEVICE_OBJECT,
  type DRIVER_OBJECT,
  IO_CSQ,
  type IRP,
  type KernelContext,
  type KSPIN_LOCK,
  type Ref,
  type Routine,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_NOT_FOUND,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from '../../index.ts';
import { IOCL_OVERLAP_NOTIFY, IOCTL_OVERLAP_BUFFERED_IO } from './driver.ts';
import { CreateOverlappDevice, complete } from './fixed-lock.ts';

/** the queue: a list under a driver spin lock, as the WDK sample's callbacks keep it */
class OverlappCsq extends IO_CSQ {
  readonly pending: IRP[] = [];
  constructor(readonly QueueLock: KSPIN_LOCK) {
    super();
  }
}

const csqOf = (d: DEVICE_OBJECT) => (d.DeviceExtension as { Csq: OverlappCsq }).Csq;

function* CsqInsertIrp(_k: KernelContext, Csq: IO_CSQ, Irp: IRP): Routine<void> {
  (Csq as OverlappCsq).pending.push(Irp);
}

function* CsqRemoveIrp(_k: KernelContext, Csq: IO_CSQ, Irp: IRP): Routine<void> {
  const q = (Csq as OverlappCsq).pending;
  const i = q.indexOf(Irp);
  if (i >= 0) q.splice(i, 1);
}

/** the next request after `Irp`; with a file object as PeekContext, only that file's requests */
function* CsqPeekNextIrp(k: KernelContext, Csq: IO_CSQ, Irp: IRP | null, PeekContext: unknown): Routine<IRP | null> {
  const q = (Csq as OverlappCsq).pending;
  for (let i = Irp === null ? 0 : q.indexOf(Irp) + 1; i < q.length; i++) {
    if (PeekContext === null || k.IoGetCurrentIrpStackLocation(q[i]).FileObject === PeekContext) return q[i];
  }
  return null;
}

function* CsqAcquireLock(k: KernelContext, Csq: IO_CSQ, Irql: Ref<number>): Routine<void> {
  Irql.value = yield* k.KeAcquireSpinLock((Csq as OverlappCsq).QueueLock);
}

function* CsqReleaseLock(k: KernelContext, Csq: IO_CSQ, Irql: number): Routine<void> {
  yield* k.KeReleaseSpinLock((Csq as OverlappCsq).QueueLock, Irql);
}

function* CsqCompleteCanceledIrp(k: KernelContext, _Csq: IO_CSQ, Irp: IRP): Routine<void> {
  yield* complete(k, Irp, STATUS_CANCELLED, 0);
}

export function* FixedCsqDriverEntry(k: KernelContext, DriverObject: DRIVER_OBJECT, _RegistryPath: string): Routine<number> {
  const dev = yield* CreateOverlappDevice(k, DriverObject, CsqCleanup, CsqIoControl);
  if (typeof dev === 'number') return dev;
  const Csq = new OverlappCsq(k.KeInitializeSpinLock());
  Object.assign(dev.DeviceExtension, { Csq });
  yield* k.IoCsqInitialize(Csq, CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp);
  return STATUS_SUCCESS;
}

function* CsqIoControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const code = k.IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
  const Csq = csqOf(DeviceObject);
  if (code === IOCTL_OVERLAP_BUFFERED_IO) {
    yield* k.IoCsqInsertIrp(Csq, Irp, null); // marks it pending; never touch it afterwards
    return STATUS_PENDING;
  }
  if (code !== IOCL_OVERLAP_NOTIFY) return yield* complete(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  const saved = yield* k.IoCsqRemoveNextIrp(Csq, null);
  if (saved === null) return yield* complete(k, Irp, STATUS_NOT_FOUND, 0);
  const buffer = saved.AssociatedIrp.SystemBuffer!;
  const end = buffer.indexOf(0);
  const length = Math.min(end < 0 ? buffer.length : end + 1, k.IoGetCurrentIrpStackLocation(saved).Parameters.DeviceIoControl.OutputBufferLength);
  yield* complete(k, saved, STATUS_SUCCESS, length);
  return yield* complete(k, Irp, STATUS_SUCCESS, 0);
}

function* CsqCleanup(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const Csq = csqOf(DeviceObject);
  const file = k.IoGetCurrentIrpStackLocation(Irp).FileObject;
  for (let q = yield* k.IoCsqRemoveNextIrp(Csq, file); q !== null; q = yield* k.IoCsqRemoveNextIrp(Csq, file)) {
    yield* complete(k, q, STATUS_CANCELLED, 0);
  }
  return yield* complete(k, Irp, STATUS_SUCCESS, 0);
}
