// spec/kernel.md §8 item 16, OVERLAPPED reuse after cancel: the UI thread calls CancelIoEx on the
// worker's request and at once reissues it with the same OVERLAPPED ("retry"). CancelIoEx does not
// wait: the cancel routine completed the IRP, but stage B — which writes Internal/InternalHigh and
// sets the event — is a kernel APC still queued to the worker thread. Application Verifier:
// OVERLAPPED_REUSED_WHILE_PENDING. The driver is the correct one (spec §2.5).
import { type DEVICE_OBJECT, type IRP, type KernelContext, type Ref, type Routine, STATUS_INVALID_DEVICE_REQUEST, type Win32Context } from '../../index.ts';
import { type RaceApp, IssueRequest, RETRIES, Shutdown, StartThread, Startup, WaitForRequest } from './app.ts';
import { CompleteRequest, DeviceExtensionOf, InsertPendingIrp, IOCTL_RACE_PEND, IoControlCodeOf, RaceDriver } from './driver.ts';
import { raceScenario } from './scenario.ts';

function* Race_DispatchDeviceControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  if (IoControlCodeOf(k, Irp) === IOCTL_RACE_PEND) return yield* InsertPendingIrp(k, DeviceExtensionOf(DeviceObject), Irp);
  return yield* CompleteRequest(k, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

function* Worker(w: Win32Context, app: RaceApp): Routine<number> {
  if (yield* IssueRequest(w, app)) yield* WaitForRequest(w, app, 10_000);
  return 0;
}

export default raceScenario({
  race: '16',
  slug: 'overlapped-reuse-after-cancel',
  description: 'the application reuses an OVERLAPPED right after CancelIoEx, before the cancelled request has completed',
  driver: RaceDriver({ DeviceControl: Race_DispatchDeviceControl }),
  main: function* (w: Win32Context, app: RaceApp) {
    yield* Startup(w, app);
    const hWorker = yield* StartThread(w, Worker, app);
    for (let i = 0; i < RETRIES; i++) {
      if (yield* w.CancelIoEx(app.hDevice, app.ol)) {
        // BUG (§8 item 16): the cancelled request may still be pending; wait for it first
        // (GetOverlappedResult(hDevice, &ol, &n, TRUE)) before handing the OVERLAPPED out again
        if (yield* IssueRequest(w, app)) {
          yield* w.CancelIoEx(app.hDevice, app.ol);
          const dwReturn: Ref<number> = { value: 0 };
          yield* w.GetOverlappedResult(app.hDevice, app.ol, dwReturn, true);
        }
        break;
      }
      yield* w.Sleep(0);
    }
    yield* w.WaitForSingleObject(hWorker, 20_000);
    yield* w.CloseHandle(hWorker);
    yield* Shutdown(w, app);
    return 0;
  },
  expected: { kind: 'appverifier', name: 'OVERLAPPED_REUSED_WHILE_PENDING' },
});
