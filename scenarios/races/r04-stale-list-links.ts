// spec/kernel.md §8 item 4, stale list links: two requests are queued; the hardware thread dequeues
// the first while its cancel routine (CancelIoEx on it) waits for the queue lock, correctly leaves
// it to the cancel routine — but without InitializeListHead on its entry — and then dequeues and
// completes the second. The cancel routine's RemoveEntryList writes through the first entry's stale
// links and puts the completed second IRP back at the head of the queue; the next dequeue touches
// it after it was freed.
import { type KernelContext, OVERLAPPED, type Routine, STATUS_NOT_FOUND, STATUS_SUCCESS, type Win32Context } from '../../index.ts';
import { type RaceApp, CancelFirstFromAnotherThread, HardwareSends, IssueRequest, Shutdown, StartThread, Startup, WaitForRequest } from './app.ts';
import { CompleteRequest, type DEVICE_EXTENSION, InsertPendingIrp, IOCTL_RACE_COMPLETE, RaceDriver, PendOrComplete } from './driver.ts';
import { CONTAINING_RECORD, IsListEmpty, RemoveHeadList } from './list.ts';
import { raceScenario, USE_AFTER_FREE } from './scenario.ts';

/** the hardware finished the oldest request the driver still owns */
function* HardwareDone(k: KernelContext, devExt: DEVICE_EXTENSION): Routine<number> {
  const oldIrql = yield* k.KeAcquireSpinLock(devExt.QueueLock);
  while (!IsListEmpty(devExt.PendingQueue)) {
    const PendingIrp = CONTAINING_RECORD(RemoveHeadList(devExt.PendingQueue));
    if ((yield* k.IoSetCancelRoutine(PendingIrp, null)) !== null) {
      yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
      yield* CompleteRequest(k, PendingIrp, STATUS_SUCCESS, 0);
      return STATUS_SUCCESS;
    }
    // the cancel routine owns it and will RemoveEntryList it once it gets the lock
    // BUG (§8 item 4): no InitializeListHead(&PendingIrp->Tail.Overlay.ListEntry): its Flink and
    // Blink still point into the queue, which changes before the cancel routine runs
  }
  yield* k.KeReleaseSpinLock(devExt.QueueLock, oldIrql);
  return STATUS_NOT_FOUND;
}

/** the hardware finishes up to three requests */
function* HardwareThread(w: Win32Context, _app: RaceApp): Routine<number> {
  return yield* HardwareSends(w, IOCTL_RACE_COMPLETE, 3);
}

export default raceScenario({
  race: '4',
  slug: 'stale-list-links',
  description: 'the dequeuer backs off from a cancelled IRP without re-initializing its list entry; the cancel routine unlinks it later',
  driver: RaceDriver({ DeviceControl: PendOrComplete(InsertPendingIrp, HardwareDone) }),
  main: function* (w: Win32Context, app: RaceApp) {
    yield* Startup(w, app);
    const second = new OVERLAPPED();
    second.hEvent = yield* w.CreateEvent(null, true, false, null);
    if ((yield* IssueRequest(w, app)) && (yield* IssueRequest(w, app, second))) {
      yield* w.CloseHandle(yield* StartThread(w, CancelFirstFromAnotherThread, app));
      yield* w.CloseHandle(yield* StartThread(w, HardwareThread, app));
      yield* WaitForRequest(w, app, 10_000);
      yield* WaitForRequest(w, app, 10_000, second);
    }
    yield* w.CloseHandle(second.hEvent);
    yield* Shutdown(w, app);
    return 0;
  },
  expected: USE_AFTER_FREE,
});
