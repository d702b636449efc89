// The corrected Overlapp driver, race-free by the protocol of spec/kernel.md §2.5: a driver spin
// lock guards a queue of pending requests; whoever exchanges the cancel routine from non-NULL to
// NULL owns the IRP and alone completes it; the cancel routine releases the cancel spin lock first;
// IRPs are completed with no spin lock held; IRP_MJ_CLEANUP completes the file's queued requests;
// the notify request is completed; Information is the length of the data copied.
import {
  type DEVICE_OBJECT,
  type DispatchRoutine,
  DO_BUFFERED_IO,
  type DRIVER_OBJECT,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IRP_MJ_CLEANUP,
  IRP_MJ_CLOSE,
  IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL,
  type IRP,
  type KernelContext,
  type KSPIN_LOCK,
  NT_SUCCESS,
  type Ref,
  type Routine,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_NOT_FOUND,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from '../../index.ts';
import { IOCL_OVERLAP_NOTIFY, IOCTL_OVERLAP_BUFFERED_IO } from './driver.ts';

interface Extension {
  QueueLock: KSPIN_LOCK;
  Queue: IRP[];
}

const ext = (d: DEVICE_OBJECT) => d.DeviceExtension as unknown as Extension;

/**
 * What both corrected drivers' DriverEntry does: \\Device\\Overlapp with buffered I/O and its
 * symbolic link, CREATE and CLOSE completed at once, the given CLEANUP and DEVICE_CONTROL routines.
 * Returns the device, or the failing status.
 */
export function* CreateOverlappDevice(
  k: KernelContext,
  DriverObject: DRIVER_OBJECT,
  Cleanup: DispatchRoutine,
  DeviceControl: DispatchRoutine,
): Routine<DEVICE_OBJECT | number> {
  const DeviceObject: Ref<DEVICE_OBJECT | null> = { value: null };
  const status = yield* k.IoCreateDevice(DriverObject, 0, '\\Device\\Overlapp', FILE_DEVICE_UNKNOWN, 0, false, DeviceObject);
  if (!NT_SUCCESS(status)) return status;
  DeviceObject.value!.Flags |= DO_BUFFERED_IO;
  yield* k.IoCreateSymbolicLink('\\DosDevices\\Overlapp', '\\Device\\Overlapp');
  DriverObject.MajorFunction[IRP_MJ_CREATE] = CompleteSuccess;
  DriverObject.MajorFunction[IRP_MJ_CLOSE] = CompleteSuccess;
  DriverObject.MajorFunction[IRP_MJ_CLEANUP] = Cleanup;
  DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = DeviceControl;
  return DeviceObject.value!;
}

export function* FixedLockDriverEntry(k: KernelContext, DriverObject: DRIVER_OBJECT, _RegistryPath: string): Routine<number> {
  const dev = yield* CreateOverlappDevice(k, DriverObject, FixedCleanup, FixedIoControl);
  if (typeof dev === 'number') return dev;
  Object.assign(dev.DeviceExtension, { QueueLock: k.KeInitializeSpinLock(), Queue: [] } satisfies Extension);
  return STATUS_SUCCESS;
}

export function* CompleteSuccess(k: KernelContext, _d: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  return yield* complete(k, Irp, STATUS_SUCCESS, 0);
}

/** sets the status block and completes the IRP (never under a spin lock); returns the status */
export function* complete(k: KernelContext, Irp: IRP, status: number, information: number): Routine<number> {
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = information;
  yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function* FixedIoControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const code = k.IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
  if (code === IOCTL_OVERLAP_BUFFERED_IO) return yield* queueRequest(k, ext(DeviceObject), Irp);
  if (code === IOCL_OVERLAP_NOTIFY) return yield* notify(k, ext(DeviceObject), Irp);
  return yield* complete(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

/** §2.5 enqueue: mark pending and queue under the lock, set the routine, then test Cancel */
function* queueRequest(k: KernelContext, e: Extension, Irp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(e.QueueLock);
  yield* k.IoMarkIrpPending(Irp);
  e.Queue.push(Irp);
  yield* k.IoSetCancelRoutine(Irp, FixedCancelIrp);
  if (Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
    e.Queue.splice(e.Queue.indexOf(Irp), 1);
    yield* k.KeReleaseSpinLock(e.QueueLock, oldIrql);
    yield* complete(k, Irp, STATUS_CANCELLED, 0);
    return STATUS_PENDING;
  }
  yield* k.KeReleaseSpinLock(e.QueueLock, oldIrql);
  return STATUS_PENDING;
}

/** §2.5 dequeue: take the oldest request whose cancel routine we clear; complete it outside the lock */
function* notify(k: KernelContext, e: Extension, NotifyIrp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(e.QueueLock);
  let owned: IRP | null = null;
  while (owned === null && e.Queue.length > 0) {
    const candidate = e.Queue.shift()!;
    // NULL: the cancel routine has it and waits for our lock; its removal becomes a no-op
    if ((yield* k.IoSetCancelRoutine(candidate, null)) !== null) owned = candidate;
  }
  yield* k.KeReleaseSpinLock(e.QueueLock, oldIrql);
  if (owned === null) return yield* complete(k, NotifyIrp, STATUS_NOT_FOUND, 0);
  const buffer = owned.AssociatedIrp.SystemBuffer!;
  const end = buffer.indexOf(0);
  const length = Math.min(end < 0 ? buffer.length : end + 1, k.IoGetCurrentIrpStackLocation(owned).Parameters.DeviceIoControl.OutputBufferLength);
  yield* complete(k, owned, STATUS_SUCCESS, length);
  return yield* complete(k, NotifyIrp, STATUS_SUCCESS, 0);
}

export function* FixedCancelIrp(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  const e = ext(DeviceObject);
  const oldIrql = yield* k.KeAcquireSpinLock(e.QueueLock);
  const i = e.Queue.indexOf(Irp);
  if (i >= 0) e.Queue.splice(i, 1);
  yield* k.KeReleaseSpinLock(e.QueueLock, oldIrql);
  yield* complete(k, Irp, STATUS_CANCELLED, 0);
}

/** IRP_MJ_CLEANUP: complete this file's queued requests that we still own, outside the lock */
function* FixedCleanup(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const e = ext(DeviceObject);
  const file = k.IoGetCurrentIrpStackLocation(Irp).FileObject;
  const mine: IRP[] = [];
  const oldIrql = yield* k.KeAcquireSpinLock(e.QueueLock);
  for (const q of e.Queue.slice()) {
    if (k.IoGetCurrentIrpStackLocation(q).FileObject !== file) continue;
    e.Queue.splice(e.Queue.indexOf(q), 1);
    if ((yield* k.IoSetCancelRoutine(q, null)) !== null) mine.push(q);
  }
  yield* k.KeReleaseSpinLock(e.QueueLock, oldIrql);
  for (const q of mine) yield* complete(k, q, STATUS_CANCELLED, 0);
  return yield* complete(k, Irp, STATUS_SUCCESS, 0);
}
