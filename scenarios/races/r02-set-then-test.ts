// spec/kernel.md §8 item 2, set-then-test without the second exchange: the dispatch routine queues
// the IRP and sets its cancel routine; IoCancelIrp on the CancelIoEx thread takes the routine and
// calls it, and it waits for the queue lock; the dispatch routine sees Irp->Cancel, unlinks and
// completes the IRP itself; then the cancel routine gets the lock and completes it again: 0x44
// (or, once stage B has freed it, a use after free).
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_PENDING } from '../../index.ts';
import { CancelDuringDispatch } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, IOCTL_RACE_PEND, IoControlCodeOf, Race_CancelRoutine, RaceDriver } from './driver.ts';
import { InsertTailList, IrpListEntry, RemoveEntryList } from './list.ts';
import { raceScenario, USE_AFTER_FREE } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  if (IoControlCodeOf(k, Irp) === IOCTL_RACE_PEND) return yield* QueuePendingIrp(k, DeviceExtensionOf(DeviceObject), Irp);
  return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

function* QueuePendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  yield* k.IoMarkIrpPending(Irp);
  InsertTailList(devExt.PendingQueue, IrpListEntry(Irp));
  yield* k.IoSetCancelRoutine(Irp, Race_CancelRoutine);
  if (Irp.Cancel) {
    // BUG (§8 item 2): no IoSetCancelRoutine(Irp, NULL) to decide who owns the IRP — the cancel
    // routine may already have been called and be waiting for QueueLock
    RemoveEntryList(IrpListEntry(Irp));
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
    return STATUS_PENDING;
  }
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_PENDING;
}

export default raceScenario({
  race: '2',
  slug: 'set-then-test',
  description: 'the dispatch routine sets its cancel routine, then completes a cancelled IRP without the second exchange',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: CancelDuringDispatch,
  expected: USE_AFTER_FREE,
});
