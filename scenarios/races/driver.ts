// What every race driver shares: the DriverEntry skeleton (\Device\Race, DO_BUFFERED_IO, one
// device extension with a queue lock, a queue and a one-request slot), the control codes, and the
// correct pieces of the race-free protocol of spec/kernel.md §2.5 — enqueue with set-then-test plus
// the second exchange, the cancel routine that drops the cancel spin lock first, the dequeue that
// obeys IoSetCancelRoutine's result. Each r*.ts file swaps exactly one piece for the §8 bug.
import {
  type CancelRoutine,
  CTL_CODE,
  type DEVICE_OBJECT,
  type DispatchRoutine,
  DO_BUFFERED_IO,
  type DRIVER_OBJECT,
  type DriverEntry,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  type IRP,
  IRP_MJ_CLEANUP,
  IRP_MJ_CLOSE,
  IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL,
  type KernelContext,
  type KSPIN_LOCK,
  METHOD_BUFFERED,
  NT_SUCCESS,
  type Ref,
  type Routine,
  STATUS_CANCELLED,
  STATUS_PENDING,
  STATUS_SUCCESS, STATUS_INVALID_DEVICE_REQUEST } from '../../index.ts';
import { CONTAINING_RECORD, InitializeListHead, InsertTailList, IrpListEntry, IsListEmpty, type LIST_ENTRY, NewListHead, RemoveEntryList, RemoveHeadList } from './list.ts';

/** queue a request until the "hardware" finishes it */
export const IOCTL_RACE_PEND = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** the "hardware" finished: complete the oldest queued request (sent by a second application thread) */
export const IOCTL_RACE_COMPLETE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** the "hardware" looked at the oldest request but is not ready: it goes back on the queue */
export const IOCTL_RACE_POLL = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS);

export interface DEVICE_EXTENSION {
  QueueLock: KSPIN_LOCK;
  /** IRPs waiting for the hardware, linked through Irp->Tail.Overlay.ListEntry */
  PendingQueue: LIST_ENTRY;
  /** drivers that hold one request at a time keep it here */
  PendingIrp: IRP | null;
}

export const DeviceExtensionOf = (DeviceObject: DEVICE_OBJECT): DEVICE_EXTENSION => DeviceObject.DeviceExtension as unknown as DEVICE_EXTENSION;

export interface RaceDriverRoutines {
  DeviceControl: DispatchRoutine;
  /** IRP_MJ_CLEANUP; by default completed with STATUS_SUCCESS like create and close */
  Cleanup?: DispatchRoutine;
}

export function RaceDriver(routines: RaceDriverRoutines): DriverEntry {
  return function* DriverEntry(k: KernelContext, DriverObject: DRIVER_OBJECT, _RegistryPath: string): Routine<number> {
    const DeviceObject: Ref<DEVICE_OBJECT | null> = { value: null };
    const status = yield* k.IoCreateDevice(DriverObject, 0, '\\Device\\Race', FILE_DEVICE_UNKNOWN, 0, false, DeviceObject);
    if (!NT_SUCCESS(status)) return status;
    DeviceObject.value!.Flags |= DO_BUFFERED_IO;
    const devExt = DeviceExtensionOf(DeviceObject.value!);
    devExt.QueueLock = k.KeInitializeSpinLock();
    devExt.PendingQueue = NewListHead();
    devExt.PendingIrp = null;
    yield* k.IoCreateSymbolicLink('\\DosDevices\\Race', '\\Device\\Race');
    DriverObject.MajorFunction[IRP_MJ_CREATE] = Race_CreateClose;
    DriverObject.MajorFunction[IRP_MJ_CLOSE] = Race_CreateClose;
    DriverObject.MajorFunction[IRP_MJ_CLEANUP] = routines.Cleanup ?? Race_CreateClose;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = routines.DeviceControl;
    return STATUS_SUCCESS;
  };
}

export function* Race_CreateClose(k: KernelContext, _DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  return yield* CompleteRequest(k, Irp, STATUS_SUCCESS, 0);
}

/** Irp->IoStatus = { Status, Information }; IoCompleteRequest; return Status */
export function* CompleteRequest(k: KernelContext, Irp: IRP, Status: number, Information: number): Routine<number> {
  Irp.IoStatus.Status = Status;
  Irp.IoStatus.Information = Information;
  yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

/** §2.5 enqueue: mark pending and queue under the lock, set the routine, then test Cancel and exchange */
export function* InsertPendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP, CancelRoutine: CancelRoutine = Race_CancelRoutine): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  yield* k.IoMarkIrpPending(Irp);
  InsertTailList(devExt.PendingQueue, IrpListEntry(Irp));
  yield* k.IoSetCancelRoutine(Irp, CancelRoutine);
  if (Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
    // the I/O manager will not call the routine: the request is ours to cancel
    RemoveEntryList(IrpListEntry(Irp));
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
    return STATUS_PENDING;
  }
  // not cancelled, or the cancel routine runs and waits for our lock: it finds the IRP queued
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_PENDING;
}

/** §2.5 cancel routine: the cancel spin lock first, then the queue lock, unlink, complete */
export function* Race_CancelRoutine(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  const devExt = DeviceExtensionOf(DeviceObject);
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  RemoveEntryList(IrpListEntry(Irp));
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
}

/** §2.5 dequeue, holding the queue lock: the first queued IRP whose cancel routine we cleared, or null */
export function* RemoveNextPendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<IRP | null> {
  while (!IsListEmpty(devExt.PendingQueue)) {
    const Entry = RemoveHeadList(devExt.PendingQueue);
    const Irp = CONTAINING_RECORD(Entry);
    if ((yield* k.IoSetCancelRoutine(Irp, null)) !== null) return Irp;
    // the cancel routine owns it and waits for our lock: leave it a harmless self-link to unlink
    InitializeListHead(Entry);
  }
  return null;
}

/** the code the dispatch routine switches on */
export function IoControlCodeOf(k: KernelContext, Irp: IRP): number {
  return k.IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
}

export type PendRoutine = (k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP) => Routine<number>;
export type HardwareRoutine = (k: KernelContext, devExt: DEVICE_EXTENSION) => Routine<number>;

/** the usual IRP_MJ_DEVICE_CONTROL: IOCTL_RACE_PEND pends the request, IOCTL_RACE_COMPLETE is the "hardware done" path */
export function PendOrComplete(pend: PendRoutine, hardwareDone: HardwareRoutine) {
  return function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
    const devExt = DeviceExtensionOf(DeviceObject);
    switch (IoControlCodeOf(k, Irp)) {
      case IOCTL_RACE_PEND:
        return yield* pend(k, devExt, Irp);
      case IOCTL_RACE_COMPLETE:
        return yield* CompleteRequest(k, Irp, yield* hardwareDone(k, devExt), 0);
      default:
        return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
  };
}

/** one request at a time, kept in devExt->PendingIrp (§2.5 enqueue, with the second exchange) */
export function SavePendingIrp(CancelRoutine: CancelRoutine): PendRoutine {
  return function* SavePendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP): Routine<number> {
    const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
    yield* k.IoMarkIrpPending(Irp);
    devExt.PendingIrp = Irp;
    yield* k.IoSetCancelRoutine(Irp, CancelRoutine);
    if (Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
      devExt.PendingIrp = null;
      yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
      yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
      return STATUS_PENDING;
    }
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    return STATUS_PENDING;
  };
}
