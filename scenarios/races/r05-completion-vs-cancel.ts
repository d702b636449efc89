// spec/kernel.md §8 item 5, completion vs. cancellation (the headline race): the hardware thread's
// completion path, holding the queue lock, tests Irp->Cancel (FALSE) instead of arbitrating with
// IoSetCancelRoutine's result; IoCancelIrp on the CancelIoEx thread then takes the routine, which
// waits for the queue lock; the completion path clears the (already NULL) routine and completes the
// IRP, then the cancel routine completes it with STATUS_CANCELLED: 0x44, or a use after free.
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_NOT_FOUND, STATUS_SUCCESS } from '../../index.ts';
import { CompleteWhileCancelling } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, RaceDriver, PendOrComplete, SavePendingIrp } from './driver.ts';
import { MULTIPLE_COMPLETE, raceScenario } from './scenario.ts';

function* PendingIrpCancel(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  const devExt = DeviceExtensionOf(DeviceObject);
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  if (devExt.PendingIrp === Irp) devExt.PendingIrp = null;
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
}

/** the hardware finished the saved request */
function* HardwareDone(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  const PendingIrp = devExt.PendingIrp;
  if (PendingIrp === null) {
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    return STATUS_NOT_FOUND;
  }
  // BUG (§8 item 5): the Cancel flag is not the arbiter — IoCancelIrp can set it and take the
  // routine right after this test; only IoSetCancelRoutine(Irp, NULL)'s result decides
  if (PendingIrp.Cancel) {
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    return STATUS_SUCCESS; // the cancel routine completes it
  }
  yield* k.IoSetCancelRoutine(PendingIrp, null);
  devExt.PendingIrp = null;
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  yield* CompleteRequest(k, PendingIrp, STATUS_SUCCESS, 0);
  return STATUS_SUCCESS;
}

export default raceScenario({
  race: '5',
  slug: 'completion-vs-cancel',
  description: 'the completion path tests Irp->Cancel instead of using IoSetCancelRoutine(NULL) to decide who completes',
  driver: RaceDriver({ DeviceControl: PendOrComplete(SavePendingIrp(PendingIrpCancel), HardwareDone) }),
  main: CompleteWhileCancelling,
  expected: MULTIPLE_COMPLETE,
});
