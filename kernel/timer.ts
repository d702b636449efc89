// Kernel timers (issue 3 item 5; spec/kernel.md §5.2, the event sample's KTIMER per request): a
// notification timer is a dispatcher object signaled at expiry until set again; KeSetTimer (100-ns
// units, negative = relative) returns TRUE when it was already set and replaces that expiry; expiry
// signals the timer and queues its DPC (SystemArgument1/2 = expiry time); KeCancelTimer returns TRUE
// when it was set. Same-instant expiries are a 'timer-tie' decision (DESIGN.md "Time"). Periodic
// (KeSetTimerEx) and synchronization timers are not modelled.
import type { Timer } from '../core/index.ts';
import type { KernelContext } from './context.ts';
import { DispatcherObject } from './dispatcher.ts';
import { insertQueueDpc, type KDPC } from './dpc.ts';
import { timeoutToMs } from './ke.ts';
import type { NtSystem } from './system.ts';
import { type Routine, sp } from './wait.ts';

export class KTIMER extends DispatcherObject {
  readonly type = 'Timer';
  signalState = 0;
  /** the pending expiry while the timer is set (C: Timer->Header.Inserted) */
  expiry: Timer | null = null;
  Dpc: KDPC | null = null;
  constructor(oid: number) {
    super(oid, `timer#${oid}`);
  }
  isSignaledFor(): boolean {
    return this.signalState !== 0;
  }
}

/** KeInitializeTimer (sync): fills `Timer` (cancelling a pending expiry), or a fresh one when null */
export function KeInitializeTimer(sys: NtSystem, Timer: KTIMER | null): KTIMER {
  const t = Timer ?? new KTIMER(sys.engine.newObjectId());
  if (t.expiry !== null) sys.engine.cancelTimer(t.expiry);
  t.expiry = null;
  t.signalState = 0;
  t.Dpc = null;
  return t;
}

export function* KeSetTimer(k: KernelContext, Timer: KTIMER, DueTime: number | bigint, Dpc: KDPC | null): Routine<boolean> {
  const sys = k.sys;
  yield* sp(sys, k.thread, 'KeSetTimer', Timer.label);
  if (Dpc !== null && Dpc.DeferredRoutine === null) throw new TypeError(`KeSetTimer: ${Dpc.label} was never initialized with KeInitializeDpc`);
  const wasSet = cancel(sys, Timer);
  Timer.signalState = 0;
  Timer.Dpc = Dpc;
  const delayMs = timeoutToMs(DueTime, sys.engine.nowMs) ?? 0;
  const fire = () => expire(sys, Timer);
  Timer.expiry = sys.engine.setTimer(delayMs, `${Timer.label}${Dpc === null ? '' : ` → ${Dpc.label}`}`, fire);
  return wasSet;
}

export function* KeCancelTimer(k: KernelContext, Timer: KTIMER): Routine<boolean> {
  yield* sp(k.sys, k.thread, 'KeCancelTimer', Timer.label);
  return cancel(k.sys, Timer);
}

/** KeReadStateTimer (sync) */
export function KeReadStateTimer(Timer: KTIMER): boolean {
  return Timer.signalState !== 0;
}

function cancel(sys: NtSystem, Timer: KTIMER): boolean {
  if (Timer.expiry === null) return false;
  sys.engine.cancelTimer(Timer.expiry);
  Timer.expiry = null;
  return true;
}

/** runs from the engine's timer queue, outside any thread */
function expire(sys: NtSystem, Timer: KTIMER): void {
  Timer.expiry = null;
  Timer.signalState = 1;
  sys.engine.note('timer:expired', Timer.label);
  sys.signal(Timer);
  if (Timer.Dpc === null) return;
  const ticks = sys.engine.nowMs * 10_000;
  insertQueueDpc(sys, Timer.Dpc, ticks % 0x1_0000_0000, Math.floor(ticks / 0x1_0000_0000));
}
