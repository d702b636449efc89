// spec/kernel.md §8 item 10, a cancel routine that exits wrongly, reached through the StartIo window
// of item 14: the dispatch routine makes the IRP cancelable and current and releases the cancel spin
// lock; before its StartIo takes the lock again to clear the routine, CancelIoEx's IoCancelIrp calls
// the cancel routine, which sees Irp == DeviceObject->CurrentIrp and returns — without
// IoReleaseCancelSpinLock(Irp->CancelIrql) on that path: 0x11B.
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_NOT_FOUND, STATUS_PENDING, STATUS_SUCCESS, type Win32Context } from '../../index.ts';
import { type RaceApp, CancelFromAnotherThread, CompleteFromAnotherThread, IssueRequest, Shutdown, StartThread, Startup, WaitForRequest } from './app.ts';
import { CompleteRequest, DeviceExtensionOf, IOCTL_RACE_COMPLETE, IOCTL_RACE_PEND, IoControlCodeOf, RaceDriver } from './driver.ts';
import { InsertTailList, IrpListEntry, RemoveEntryList } from './list.ts';
import { raceScenario } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  switch (IoControlCodeOf(k, Irp)) {
    case IOCTL_RACE_PEND:
      return yield* StartPacket(k, DeviceObject, Irp);
    case IOCTL_RACE_COMPLETE:
      return yield* CompleteRequest(k, Irp, yield* HardwareDone(k, DeviceObject), 0);
    default:
      return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  }
}

/** IoStartPacket by hand: cancelable under the cancel spin lock, then current or queued */
function* StartPacket(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  yield* k.IoMarkIrpPending(Irp);
  const oldIrql = yield* k.IoAcquireCancelSpinLock();
  if (Irp.Cancel) {
    yield* k.IoReleaseCancelSpinLock(oldIrql);
    yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
    return STATUS_PENDING;
  }
  yield* k.IoSetCancelRoutine(Irp, Race_CancelRoutine);
  if (DeviceObject.CurrentIrp !== null) {
    InsertTailList(DeviceExtensionOf(DeviceObject).PendingQueue, IrpListEntry(Irp));
    yield* k.IoReleaseCancelSpinLock(oldIrql);
    return STATUS_PENDING;
  }
  DeviceObject.CurrentIrp = Irp;
  yield* k.IoReleaseCancelSpinLock(oldIrql);
  yield* Race_StartIo(k, DeviceObject, Irp);
  return STATUS_PENDING;
}

/** spec §2.6: re-check CurrentIrp, clear the routine, test Cancel, then start the hardware */
function* Race_StartIo(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  const oldIrql = yield* k.IoAcquireCancelSpinLock();
  if (Irp !== DeviceObject.CurrentIrp) {
    yield* k.IoReleaseCancelSpinLock(oldIrql);
    return;
  }
  yield* k.IoSetCancelRoutine(Irp, null);
  if (Irp.Cancel) {
    DeviceObject.CurrentIrp = null;
    yield* k.IoReleaseCancelSpinLock(oldIrql);
    yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
    return;
  }
  DeviceExtensionOf(DeviceObject).PendingIrp = Irp; // the hardware now works on it
  yield* k.IoReleaseCancelSpinLock(oldIrql);
}

function* Race_CancelRoutine(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  if (Irp === DeviceObject.CurrentIrp) {
    // StartIo will see Irp->Cancel and complete it (spec §2.4)
    // BUG (§8 item 10): returns without IoReleaseCancelSpinLock(Irp->CancelIrql)
    return;
  }
  RemoveEntryList(IrpListEntry(Irp));
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
}

/** the hardware finished the IRP StartIo gave it (one request at a time: nothing to start next) */
function* HardwareDone(k: KernelContext, DeviceObject: DEVICE_OBJECT): Routine<number> {
  const devExt = DeviceExtensionOf(DeviceObject);
  const oldIrql = yield* k.IoAcquireCancelSpinLock();
  const Irp = devExt.PendingIrp;
  if (Irp !== null) DeviceObject.CurrentIrp = devExt.PendingIrp = null;
  yield* k.IoReleaseCancelSpinLock(oldIrql);
  if (Irp === null) return STATUS_NOT_FOUND;
  yield* CompleteRequest(k, Irp, STATUS_SUCCESS, 0);
  return STATUS_SUCCESS;
}

export default raceScenario({
  race: '10',
  slug: 'cancel-routine-holds-lock',
  description: 'the cancel routine returns without releasing the cancel spin lock when the IRP is the current one',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: function* (w: Win32Context, app: RaceApp) {
    yield* Startup(w, app);
    yield* w.CloseHandle(yield* StartThread(w, CancelFromAnotherThread, app));
    yield* w.CloseHandle(yield* StartThread(w, CompleteFromAnotherThread, app));
    if (yield* IssueRequest(w, app)) yield* WaitForRequest(w, app, 10_000);
    yield* Shutdown(w, app);
    return 0;
  },
  expected: { kind: 'bugcheck', name: 'DRIVER_RETURNED_HOLDING_CANCEL_LOCK', code: 0x11b },
});
