// spec/kernel.md §8 item 7, mark pending too late: the dispatch routine queues the IRP and drops
// the queue lock, and only then calls IoMarkIrpPending. In between, the hardware thread dequeues and
// completes it; stage B runs as a kernel APC in the requesting thread — this very thread, at
// PASSIVE_LEVEL, so at its next instruction boundary — and frees the IRP; IoMarkIrpPending then
// writes freed memory: a use after free (0xD5 with special pool).
import { type IRP, type KernelContext, type Routine, STATUS_CANCELLED, STATUS_NOT_FOUND, STATUS_PENDING, STATUS_SUCCESS, type Win32Context } from '../../index.ts';
import { type RaceApp, CompleteFromAnotherThread, IssueRequest, Shutdown, StartThread, Startup, WaitForRequest } from './app.ts';
import {
  CompleteRequest,
  type DEVICE_EXTENSION,
  Race_CancelRoutine,
  RaceDriver,
  RemoveNextPendingIrp,
  PendOrComplete,
} from './driver.ts';
import { InsertTailList, IrpListEntry, RemoveEntryList } from './list.ts';
import { raceScenario, USE_AFTER_FREE } from './scenario.ts';

function* QueuePendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  InsertTailList(devExt.PendingQueue, IrpListEntry(Irp));
  yield* k.IoSetCancelRoutine(Irp, Race_CancelRoutine);
  if (Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
    RemoveEntryList(IrpListEntry(Irp));
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    return yield* CompleteRequest(k, Irp, STATUS_CANCELLED, 0);
  }
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  // BUG (§8 item 7): marked after the IRP became reachable by the hardware thread; must be done
  // before InsertTailList, under the lock (SDV MarkingQueuedIrps)
  yield* k.IoMarkIrpPending(Irp);
  return STATUS_PENDING;
}

/** the hardware finished the oldest request (§2.5 dequeue: correct) */
function* HardwareDone(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  const PendingIrp = yield* RemoveNextPendingIrp(k, devExt);
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  if (PendingIrp === null) return STATUS_NOT_FOUND;
  yield* CompleteRequest(k, PendingIrp, STATUS_SUCCESS, 0);
  return STATUS_SUCCESS;
}

export default raceScenario({
  race: '7',
  slug: 'mark-pending-too-late',
  description: 'the dispatch routine calls IoMarkIrpPending after releasing the lock that made the IRP visible',
  driver: RaceDriver({ DeviceControl: PendOrComplete(QueuePendingIrp, HardwareDone) }),
  main: function* (w: Win32Context, app: RaceApp) {
    yield* Startup(w, app);
    yield* w.CloseHandle(yield* StartThread(w, CompleteFromAnotherThread, app));
    if (yield* IssueRequest(w, app)) yield* WaitForRequest(w, app, 10_000);
    yield* Shutdown(w, app);
    return 0;
  },
  expected: USE_AFTER_FREE,
});
