
import type { KernelContext } from './context.ts';
import { contextOf } from './context.ts';
import type { DEVICE_OBJECT } from './iomgr.ts';
import type { IRP, IrpState } from './irp.ts';
import { C4 } from './bugcheck.ts';
import { cancelWindow } from './coverage.ts';
import type { NtSystem } from './system.ts';
import { acquireSpinLock, releaseSpinLock } from './locks.ts';
import { type Routine, sp } from './wait.ts';

export type CancelRoutine = (k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP) => Routine<void>;

export function* IoSetCancelRoutine(k: KernelContext, Irp: IRP, CancelRoutine: CancelRoutine | null): Routine<CancelRoutine | null> {
  yield* sp(k.sys, k.thread, 'IoSetCancelRoutine', Irp.s.label);
  const s = Irp.touch('IoSetCancelRoutine');
  const old = s.cancelRoutine as CancelRoutine | null;
  s.cancelRoutine = CancelRoutine;
  if (CancelRoutine !== null && s.cancel) k.sys.cover('cancel routine set after Irp->Cancel');
  // After setting a routine a driver reads Irp->Cancel, a plain read with no scheduling point of its
  // own: this point after the exchange is that read's, the window of §8 race 2 (IoCancelIrp takes
  // the routine and calls it between the driver's set and its test).
  if (CancelRoutine !== null) yield* sp(k.sys, k.thread, 'IoSetCancelRoutine.return', s.label);
  return old;
}

/**
 * `byIoManager`: the I/O manager cancelling requests it tracks (CancelIo, CancelIoEx, thread
 * rundown). It holds its own reference on the lists it walks, so a request that completed and was
 * freed meanwhile is skipped instead of touched (a driver's IoCancelIrp on a freed IRP is a
 * use-after-free finding).
 */
export function* IoCancelIrp(k: KernelContext, Irp: IRP, byIoManager = false): Routine<boolean> {
  const { sys, thread: t } = k;
  const oldIrql = yield* acquireSpinLock(sys, t, sys.cancelLock, 'IoCancelIrp');
  if (byIoManager && Irp.s.phase === 'freed') {
    yield* releaseSpinLock(sys, t, sys.cancelLock, oldIrql, 'IoReleaseCancelSpinLock');
    return false;
  }
  const s = Irp.touch('IoCancelIrp');
  s.cancel = true;
  if (s.cancelRequestedAtMs === null) {
    s.cancelRequestedAtMs = sys.engine.nowMs;
    watchCancel(sys, s);
  }
  sys.engine.note('irp:state', 'cancel', s.id);
  sys.cover(cancelWindow(s));
  yield* sp(sys, t, 'IoCancelIrp.exchange', s.label);
  if (byIoManager && s.phase === 'freed') {
    yield* releaseSpinLock(sys, t, sys.cancelLock, oldIrql, 'IoReleaseCancelSpinLock');
    return false;
  }
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
  s.cancelRoutineRunning = true;
  s.cancellingThread = t;
  try {
    yield* routine(contextOf(sys, t), device!, Irp);
  } catch (e) {
    throw sys.kernelException(e, `cancel routine ${routine.name || ''}`, s.id);
  } finally {
    s.cancelRoutineRunning = false;
    s.cancellingThread = null;
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


/**
 * Driver Verifier's 0xC4/0x135, "canceled IRP did not complete in the expected time": the allowed
 * time is not documented (spec/kernel.md §6.1); irpsim allows CANCEL_COMPLETION_MS of virtual time.
 */
export const CANCEL_COMPLETION_MS = 5_000;

function watchCancel(sys: NtSystem, s: IrpState): void {
  sys.engine.setTimer(CANCEL_COMPLETION_MS, `verifier: ${s.label} cancelled ${CANCEL_COMPLETION_MS} ms ago`, () => {
    if (s.completedStatus !== null || s.internalDone !== null || s.stuckCancelReported) return;
    s.stuckCancelReported = true;
    sys.engine.report({
      kind: 'verifier',
      code: 0xc4,
      subcode: C4.CANCELED_IRP_NOT_COMPLETED,
      name: 'DRIVER_VERIFIER_DETECTED_VIOLATION',
      message: `${s.label} was cancelled at ${s.cancelRequestedAtMs} ms and is still not completed ${CANCEL_COMPLETION_MS} ms later: the cancel was lost or the driver ignores it`,
      irp: s.id,
      thread: s.thread?.name ?? '-',
    });
  });
}
