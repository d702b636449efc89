// spec/kernel.md §8 item 12, cleanup vs. cancel: the application closes its handle while CancelIoEx
// on another thread cancels the same request. IoCancelIrp calls the cancel routine, which drops the
// cancel spin lock and spins on the queue lock held by IRP_MJ_CLEANUP; cleanup moves the IRP to a
// local list, clears the routine without looking at the result, and completes it after unlocking;
// the cancel routine unlinks and completes it too: a use after free (or 0x44).
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS, type Win32Context } from '../../index.ts';
import { type RaceApp, CancelFromAnotherThread, IssueRequest, StartThread, Startup, WaitForRequest } from './app.ts';
import { CompleteRequest, DeviceExtensionOf, InsertPendingIrp, IOCTL_RACE_PEND, IoControlCodeOf, RaceDriver } from './driver.ts';
import { CONTAINING_RECORD, InsertTailList, IsListEmpty, NewListHead, RemoveEntryList, RemoveHeadList } from './list.ts';
import { raceScenario, USE_AFTER_FREE } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  if (IoControlCodeOf(k, Irp) === IOCTL_RACE_PEND) return yield* InsertPendingIrp(k, DeviceExtensionOf(DeviceObject), Irp);
  return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

/** the event sample's cleanup (spec §5.2 step 5): collect this file's IRPs, complete them unlocked */
function* Race_DispatchCleanup(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const devExt = DeviceExtensionOf(DeviceObject);
  const FileObject = k.IoGetCurrentIrpStackLocation(Irp).FileObject;
  const CancelList = NewListHead();
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  for (let Entry = devExt.PendingQueue.Flink; Entry !== devExt.PendingQueue; ) {
    const Next = Entry.Flink;
    const PendingIrp = CONTAINING_RECORD(Entry);
    if (k.IoGetCurrentIrpStackLocation(PendingIrp).FileObject === FileObject) {
      RemoveEntryList(Entry);
      // BUG (§8 item 12): NULL back means the cancel routine owns this IRP and waits for our lock;
      // cleanup must then leave it (self-linked) instead of completing it
      yield* k.IoSetCancelRoutine(PendingIrp, null);
      InsertTailList(CancelList, Entry);
    }
    Entry = Next;
  }
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  while (!IsListEmpty(CancelList)) {
    yield* CompleteRequest(k, CONTAINING_RECORD(RemoveHeadList(CancelList)), STATUS_CANCELLED, 0);
  }
  return yield* CompleteRequest(k, Irp, STATUS_SUCCESS, 0);
}

/** the worker: one request, then wait for it */
function* Worker(w: Win32Context, app: RaceApp): Routine<number> {
  if (yield* IssueRequest(w, app)) yield* WaitForRequest(w, app, 10_000);
  return 0;
}

export default raceScenario({
  race: '12',
  slug: 'cleanup-vs-cancel',
  description: 'IRP_MJ_CLEANUP completes a queued IRP whose cancel routine is already running',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl, Cleanup: Race_DispatchCleanup }),
  main: function* (w: Win32Context, app: RaceApp) {
    yield* Startup(w, app);
    const hWorker = yield* StartThread(w, Worker, app);
    yield* w.CloseHandle(yield* StartThread(w, CancelFromAnotherThread, app));
    yield* w.Sleep(0);
    yield* w.CloseHandle(app.hDevice); // the form closes while the worker's request is pending
    yield* w.WaitForSingleObject(hWorker, 20_000);
    yield* w.CloseHandle(hWorker);
    yield* w.CloseHandle(app.ol.hEvent);
    return 0;
  },
  expected: USE_AFTER_FREE,
});
