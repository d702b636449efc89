// Dispatcher objects and the wait test (NT's KiWaitTest): a signaled object satisfies its waiters
// at once, consuming itself when it is a synchronization object. Which of several eligible waiters
// a synchronization object releases is a 'wake-one' decision, not FIFO (spec/usermode.md §1.2:
// "Do not assume a first-in, first-out order"). Wait-any returns the lowest signaled index and
// modifies only that object; wait-all modifies nothing until all are signaled (§2.2).
import { type Engine, type Timer, tracked } from '../core/index.ts';
import { KObject } from './objects.ts';
import { STATUS_ABANDONED_WAIT_0, STATUS_WAIT_0 } from './status.ts';
import type { KThread } from './thread.ts';

export type WakeReason =
  | { kind: 'satisfied'; status: number }
  | { kind: 'timeout' }
  | { kind: 'apc' }
  | { kind: 'user-apc' }
  | { kind: 'terminate' };

/** a wait block's thread, objects and kind never change (DPOR: reading them touches nothing) */
const WAIT_BLOCK_IDENTITY: ReadonlySet<PropertyKey> = new Set(['thread', 'objects', 'waitAll']);

export class WaitBlock {
  timer: Timer | null = null;
  constructor(
    readonly thread: KThread,
    readonly objects: readonly DispatcherObject[],
    readonly waitAll: boolean,
  ) {
    // biome-ignore lint/correctness/noConstructorReturn: the tracking view stands for the block (DPOR)
    return tracked(this, WAIT_BLOCK_IDENTITY);
  }
}

export abstract class DispatcherObject extends KObject {
  readonly waitList: WaitBlock[] = tracked([]);
  /** can `thread` acquire it now */
  abstract isSignaledFor(thread: KThread): boolean;
  /** a satisfied wait modifies the object (auto-reset, count, ownership); returns true if abandoned */
  consume(_thread: KThread): boolean {
    return false;
  }
}

export class KEVENT extends DispatcherObject {
  readonly type = 'Event';
  constructor(
    oid: number,
    /** NotificationEvent (manual reset) or SynchronizationEvent (auto reset) */
    readonly Type: number,
    public signalState: number,
  ) {
    super(oid, `ev#${oid}`);
  }
  isSignaledFor(): boolean {
    return this.signalState !== 0;
  }
  override consume(): boolean {
    if (this.Type === 1) this.signalState = 0;
    return false;
  }
}

export class KSEMAPHORE extends DispatcherObject {
  readonly type = 'Semaphore';
  constructor(
    oid: number,
    public count: number,
    readonly limit: number,
  ) {
    super(oid, `sem#${oid}`);
  }
  isSignaledFor(): boolean {
    return this.count > 0;
  }
  override consume(): boolean {
    this.count--;
    return false;
  }
}

export class KMUTANT extends DispatcherObject {
  readonly type = 'Mutant';
  owner: KThread | null = null;
  recursion = 0;
  abandoned = false;
  constructor(oid: number) {
    super(oid, `mutex#${oid}`);
  }
  isSignaledFor(thread: KThread): boolean {
    return this.owner === null || this.owner === thread;
  }
  override consume(thread: KThread): boolean {
    this.owner = thread;
    this.recursion++;
    const was = this.abandoned;
    this.abandoned = false;
    if (this.recursion === 1) thread.ownedMutants.push(this);
    return was;
  }
}

/** can this wait be satisfied right now */
export function canSatisfy(wb: WaitBlock): boolean {
  const t = wb.thread;
  if (wb.waitAll) return wb.objects.every((o) => o.isSignaledFor(t));
  return wb.objects.some((o) => o.isSignaledFor(t));
}

/** consumes the objects of a satisfiable wait and returns its status (lowest index for wait-any) */
export function consumeFor(wb: WaitBlock): number {
  const t = wb.thread;
  if (wb.waitAll) {
    let abandoned = false;
    for (const o of wb.objects) abandoned = o.consume(t) || abandoned;
    return abandoned ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0;
  }
  const i = wb.objects.findIndex((o) => o.isSignaledFor(t));
  return (wb.objects[i].consume(t) ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0) + i;
}

export function unregister(engine: Engine, wb: WaitBlock): void {
  for (const o of wb.objects) {
    const i = o.waitList.indexOf(wb);
    if (i >= 0) o.waitList.splice(i, 1);
  }
  if (wb.timer !== null) engine.cancelTimer(wb.timer);
  wb.timer = null;
}

/**
 * `obj` may have become signaled: satisfy waiters. A synchronization object (auto-reset event,
 * semaphore, mutex) releases one eligible waiter at a time, chosen by a 'wake-one' decision;
 * a notification object releases every eligible waiter.
 */
export function waitTest(engine: Engine, obj: DispatcherObject, wake: (wb: WaitBlock, r: WakeReason) => void): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const eligible = obj.waitList.filter(canSatisfy);
    if (eligible.length === 0) return;
    const consuming = isSynchronizationObject(obj);
    const chosen = consuming ? [eligible[engine.chooseTask('wake-one', eligible.map((wb) => wb.thread.task))]] : eligible;
    for (const wb of chosen) {
      if (!canSatisfy(wb)) continue;
      const status = consumeFor(wb);
      wake(wb, { kind: 'satisfied', status });
    }
    if (!consuming) return;
  }
}

function isSynchronizationObject(o: DispatcherObject): boolean {
  return (o instanceof KEVENT && o.Type === 1) || o instanceof KSEMAPHORE || o instanceof KMUTANT || o.type === 'IoCompletion';
}
