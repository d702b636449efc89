// System threads (issue 3 item 5): one DPC thread running deferred procedure calls at
// DISPATCH_LEVEL and one worker thread running work items (and deferred object deletion) at
// PASSIVE_LEVEL, both daemons in the System process. Deliberate simplification: one DPC thread, so
// two DPCs never run at the same time (on a real multiprocessor they can, on different CPUs).
import { type Routine, tracked, type Yield } from '../core/index.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL, SynchronizationEvent } from './constants.ts';
import type { KEVENT } from './dispatcher.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';
import { waitForObjects } from './wait.ts';

export interface WorkItem {
  readonly label: string;
  run(t: KThread): Routine<void>;
}

interface Queue {
  readonly items: WorkItem[];
  readonly ready: KEVENT;
  thread: KThread | null;
}

const queues = new WeakMap<NtSystem, { dpc: Queue; work: Queue }>();

function queuesOf(sys: NtSystem) {
  let q = queues.get(sys);
  if (q === undefined) {
    q = {
      dpc: tracked<Queue>({ items: [], ready: sys.newEvent(SynchronizationEvent, false), thread: null }),
      work: tracked<Queue>({ items: [], ready: sys.newEvent(SynchronizationEvent, false), thread: null }),
    };
    queues.set(sys, q);
  }
  return q;
}

function enqueue(sys: NtSystem, q: Queue, name: string, irql: number, item: WorkItem): void {
  q.items.push(item);
  if (q.thread === null) {
    q.thread = sys.createThread(sys.systemProcess, name, () => serve(sys, q, irql), { daemon: true });
  }
  q.ready.signalState = 1;
  sys.signal(q.ready);
}

function* serve(sys: NtSystem, q: Queue, irql: number): Generator<Yield, void, unknown> {
  const t = sys.current;
  for (;;) {
    const item = q.items.shift();
    if (item === undefined) {
      yield* waitForObjects(sys, t, [q.ready], { waitAll: false, alertable: false, userMode: false, timeoutMs: null, reason: 'work' });
      continue;
    }
    t.irql = irql;
    t.kernelDepth++;
    try {
      yield* item.run(t);
    } finally {
      t.kernelDepth--;
      t.irql = PASSIVE_LEVEL;
    }
  }
}

export function queueDpc(sys: NtSystem, item: WorkItem): void {
  enqueue(sys, queuesOf(sys).dpc, 'DPC', DISPATCH_LEVEL, item);
}

export function queueWork(sys: NtSystem, item: WorkItem): void {
  enqueue(sys, queuesOf(sys).work, 'Worker', PASSIVE_LEVEL, item);
}

