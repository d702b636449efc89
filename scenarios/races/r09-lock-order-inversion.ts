// spec/kernel.md §8 item 9, lock-order inversion: the hardware thread's completion path holds the
// queue lock and then takes the cancel spin lock to clear the routine; the cancel routine, entered
// holding the cancel spin lock (IoCancelIrp on the CancelIoEx thread), takes the queue lock before
// releasing it. Each thread holds the lock the other spins on: the machine hangs (ABBA deadlock).
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_NOT_FOUND, STATUS_SUCCESS } from '../../index.ts';
import { CompleteWhileCancelling } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, InsertPendingIrp, IOCTL_RACE_COMPLETE, IOCTL_RACE_PEND, IoControlCodeOf, RaceDriver } from './driver.ts';
import { CONTAINING_RECORD, InitializeListHead, IrpListEntry, IsListEmpty, RemoveEntryList, RemoveHeadList } from './list.ts';
import { raceScenario } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const devExt = DeviceExtensionOf(DeviceObject);
  switch (IoControlCodeOf(k, Irp)) {
    case IOCTL_RACE_PEND:
      return yield* InsertPendingIrp(k, devExt, Irp, Race_CancelRoutine);
    case IOCTL_RACE_COMPLETE:
      return yield* CompleteRequest(k, Irp, yield* HardwareDone(k, devExt), 0);
    default:
      return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  }
}

/** the §2.5 cancel routine (driver.ts) with its first two steps swapped */
function* Race_CancelRoutine(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  const devExt = DeviceExtensionOf(DeviceObject);
  // BUG (§8 item 9): the queue lock is taken while the cancel spin lock is still held (order:
  // cancel lock, then queue lock) — release the cancel spin lock first
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  RemoveEntryList(IrpListEntry(Irp));
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
}

/** the hardware finished the oldest request; clears its routine under the cancel spin lock (order: queue lock, then cancel lock) */
function* HardwareDone(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  if (IsListEmpty(devExt.PendingQueue)) {
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    return STATUS_NOT_FOUND;
  }
  const cancelIrql = yield* k.IoAcquireCancelSpinLock();
  const Entry = RemoveHeadList(devExt.PendingQueue);
  const PendingIrp = CONTAINING_RECORD(Entry);
  const mine = (yield* k.IoSetCancelRoutine(PendingIrp, null)) !== null;
  if (!mine) InitializeListHead(Entry); // the cancel routine owns it
  yield* k.IoReleaseCancelSpinLock(cancelIrql);
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  if (mine) yield* CompleteRequest(k, PendingIrp, STATUS_SUCCESS, 0);
  return STATUS_SUCCESS;
}

export default raceScenario({
  race: '9',
  slug: 'lock-order-inversion',
  description: 'the cancel routine takes the queue lock holding the cancel spin lock; the completion path takes them the other way round',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: CompleteWhileCancelling,
  expected: { kind: 'deadlock', name: 'DEADLOCK', messageIncludes: 'IoCancelSpinLock (held by' },
});
