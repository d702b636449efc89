// spec/kernel.md §8 item 5, completion vs. cancellation (the headline race): the hardware thread's
// completion path, holding the queue lock, tests Irp->Cancel (FALSE) instead of arbitrating with
// IoSetCancelRoutine's result; IoCancelIrp on the CancelIoEx thread then takes the routine, which
// waits for the queue lock; the completion path clears the (already NULL) routine and completes the
// IRP, then the cancel routine completes it with STATUS_CANCELLED: 0x44, or a use after free.
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_NOT_FOUND, STATUS_PENDING, STATUS_SUCCESS, type Win32Context } from '../../index.ts';
import { type RaceApp, CancelFromAnotherThread, CompleteFromAnotherThread, IssueRequest, Shutdown, StartThread, Startup, WaitForRequest } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, IOCTL_RACE_COMPLETE, IOCTL_RACE_PEND, IoControlCodeOf, RaceDriver } from './driver.ts';
import { MULTIPLE_COMPLETE, raceScenario } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const devExt = DeviceExtensionOf(DeviceObject);
  switch (IoControlCodeOf(k, Irp)) {
    case IOCTL_RACE_PEND:
      return yield* SavePendingIrp(k, devExt, Irp);
    case IOCTL_RACE_COMPLETE:
      return yield* CompleteRequest(k, Irp, yield* HardwareDone(k, devExt), 0);
    default:
      return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  }
}

/** one request at a time, kept in devExt->PendingIrp (§2.5 enqueue, with the second exchange) */
function* SavePendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  yield* k.IoMarkIrpPending(Irp);
  devExt.PendingIrp = Irp;
  yield* k.IoSetCancelRoutine(Irp, PendingIrpCancel);
  if (Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
    devExt.PendingIrp = null;
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
    return STATUS_PENDING;
  }
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_PENDING;
}

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
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: function* (w: Win32Context, app: RaceApp) {
    yield* Startup(w, app);
    if (yield* IssueRequest(w, app)) {
      yield* w.CloseHandle(yield* StartThread(w, CompleteFromAnotherThread, app));
      yield* w.CloseHandle(yield* StartThread(w, CancelFromAnotherThread, app));
      yield* WaitForRequest(w, app, 10_000);
    }
    yield* Shutdown(w, app);
    return 0;
  },
  expected: MULTIPLE_COMPLETE,
});
