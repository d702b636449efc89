// spec/kernel.md §8 item 3, dequeue vs. cancel: the hardware thread's IOCTL_RACE_COMPLETE takes
// the IRP off the queue under the queue lock while IoCancelIrp (CancelIoEx thread) has called the
// cancel routine, which dropped the cancel spin lock and spins on the queue lock; the dequeuer clears
// the cancel routine but ignores that it got NULL back, and completes; the cancel routine then
// unlinks the stale entry and completes again: 0x44, or a use after free once stage B freed it.
import { type KernelContext, type Routine, STATUS_NOT_FOUND, STATUS_SUCCESS } from '../../index.ts';
import { CompleteWhileCancelling } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, InsertPendingIrp, RaceDriver, PendOrComplete } from './driver.ts';
import { CONTAINING_RECORD, IsListEmpty, RemoveHeadList } from './list.ts';
import { raceScenario, USE_AFTER_FREE } from './scenario.ts';

/** the hardware finished the oldest request: complete it with its data */
function* HardwareDone(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  if (IsListEmpty(devExt.PendingQueue)) {
    yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
    return STATUS_NOT_FOUND;
  }
  const PendingIrp = CONTAINING_RECORD(RemoveHeadList(devExt.PendingQueue));
  // BUG (§8 item 3): the previous routine is ignored — NULL means IoCancelIrp already took it and
  // the cancel routine owns the IRP (it is spinning on QueueLock right now)
  yield* k.IoSetCancelRoutine(PendingIrp, null);
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  yield* CompleteRequest(k, PendingIrp, STATUS_SUCCESS, 0);
  return STATUS_SUCCESS;
}

export default raceScenario({
  race: '3',
  slug: 'dequeue-vs-cancel',
  description: 'the completion path dequeues the IRP and ignores that IoSetCancelRoutine(NULL) returned NULL',
  driver: RaceDriver({ DeviceControl: PendOrComplete(InsertPendingIrp, HardwareDone) }),
  main: CompleteWhileCancelling,
  expected: USE_AFTER_FREE,
});
