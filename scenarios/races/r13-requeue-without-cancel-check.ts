// spec/kernel.md §8 item 13, cancel while non-cancelable: the hardware thread's IOCTL_RACE_POLL
// takes the IRP off the queue (clearing its cancel routine: it is not cancelable while the device
// looks at it), finds the device not ready and puts it back with the routine set again — without
// testing Irp->Cancel. CancelIoEx's IoCancelIrp in that window only sets Cancel and returns FALSE:
// the cancel is lost (0xC4/0x135 after 5 s). Process exit cancels it again, and then it completes.
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_INVALID_DEVICE_REQUEST, STATUS_NOT_FOUND, STATUS_SUCCESS, type Win32Context } from '../../index.ts';
import { CompleteWhileCancelling, PollFromAnotherThread, type RaceApp } from './app.ts';
import {
  CompleteRequest,
  type DEVICE_EXTENSION,
  DeviceExtensionOf,
  InsertPendingIrp,
  IOCTL_RACE_PEND,
  IOCTL_RACE_POLL,
  IoControlCodeOf,
  Race_CancelRoutine,
  RaceDriver,
  RemoveNextPendingIrp,
} from './driver.ts';
import { InsertTailList, IrpListEntry } from './list.ts';
import { C4_135, raceScenario } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const devExt = DeviceExtensionOf(DeviceObject);
  switch (IoControlCodeOf(k, Irp)) {
    case IOCTL_RACE_PEND:
      return yield* InsertPendingIrp(k, devExt, Irp);
    case IOCTL_RACE_POLL:
      return yield* CompleteRequest(k, Irp, yield* HardwarePoll(k, devExt), 0);
    default:
      return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  }
}

/** the device is polled for the oldest request; it is never ready, so the request goes back */
function* HardwarePoll(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<number> {
  let oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  const PendingIrp = yield* RemoveNextPendingIrp(k, devExt);
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  if (PendingIrp === null) return STATUS_NOT_FOUND;
  // ... talk to the device (the IRP is ours and not cancelable here) — no data yet ...
  oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  InsertTailList(devExt.PendingQueue, IrpListEntry(PendingIrp));
  // BUG (§8 item 13): cancelable again without testing PendingIrp->Cancel (and exchanging back
  // if it is set): a cancel that came while it was off the queue is lost
  yield* k.IoSetCancelRoutine(PendingIrp, Race_CancelRoutine);
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_SUCCESS;
}

export default raceScenario({
  race: '13',
  slug: 'requeue-without-cancel-check',
  description: 'the driver makes a dequeued IRP cancelable again without testing Irp->Cancel',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: function* (w: Win32Context, app: RaceApp) {
    // the "hardware" polls instead of completing
    return yield* CompleteWhileCancelling(w, app, PollFromAnotherThread);
  },
  expected: C4_135,
});
