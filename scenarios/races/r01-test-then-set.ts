// spec/kernel.md §8 item 1, test-then-set (lost cancel): the dispatch routine reads Irp->Cancel
// (FALSE), then CancelIoEx on another thread runs IoCancelIrp — Cancel = TRUE, no routine to call,
// returns FALSE — and only then does the dispatch routine set its cancel routine and queue the IRP.
// The cancelled request sits in the queue: Verifier's 0xC4/0x135 once 5 s pass. The requester gives
// up after 10 s; process exit cancels the IRP again, and this time the routine is there.
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_PENDING } from '../../index.ts';
import { CancelDuringDispatch } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, IOCTL_RACE_PEND, IoControlCodeOf, Race_CancelRoutine, RaceDriver } from './driver.ts';
import { InsertTailList, IrpListEntry } from './list.ts';
import { C4_135, raceScenario } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  if (IoControlCodeOf(k, Irp) === IOCTL_RACE_PEND) return yield* QueuePendingIrp(k, DeviceExtensionOf(DeviceObject), Irp);
  return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

function* QueuePendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  // BUG (§8 item 1): Cancel is tested before the cancel routine is set; a cancel in between is lost
  if (Irp.Cancel) {
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    return yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
  }
  yield* k.IoMarkIrpPending(Irp);
  InsertTailList(devExt.PendingQueue, IrpListEntry(Irp));
  yield* k.IoSetCancelRoutine(Irp, Race_CancelRoutine);
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_PENDING;
}

export default raceScenario({
  race: '1',
  slug: 'test-then-set',
  description: 'the dispatch routine tests Irp->Cancel before setting its cancel routine: a cancel in between is lost',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: CancelDuringDispatch,
  expected: C4_135,
});
