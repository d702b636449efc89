// Waits (spec/usermode.md §2, spec/kernel.md §10 item 5): test, then block on every object with an
// optional timeout. Kernel APCs (stage B of completion) interrupt any wait at PASSIVE_LEVEL, run,
// and the wait resumes with what is left of its timeout; an alertable user-mode wait returns
// STATUS_USER_APC when a user APC is queued. Scheduling points (`sp`) deliver pending kernel APCs
// first, as a real thread takes an APC interrupt whenever its IRQL is below APC_LEVEL.
import { block, EMPTY_FOOTPRINT, type Footprint, Point, type Routine } from '../core/index.ts';
import { APC_LEVEL, DISPATCH_LEVEL, PASSIVE_LEVEL } from './constants.ts';
import { canSatisfy, consumeFor, type DispatcherObject, WaitBlock, type WakeReason } from './dispatcher.ts';
import { STATUS_TIMEOUT, STATUS_USER_APC } from './status.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';

export type { Routine };

/** a scheduling point of thread `t` before `op` takes effect; pending kernel APCs run first */
export function* sp(sys: NtSystem, t: KThread, op: string, data?: string | number, fp: Footprint = EMPTY_FOOTPRINT): Routine<void> {
  for (;;) {
    yield new Point(op, data, fp);
    if (t.kernelApcs.length === 0 || t.irql !== PASSIVE_LEVEL) return;
    yield* deliverKernelApcs(sys, t);
  }
}

export function* deliverKernelApcs(_sys: NtSystem, t: KThread): Routine<void> {
  while (t.kernelApcs.length > 0 && t.irql === PASSIVE_LEVEL) {
    const apc = t.kernelApcs.shift()!;
    t.irql = APC_LEVEL;
    t.kernelDepth++;
    try {
      yield* apc.routine();
    } finally {
      t.kernelDepth--;
      t.irql = PASSIVE_LEVEL;
    }
  }
}

/**
 * A wait that would block at DISPATCH_LEVEL or above: inside a DPC routine Windows bug-checks with
 * ATTEMPTED_SWITCH_FROM_DPC (0xB8, "a wait operation … was attempted from a DPC routine"); elsewhere
 * (e.g. holding a spin lock) irpsim reports IRQL_NOT_LESS_OR_EQUAL (0x0A).
 */
export function waitAtDispatch(sys: NtSystem, t: KThread, what: string): never {
  if (t.inDpc) sys.bugcheck('ATTEMPTED_SWITCH_FROM_DPC', `a DPC routine on ${t.name} waits (${what}): DPC routines must not wait`);
  return sys.bugcheck('IRQL_NOT_LESS_OR_EQUAL', `${t.name} waits (${what}) at IRQL ${t.irql}; waits need IRQL < DISPATCH_LEVEL`);
}

export interface WaitOptions {
  waitAll: boolean;
  alertable: boolean;
  /** user-mode waits can be ended by termination and by user APCs */
  userMode: boolean;
  /** milliseconds; null = forever */
  timeoutMs: number | null;
  /** what the thread waits for, in words (deadlock and hang reports) */
  reason: string;
}

/**
 * KeWaitForMultipleObjects: STATUS_WAIT_0 + i, STATUS_ABANDONED_WAIT_0 + i, STATUS_TIMEOUT or
 * STATUS_USER_APC. Waiting at DISPATCH_LEVEL or above is reported by the caller before this runs.
 */
export function* waitForObjects(
  sys: NtSystem,
  t: KThread,
  objects: readonly DispatcherObject[],
  o: WaitOptions,
): Routine<number> {
  const dueMs = o.timeoutMs === null ? null : sys.engine.nowMs + o.timeoutMs;
  for (;;) {
    // a thread whose IRQL is at PASSIVE_LEVEL takes its pending kernel APCs before it waits
    if (t.kernelApcs.length > 0 && t.irql === PASSIVE_LEVEL) yield* deliverKernelApcs(sys, t);
    if (o.alertable && o.userMode && t.userApcs.length > 0) return STATUS_USER_APC;
    const wb = new WaitBlock(t, objects, o.waitAll);
    if (objects.length > 0 && canSatisfy(wb)) return consumeFor(wb);
    const left = dueMs === null ? null : dueMs - sys.engine.nowMs;
    if (left !== null && left <= 0) return STATUS_TIMEOUT;
    if (t.irql >= DISPATCH_LEVEL) waitAtDispatch(sys, t, o.reason);
    for (const obj of objects) obj.waitList.push(wb);
    if (left !== null) wb.timer = sys.engine.setTimer(left, `timeout ${t.name}`, () => sys.wakeFromWait(t, { kind: 'timeout' }));
    t.wait = wb;
    t.waitUserMode = o.userMode;
    t.waitAlertable = o.alertable;
    const why = (yield* block(o.reason)) as WakeReason;
    switch (why.kind) {
      case 'satisfied':
        return why.status;
      case 'timeout':
        return STATUS_TIMEOUT;
      case 'user-apc':
        return STATUS_USER_APC;
      case 'apc':
        t.inWaitApc = true;
        try {
          yield* deliverKernelApcs(sys, t);
        } finally {
          t.inWaitApc = false;
        }
        break;
      case 'terminate':
        // the thread body abandons this code before it resumes; reaching here is an emulator bug
        throw new Error('[irpsim bug] a terminated thread resumed its wait');
    }
  }
}
