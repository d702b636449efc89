// One small driver per verifier rule the kernel implements (spec/kernel.md §6), each with a `bug`
// switch: with it the driver breaks exactly that rule, without it the driver does the same job
// correctly. Used by verifier.test.ts.
import {
  type DeferredRoutine,
  type DEVICE_OBJECT,
  type DriverEntry,
  ERROR_IO_PENDING,
  Executive,
  IRP_MJ_CLEANUP,
  IRP_MJ_DEVICE_CONTROL,
  type IRP,
  KernelMode,
  type KernelContext,
  type KSPIN_LOCK,
  NotificationEvent,
  type Routine,
  STATUS_CANCELLED,
  STATUS_INVALID_PARAMETER,
  STATUS_PENDING,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
  type ThreadBody,
} from '../../index.ts';
import { complete, type Expected, finish, IOCTL_0, issue, openDevice, testDriver } from './harness.ts';

export interface RuleCase {
  /** the rule, as the end of a sentence: "a driver that … gets …" */
  rule: string;
  expected: Expected;
  /** a fatal finding ends the run and comes first; a non-fatal one is recorded and the run goes on */
  fatal: boolean;
  driver(bug: boolean): DriverEntry;
  main?: ThreadBody<unknown>;
}

type Ioctl = (k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP, bug: boolean) => Routine<number>;

/** a driver whose IRP_MJ_DEVICE_CONTROL is `ioctl`, with a spin lock in the device extension */
export function driverWith(ioctl: Ioctl, cleanup?: Ioctl): (bug: boolean) => DriverEntry {
  return (bug) =>
    testDriver({
      init: function* (k, DeviceObject) {
        DeviceObject.DeviceExtension.lock = k.KeInitializeSpinLock();
      },
      dispatch: {
        [IRP_MJ_DEVICE_CONTROL]: function* DispatchIoctl(k, DeviceObject, Irp) {
          return yield* ioctl(k, DeviceObject, Irp, bug);
        },
        ...(cleanup === undefined
          ? {}
          : {
              [IRP_MJ_CLEANUP]: function* DispatchCleanup(k, DeviceObject, Irp) {
                return yield* cleanup(k, DeviceObject, Irp, bug);
              },
            }),
      },
    });
}

export const lockOf = (d: DEVICE_OBJECT) => d.DeviceExtension.lock as KSPIN_LOCK;

/** mark pending and let a DPC finish the request (the DPC's DeferredContext is the IRP) */
export function* pendToDpc(k: KernelContext, Irp: IRP, routine: DeferredRoutine): Routine<number> {
  yield* k.IoMarkIrpPending(Irp);
  const dpc = k.KeInitializeDpc(null, routine, Irp);
  yield* k.KeInsertQueueDpc(dpc, null, null);
  return STATUS_PENDING;
}

/** a cancel routine that does its duties (§2.4); `forgetRelease` leaves the cancel spin lock held */
function cancelRoutine(forgetRelease: boolean) {
  return function* TestCancel(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
    if (!forgetRelease) yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
    if (DeviceObject.DeviceExtension.held === Irp) DeviceObject.DeviceExtension.held = null;
    yield* complete(k, Irp, STATUS_CANCELLED);
  };
}
const TestCancel = cancelRoutine(false);

function* defaultMain(w: Parameters<ThreadBody<unknown>>[0]): Routine<number> {
  const h = yield* openDevice(w);
  const r = yield* issue(w, h, IOCTL_0);
  if (!r.ok && r.error === ERROR_IO_PENDING) yield* finish(w, h, r);
  yield* w.CloseHandle(h);
  return 0;
}

function* cancelMain(w: Parameters<ThreadBody<unknown>>[0]): Routine<number> {
  const h = yield* openDevice(w);
  const r = yield* issue(w, h, IOCTL_0);
  yield* w.CancelIoEx(h, r.ov);
  yield* finish(w, h, r);
  yield* w.CloseHandle(h);
  return 0;
}

/** waits 10 s for a cancelled request, then closes the handle (the driver's cleanup completes it) */
function* cancelThenCloseMain(w: Parameters<ThreadBody<unknown>>[0]): Routine<number> {
  const h = yield* openDevice(w);
  const r = yield* issue(w, h, IOCTL_0);
  yield* w.CancelIoEx(h, r.ov);
  yield* w.GetOverlappedResultEx(h, r.ov, null, 10_000, false);
  yield* w.CloseHandle(h);
  return 0;
}

const C9 = (subcode: number): Expected => ({ kind: 'bugcheck', name: 'DRIVER_VERIFIER_IOMANAGER_VIOLATION', code: 0xc9, subcode });
const C9nonFatal = (subcode: number): Expected => ({ kind: 'verifier', name: 'DRIVER_VERIFIER_IOMANAGER_VIOLATION', code: 0xc9, subcode });

