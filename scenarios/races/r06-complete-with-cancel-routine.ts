// spec/kernel.md §8 item 6, completing with the cancel routine still set: the hardware thread takes
// the saved IRP under the queue lock and completes it without IoSetCancelRoutine(Irp, NULL). Unless
// CancelIoEx's IoCancelIrp took the routine first, the freed IRP keeps a pointer to it for the next
// IoCancelIrp to call (0x48); Driver Verifier stops it at the completion: 0xC9/0x07.
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_NOT_FOUND, STATUS_SUCCESS } from '../../index.ts';
import { CompleteWhileCancelling } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, RaceDriver, PendOrComplete, SavePendingIrp } from './driver.ts';
import { C9, raceScenario } from './scenario.ts';

/** completes the saved request unless the hardware thread took it first */
function* PendingIrpCancel(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  const devExt = DeviceExtensionOf(DeviceObject);
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  const mine = devExt.PendingIrp === Irp;
  if (mine) devExt.PendingIrp = null;
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  if (mine) yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
}

/** the hardware finished the saved request */
function* HardwareDone(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  const PendingIrp = devExt.PendingIrp;
  devExt.PendingIrp = null;
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  if (PendingIrp === null) return STATUS_NOT_FOUND;
  // BUG (§8 item 6): completed without IoSetCancelRoutine(PendingIrp, NULL) — the cancel routine
  // stays set on an IRP that is about to be freed
  yield* CompleteRequest(k, PendingIrp, STATUS_SUCCESS, 0);
  return STATUS_SUCCESS;
}

export default raceScenario({
  race: '6',
  slug: 'complete-with-cancel-routine',
  description: 'the completion path completes the IRP without clearing its cancel routine',
  driver: RaceDriver({ DeviceControl: PendOrComplete(SavePendingIrp(PendingIrpCancel), HardwareDone) }),
  main: CompleteWhileCancelling,
  expected: { ...C9, kind: 'bugcheck', subcode: 0x07 },
});
