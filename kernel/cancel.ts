// Cancellation (spec/kernel.md §2.2–2.4 and §3): IoSetCancelRoutine as one atomic exchange,
// IoCancelIrp step for step (take the cancel spin lock, set Cancel, exchange the routine, call it
// holding the lock at DISPATCH_LEVEL, or release and return FALSE), with 0x48 for a routine left on
// a completed IRP and 0x11B when the routine returns holding the cancel lock. Between setting
// Cancel and the exchange there is a scheduling point: that is where a driver's own exchange races.
import { fpWrite } from '../core/index.ts';
import type { KernelContext } from './context.ts';
import { contextOf } from './context.ts';
import type { IRP } from './irp.ts';
import { acquireSpinLock, releaseSpinLock } from './locks.ts';
import { type Routine, sp } from './wait.ts';

export type CancelRoutine = (k: KernelContext, DeviceObject: unknown, Irp: IRP) => Routine<void>;

export function* IoSetCancelRoutine(k: KernelContext, Irp: IRP, CancelRoutine: CancelRoutine | null): Routine<CancelRoutine | null> {
  yield* sp(k.sys, k.thread, 'IoSetCancelRoutine', Irp.s.label, [fpWrite(Irp.s.oid)]);
  const s = Irp.touch('IoSetCancelRoutine');
  const old = s.cancelRoutine as CancelRoutine | null;
  s.cancelRoutine = CancelRoutine;
  return old;
}

export function* IoCancelIrp(k: KernelContext, Irp: IRP): Routine<boolean> {
  const { sys, thread: t } = k;
  const oldIrql = yield* acquireSpinLock(sys, t, sys.cancelLock, 'IoCancelIrp');
  const s = Irp.touch('IoCancelIrp');
  s.cancel = true;
  s.cancelRequestedAtMs ??= sys.engine.nowMs;
  sys.engine.note('irp:state', 'cancel', s.id);
  yield* sp(sys, t, 'IoCancelIrp.exchange', s.label, [fpWrite(s.oid)]);
  const routine = Irp.touch('IoCancelIrp').cancelRoutine as CancelRoutine | null;
  s.cancelRoutine = null;
  if (routine === null) {
    yield* releaseSpinLock(sys, t, sys.cancelLock, oldIrql, 'IoReleaseCancelSpinLock');
    return false;
  }
  if (s.currentLocation > s.stackCount + 1) {
    sys.bugcheck('CANCEL_STATE_IN_COMPLETED_IRP', `${s.label} was completed with its cancel routine ${routine.name || ''} still set, then cancelled`, {
      irp: s.id,
    });
  }
  s.cancelIrql = oldIrql;
  const device = s.stack[Math.max(0, s.currentLocation - 1)]?.DeviceObject ?? s.device;
  t.kernelDepth++;
  try {
    yield* routine(contextOf(sys, t), device, Irp);
  } catch (e) {
    throw sys.kernelException(e, `cancel routine ${routine.name || ''}`, s.id);
  } finally {
    t.kernelDepth--;
  }
  if (sys.cancelLock.owner === t) {
    sys.bugcheck(
      'DRIVER_RETURNED_HOLDING_CANCEL_LOCK',
      `cancel routine ${routine.name || ''} returned without IoReleaseCancelSpinLock(Irp->CancelIrql) for ${s.label}`,
      { irp: s.id },
    );
  }
  return true;
}