export const ruleCases: readonly RuleCase[] = [
  {
    rule: 'completes an IRP twice from its DPC gets 0x44 MULTIPLE_IRP_COMPLETE_REQUESTS (§1.5 step 1)',
    expected: { kind: 'bugcheck', name: 'MULTIPLE_IRP_COMPLETE_REQUESTS', code: 0x44 },
    fatal: true,
    driver: driverWith(function* (k, _d, Irp, bug) {
      return yield* pendToDpc(k, Irp, function* CompleteDpc(k, _dpc, ctx) {
        yield* complete(k, ctx as IRP, STATUS_SUCCESS);
        if (bug) yield* complete(k, ctx as IRP, STATUS_SUCCESS);
      });
    }),
  },
  {
    rule: 'sets a cancel routine on an IRP it already completed, which is then cancelled, gets 0x48 CANCEL_STATE_IN_COMPLETED_IRP (§2.3 step 4a)',
    expected: { kind: 'bugcheck', name: 'CANCEL_STATE_IN_COMPLETED_IRP', code: 0x48 },
    fatal: true,
    driver: driverWith(function* (k, _d, Irp, bug) {
      return yield* pendToDpc(k, Irp, function* CompleteDpc(k, _dpc, ctx) {
        const irp = ctx as IRP;
        yield* complete(k, irp, STATUS_SUCCESS);
        if (!bug) return;
        yield* k.IoSetCancelRoutine(irp, TestCancel);
        yield* k.IoCancelIrp(irp);
      });
    }),
  },
  {
    rule: 'returns from its cancel routine holding the cancel spin lock gets 0x11B DRIVER_RETURNED_HOLDING_CANCEL_LOCK (§2.4)',
    expected: { kind: 'bugcheck', name: 'DRIVER_RETURNED_HOLDING_CANCEL_LOCK', code: 0x11b },
    fatal: true,
    driver: driverWith(function* (k, d, Irp, bug) {
      yield* k.IoMarkIrpPending(Irp);
      d.DeviceExtension.held = Irp;
      yield* k.IoSetCancelRoutine(Irp, cancelRoutine(bug));
      return STATUS_PENDING;
    }),
    main: cancelMain,
  },
  {
    rule: 'completes an IRP with STATUS_PENDING gets 0xC9/0x06 (§6.2)',
    expected: C9(0x06),
    fatal: true,
    driver: driverWith(function* (k, _d, Irp, bug) {
      Irp.IoStatus.Status = bug ? STATUS_PENDING : STATUS_SUCCESS;
      yield* k.IoCompleteRequest(Irp, 0);
      return STATUS_SUCCESS;
    }),
  },
  {
    rule: 'completes an IRP without clearing its cancel routine gets 0xC9/0x07 (§6.2, §8 race 6)',
    expected: C9(0x07),
    fatal: true,
    driver: driverWith(function* (k, _d, Irp, bug) {
      yield* k.IoSetCancelRoutine(Irp, TestCancel);
      return yield* pendToDpc(k, Irp, function* CompleteDpc(k, _dpc, ctx) {
        const irp = ctx as IRP;
        if (!bug && (yield* k.IoSetCancelRoutine(irp, null)) === null) return;
        yield* complete(k, irp, STATUS_SUCCESS);
      });
    }),
  },
  {
    rule: 'returns a status other than the one it completed the IRP with gets 0xC9/0x224 (§1.3)',
    expected: C9(0x224),
    fatal: true,
    driver: driverWith(function* (k, _d, Irp, bug) {
      const status = yield* complete(k, Irp, STATUS_SUCCESS);
      return bug ? STATUS_UNSUCCESSFUL : status;
    }),
  },
  {
    rule: 'returns STATUS_SUCCESS without completing or pending the IRP gets 0xC9/0x226 (§1.3)',
    expected: C9(0x226),
    fatal: true,
    driver: driverWith(function* (k, _d, Irp, bug) {
      if (!bug) yield* complete(k, Irp, STATUS_SUCCESS);
      return STATUS_SUCCESS;
    }),
  },
  {
    rule: 'returns STATUS_PENDING without IoMarkIrpPending gets the non-fatal 0xC9/0x23D (§1.3, §8 race 8a)',
    expected: C9nonFatal(0x23d),
    fatal: false,
    driver: driverWith(function* (k, _d, Irp, bug) {
      if (!bug) yield* k.IoMarkIrpPending(Irp);
      const dpc = k.KeInitializeDpc(null, function* CompleteDpc(k, _dpc, ctx) {
        yield* complete(k, ctx as IRP, STATUS_SUCCESS);
      }, Irp);
      yield* k.KeInsertQueueDpc(dpc, null, null);
      return STATUS_PENDING;
    }),
  },
  {
    rule: 'marks an IRP pending and returns an error gets the non-fatal 0xC9/0x23E (§1.3, §8 race 8b)',
    expected: C9nonFatal(0x23e),
    fatal: false,
    driver: driverWith(function* (k, _d, Irp, bug) {
      if (bug) yield* k.IoMarkIrpPending(Irp);
      return yield* complete(k, Irp, STATUS_INVALID_PARAMETER);
    }),
  },
  {
    rule: 'returns from its dispatch routine still holding a spin lock gets 0xC9/0x05, IRQL changed (§6.2)',
    expected: C9(0x05),
    fatal: true,
    driver: driverWith(function* (k, d, Irp, bug) {
      const old = yield* k.KeAcquireSpinLock(lockOf(d));
      d.DeviceExtension.count = ((d.DeviceExtension.count as number | undefined) ?? 0) + 1;
      if (!bug) yield* k.KeReleaseSpinLock(lockOf(d), old);
      return yield* complete(k, Irp, STATUS_SUCCESS);
    }),
  },
  {
    rule: 'touches an IRP after completing it (marks it pending too late) gets 0xD5, use after free (§6.1, §8 race 7)',
    expected: { kind: 'bugcheck', name: 'DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL', code: 0xd5 },
    fatal: true,
    driver: driverWith(function* (k, _d, Irp, bug) {
      const status = yield* complete(k, Irp, STATUS_SUCCESS);
      if (bug) yield* k.IoMarkIrpPending(Irp);
      return status;
    }),
  },
  {
    rule: 'dereferences NULL in its dispatch routine gets 0x1E KMODE_EXCEPTION_NOT_HANDLED (§6.1)',
    expected: { kind: 'bugcheck', name: 'KMODE_EXCEPTION_NOT_HANDLED', code: 0x1e },
    fatal: true,
    driver: driverWith(function* (k, d, Irp, bug) {
      const ext = (bug ? null : d.DeviceExtension) as Record<string, number>;
      ext.count = (ext.count ?? 0) + 1;
      return yield* complete(k, Irp, STATUS_SUCCESS);
    }),
  },
  {
    rule: 'waits on an event while holding a spin lock gets 0x0A IRQL_NOT_LESS_OR_EQUAL',
    expected: { kind: 'bugcheck', name: 'IRQL_NOT_LESS_OR_EQUAL', code: 0x0a },
    fatal: true,
    driver: driverWith(function* (k, d, Irp, bug) {
      const ev = k.KeInitializeEvent(null, NotificationEvent, false);
      if (!bug) yield* k.KeWaitForSingleObject(ev, Executive, KernelMode, false, -100_000);
      const old = yield* k.KeAcquireSpinLock(lockOf(d));
      if (bug) yield* k.KeWaitForSingleObject(ev, Executive, KernelMode, false, -100_000);
      yield* k.KeReleaseSpinLock(lockOf(d), old);
      return yield* complete(k, Irp, STATUS_SUCCESS);
    }),
  },
  {
    rule: 're-acquires a spin lock it already holds gets SPIN_LOCK_ALREADY_OWNED (it would spin forever)',
    expected: { kind: 'deadlock', name: 'SPIN_LOCK_ALREADY_OWNED' },
    fatal: true,
    driver: driverWith(function* (k, d, Irp, bug) {
      const old = yield* k.KeAcquireSpinLock(lockOf(d));
      if (bug) yield* k.KeAcquireSpinLock(lockOf(d));
      yield* k.KeReleaseSpinLock(lockOf(d), old);
      return yield* complete(k, Irp, STATUS_SUCCESS);
    }),
  },
  {
    rule: 'ignores the cancel of a pending IRP (no cancel routine) gets the non-fatal 0xC4/0x135 (§3.4, §8 race 15)',
    expected: { kind: 'verifier', name: 'DRIVER_VERIFIER_DETECTED_VIOLATION', code: 0xc4, subcode: 0x135 },
    fatal: false,
    driver: driverWith(
      function* (k, d, Irp, bug) {
        yield* k.IoMarkIrpPending(Irp);
        d.DeviceExtension.held = Irp;
        if (!bug) yield* k.IoSetCancelRoutine(Irp, TestCancel);
        return STATUS_PENDING;
      },
      function* (k, d, Irp, bug) {
        // cleanup (§3.7): whoever clears the cancel routine owns the IRP; with no routine ever set, we do
        const held = d.DeviceExtension.held as IRP | null;
        d.DeviceExtension.held = null;
        if (held !== null && ((yield* k.IoSetCancelRoutine(held, null)) !== null || bug)) yield* complete(k, held, STATUS_CANCELLED);
        return yield* complete(k, Irp, STATUS_SUCCESS);
      },
    ),
    main: cancelThenCloseMain,
  },
];

export { defaultMain };
