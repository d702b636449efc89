// spec/kernel.md §8 item 8(a), STATUS_PENDING without IoMarkIrpPending: when CancelIoEx's
// IoCancelIrp lands while the dispatch routine runs, the routine's already-cancelled path completes
// the IRP with STATUS_CANCELLED and returns STATUS_PENDING — but IoMarkIrpPending is only called on
// the queuing path. An error completion that was not pending-returned notifies nobody: the requester
// would wait forever (here it gives up after 10 s). Enhanced I/O verification: 0xC9/0x23D.
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_PENDING } from '../../index.ts';
import { CancelDuringDispatch } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, IOCTL_RACE_PEND, IoControlCodeOf, Race_CancelRoutine, RaceDriver } from './driver.ts';
import { InsertTailList, IrpListEntry } from './list.ts';
import { C9, raceScenario } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  if (IoControlCodeOf(k, Irp) === IOCTL_RACE_PEND) return yield* QueuePendingIrp(k, DeviceExtensionOf(DeviceObject), Irp);
  return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

/** the event sample's order (spec §5.2): exchange first, mark pending and queue after */
function* QueuePendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  yield* k.IoSetCancelRoutine(Irp, Race_CancelRoutine);
  if (Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
    // BUG (§8 item 8a): this path never called IoMarkIrpPending — it must return STATUS_CANCELLED
    return STATUS_PENDING;
  }
  yield* k.IoMarkIrpPending(Irp);
  InsertTailList(devExt.PendingQueue, IrpListEntry(Irp));
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_PENDING;
}

export default raceScenario({
  race: '8a',
  slug: 'pending-not-marked',
  description: 'a cancel during dispatch takes a path that returns STATUS_PENDING without IoMarkIrpPending: the requester is never told',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: CancelDuringDispatch,
  expected: { ...C9, kind: 'verifier', subcode: 0x23d },
});
