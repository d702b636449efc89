// spec/kernel.md §8 item 6, completing with the cancel routine still set: the hardware thread takes
// the saved IRP under the queue lock and completes it without IoSetCancelRoutine(Irp, NULL). Unless
// CancelIoEx's IoCancelIrp took the routine first, the freed IRP keeps a pointer to it for the next
// IoCancelIrp to call (0x48); Driver Verifier stops it at the completion: 0xC9/0x07.
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_NOT_FOUND, STATUS_PENDING, STATUS_SUCCESS, type Win32Context } from '../../index.ts';
import { type RaceApp, CancelFromAnotherThread, CompleteFromAnotherThread, IssueRequest, Shutdown, StartThread, Startup, WaitForRequest } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, DeviceExtensionOf, IOCTL_RACE_COMPLETE, IOCTL_RACE_PEND, IoControlCodeOf, RaceDriver } from './driver.ts';
import { C9, raceScenario } from './scenario.ts';

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
  expected: { ...C9, kind: 'bugcheck', subcode: 0x07 },
});
