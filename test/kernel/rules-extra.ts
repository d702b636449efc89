// More verifier rules the kernel implements (spec/kernel.md §1.2, §1.6, §6.1, §6.2) and the
// engine's check that every DDI call is entered with yield*, in the same form as rules.ts: each
// driver breaks exactly one rule when `bug` is set and does the same job correctly otherwise.
import { type DeferredRoutine, type IRP, STATUS_PENDING, STATUS_SUCCESS } from '../../index.ts';
import { complete } from './harness.ts';
import { driverWith, lockOf, pendToDpc, type RuleCase } from './rules.ts';

export const moreRuleCases: readonly RuleCase[] = [
  {
    rule: 'forwards an IRP with IoCallDriver when no stack location is left gets 0x35 NO_MORE_IRP_STACK_LOCATIONS (§1.2 step 1)',
    expected: { kind: 'bugcheck', name: 'NO_MORE_IRP_STACK_LOCATIONS', code: 0x35 },
    fatal: true,
    driver: driverWith(function* (k, d, Irp, bug) {
      if (bug) return yield* k.IoCallDriver(d, Irp);
      return yield* complete(k, Irp, STATUS_SUCCESS);
    }),
  },
  {
    rule: 'releases a spin lock it no longer holds gets 0xC4/0x32 (§6.1)',
    expected: { kind: 'bugcheck', name: 'DRIVER_VERIFIER_DETECTED_VIOLATION', code: 0xc4, subcode: 0x32 },
    fatal: true,
    driver: driverWith(function* (k, d, Irp, bug) {
      const old = yield* k.KeAcquireSpinLock(lockOf(d));
      yield* k.KeReleaseSpinLock(lockOf(d), old);
      if (bug) yield* k.KeReleaseSpinLock(lockOf(d), old);
      return yield* complete(k, Irp, STATUS_SUCCESS);
    }),
  },
  {
    rule: 'completes a METHOD_BUFFERED request with Information larger than the buffer gets the non-fatal 0xC9/0x312 (§1.6 step 1)',
    expected: { kind: 'verifier', name: 'DRIVER_VERIFIER_IOMANAGER_VIOLATION', code: 0xc9, subcode: 0x312 },
    fatal: false,
    driver: driverWith(function* (k, _d, Irp, bug) {
      const out = k.IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.OutputBufferLength;
      Irp.AssociatedIrp.SystemBuffer!.fill(0x11, 0, out);
      return yield* complete(k, Irp, STATUS_SUCCESS, bug ? out * 4 : out);
    }),
  },
  {
    rule: 'calls k.KeInsertQueueDpc without yield* (so nothing is queued) gets FORGOTTEN_YIELD_STAR',
    expected: { kind: 'determinism', name: 'FORGOTTEN_YIELD_STAR' },
    fatal: true,
    driver: driverWith(function* (k, _d, Irp, bug) {
      const routine: DeferredRoutine = function* CompleteDpc(k, _dpc, ctx) {
        yield* complete(k, ctx as IRP, STATUS_SUCCESS);
      };
      if (!bug) return yield* pendToDpc(k, Irp, routine);
      yield* k.IoMarkIrpPending(Irp);
      k.KeInsertQueueDpc(k.KeInitializeDpc(null, routine, Irp), null, null);
      return STATUS_PENDING;
    }),
  },
];
