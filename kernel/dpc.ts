// Deferred procedure calls (issue 3 item 5; spec/kernel.md §5.2 "a KTIMER+KDPC per request
// simulates the hardware interrupt"): KeInitializeDpc, KeInsertQueueDpc (FALSE when already queued),
// KeRemoveQueueDpc. A queued DPC runs once on the DPC system thread (workers.ts) at DISPATCH_LEVEL,
// taken off the queue before its routine is called (ReactOS KiRetireDpcList), so the routine may
// queue it again. Importance and target processors are not modelled: one DPC runs at a time.
import { IDENTITY } from './objects.ts';
import { tracked } from '../core/index.ts';
import { runSystemRoutine, requireRoutine } from './callback.ts';
import { DISPATCH_LEVEL } from './constants.ts';
import type { KernelContext } from './context.ts';
import { contextOf } from './context.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';
import { type Routine, sp } from './wait.ts';
import { queueDpc, type WorkItem } from './workers.ts';

export type DeferredRoutine = (
  k: KernelContext,
  Dpc: KDPC,
  DeferredContext: unknown,
  SystemArgument1: unknown,
  SystemArgument2: unknown,
) => Routine<void>;

export class KDPC {
  DeferredRoutine: DeferredRoutine | null = null;
  DeferredContext: unknown = null;
  SystemArgument1: unknown = null;
  SystemArgument2: unknown = null;
  /** the queue entry while the DPC is queued (C's DpcData != NULL), else null */
  queued: WorkItem | null = null;
  constructor(
    /** the engine object id footprints use */
    readonly oid: number,
  ) {
    // biome-ignore lint/correctness/noConstructorReturn: the tracking view stands for the object (DPOR)
    return tracked(this, IDENTITY);
  }
  get label(): string {
    return `dpc#${this.oid}`;
  }
}

/** KeInitializeDpc (sync): fills `Dpc`, or a fresh one when null, and returns it */
export function KeInitializeDpc(sys: NtSystem, Dpc: KDPC | null, DeferredRoutine: DeferredRoutine, DeferredContext: unknown): KDPC {
  requireRoutine(sys, DeferredRoutine, 'KeInitializeDpc: DeferredRoutine');
  const d = Dpc ?? new KDPC(sys.engine.newObjectId());
  d.DeferredRoutine = DeferredRoutine;
  d.DeferredContext = DeferredContext;
  d.queued = null;
  return d;
}

export function* KeInsertQueueDpc(k: KernelContext, Dpc: KDPC, SystemArgument1: unknown, SystemArgument2: unknown): Routine<boolean> {
  yield* sp(k.sys, k.thread, 'KeInsertQueueDpc', Dpc.label);
  return insertQueueDpc(k.sys, Dpc, SystemArgument1, SystemArgument2);
}

export function* KeRemoveQueueDpc(k: KernelContext, Dpc: KDPC): Routine<boolean> {
  yield* sp(k.sys, k.thread, 'KeRemoveQueueDpc', Dpc.label);
  if (Dpc.queued === null) return false;
  // the stale queue entry stays behind and does nothing when the DPC thread reaches it
  Dpc.queued = null;
  k.sys.engine.note('dpc:removed', Dpc.label);
  return true;
}

/** the insert itself, also used at timer expiry (outside any thread); false when already queued */
export function insertQueueDpc(sys: NtSystem, Dpc: KDPC, SystemArgument1: unknown, SystemArgument2: unknown): boolean {
  if (Dpc.queued !== null) return false;
  if (Dpc.DeferredRoutine === null) throw new TypeError(`KeInsertQueueDpc: ${Dpc.label} was never initialized with KeInitializeDpc`);
  Dpc.SystemArgument1 = SystemArgument1;
  Dpc.SystemArgument2 = SystemArgument2;
  const item: WorkItem = { label: Dpc.label, run: (t) => runDpc(sys, t, Dpc, item) };
  Dpc.queued = item;
  queueDpc(sys, item);
  sys.engine.note('dpc:queued', Dpc.label);
  return true;
}

function* runDpc(sys: NtSystem, t: KThread, Dpc: KDPC, item: WorkItem): Routine<void> {
  if (Dpc.queued !== item) return;
  Dpc.queued = null;
  const routine = Dpc.DeferredRoutine!;
  const name = `DPC routine ${routine.name || '(anonymous)'} (${Dpc.label})`;
  const body = routine(contextOf(sys, t), Dpc, Dpc.DeferredContext, Dpc.SystemArgument1, Dpc.SystemArgument2);
  t.inDpc = true;
  try {
    yield* runSystemRoutine(sys, t, name, body, DISPATCH_LEVEL, (irql) =>
      sys.bugcheck('IRQL_UNEXPECTED_VALUE', `${name} returned at IRQL ${irql}; DPC routines must return at DISPATCH_LEVEL`),
    );
  } finally {
    t.inDpc = false;
  }
}
