// spec/kernel.md §8 item 8(b), IoMarkIrpPending and then a synchronous error: the dispatch routine
// marks and queues the IRP; when CancelIoEx's IoCancelIrp has already set Irp->Cancel, it wins the
// second exchange, completes the IRP with STATUS_CANCELLED and returns STATUS_CANCELLED. The caller
// gets FALSE/ERROR_OPERATION_ABORTED at once *and* the event and status block of a pending request
// later. Enhanced I/O verification: 0xC9/0x23E (non-fatal).
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_PENDING } from '../../index.ts';
import { CancelDuringDispatch } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, IOCTL_RACE_PEND, IoControlCodeOf, Race_CancelRoutine, RaceDriver } from './driver.ts';
import { InsertTailList, IrpListEntry, RemoveEntryList } from './list.ts';
import { C9, raceScenario } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  if (IoControlCodeOf(k, Irp) === IOCTL_RACE_PEND) return yield* QueuePendingIrp(k, DeviceExtensionOf(DeviceObject), Irp);
  return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

function* QueuePendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  yield* k.IoMarkIrpPending(Irp);
  InsertTailList(devExt.PendingQueue, IrpListEntry(Irp));
  yield* k.IoSetCancelRoutine(Irp, Race_CancelRoutine);
  if (Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
    RemoveEntryList(IrpListEntry(Irp));
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    // BUG (§8 item 8b): the IRP is marked pending, so this must return STATUS_PENDING
    return yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
  }
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_PENDING;
}

export default raceScenario({
  race: '8b',
  slug: 'marked-but-failed',
  description: 'a cancel during dispatch takes a path that marks the IRP pending and returns STATUS_CANCELLED',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: CancelDuringDispatch,
  expected: { ...C9, kind: 'verifier', subcode: 0x23e },
});
