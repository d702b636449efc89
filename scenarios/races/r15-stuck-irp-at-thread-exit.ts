// spec/kernel.md §8 item 15, stuck IRP at thread exit: the driver queues requests with no cancel
// routine and completes them only when the hardware signals. The worker issues a request and exits;
// when the hardware's one signal came before the request was queued, nothing will ever complete it:
// the exiting worker sits in IoCancelThreadIo (5 minutes on Windows), the process looks hung, and
// Verifier reports 0xC4/0x135 for the cancelled IRP.
import { INFINITE, type IRP, type KernelContext, type Routine, STATUS_NOT_FOUND, STATUS_PENDING, STATUS_SUCCESS, type Win32Context } from '../../index.ts';
import { type RaceApp, CompleteOnceFromAnotherThread, IssueRequest, Shutdown, StartThread, Startup } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, RaceDriver, PendOrComplete } from './driver.ts';
import { CONTAINING_RECORD, InsertTailList, IrpListEntry, IsListEmpty, RemoveHeadList } from './list.ts';
import { raceScenario } from './scenario.ts';

function* QueuePendingIrp(k: KernelContext, devExt: DEVICE_EXTENSION, Irp: IRP): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  yield* k.IoMarkIrpPending(Irp);
  InsertTailList(devExt.PendingQueue, IrpListEntry(Irp));
  // BUG (§8 item 15): no cancel routine — "the hardware will complete it": IoCancelIrp (CancelIo,
  // thread exit, process exit) can do nothing for this IRP
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_PENDING;
}

function* HardwareDone(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  if (IsListEmpty(devExt.PendingQueue)) {
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    return STATUS_NOT_FOUND;
  }
  const PendingIrp = CONTAINING_RECORD(RemoveHeadList(devExt.PendingQueue));
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  yield* CompleteRequest(k, PendingIrp, STATUS_SUCCESS, 0);
  return STATUS_SUCCESS;
}

/** issues its request and ends without waiting for it */
function* Worker(w: Win32Context, app: RaceApp): Routine<number> {
  yield* IssueRequest(w, app);
  return 0;
}

export default raceScenario({
  race: '15',
  slug: 'stuck-irp-at-thread-exit',
  description: 'a request without a cancel routine outlives its thread: the exit waits in IoCancelThreadIo',
  driver: RaceDriver({ DeviceControl: PendOrComplete(QueuePendingIrp, HardwareDone) }),
  main: function* (w: Win32Context, app: RaceApp) {
    yield* Startup(w, app);
    const hWorker = yield* StartThread(w, Worker, app);
    yield* w.CloseHandle(yield* StartThread(w, CompleteOnceFromAnotherThread, app));
    yield* w.WaitForSingleObject(hWorker, INFINITE); // the worker "has finished" once it has exited
    yield* w.CloseHandle(hWorker);
    yield* Shutdown(w, app);
    return 0;
  },
  expected: { kind: 'hang', name: 'HANG', messageIncludes: 'IoCancelThreadIo' },
  deadlineMs: 20_000,
});
