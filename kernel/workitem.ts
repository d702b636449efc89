// I/O work items (issue 3 item 5): IoAllocateWorkItem, IoQueueWorkItem, IoFreeWorkItem. A queued
// item runs WorkerRoutine(k, DeviceObject, Context) once on the worker system thread (workers.ts)
// at PASSIVE_LEVEL, where it may wait. Queueing an item that is still queued is WORKER_INVALID
// (0xE4/0x1), freeing one is 0xE4/0x2, a bad QueueType 0xE4/0x6; returning at a raised IRQL is
// WORKER_THREAD_RETURNED_AT_BAD_IRQL (0xE1) (windows-driver-docs bug-check-0xe4, -0xe1). The three
// queue types share one worker thread; the device reference that blocks unloading is not modelled.
import { IDENTITY } from './objects.ts';
import { tracked } from '../core/index.ts';
import { E4 } from './bugcheck.ts';
import { requireRoutine, runSystemRoutine } from './callback.ts';
import { HyperCriticalWorkQueue, PASSIVE_LEVEL } from './constants.ts';
import type { KernelContext } from './context.ts';
import { contextOf } from './context.ts';
import type { DEVICE_OBJECT } from './iomgr.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';
import { type Routine, sp } from './wait.ts';
import { queueWork } from './workers.ts';

export type WorkerRoutine = (k: KernelContext, DeviceObject: DEVICE_OBJECT, Context: unknown) => Routine<void>;

export class IO_WORKITEM {
  queued = false;
  freed = false;
  constructor(
    readonly oid: number,
    readonly DeviceObject: DEVICE_OBJECT,
  ) {
    // biome-ignore lint/correctness/noConstructorReturn: the tracking view stands for the object (DPOR)
    return tracked(this, IDENTITY);
  }
  get label(): string {
    return `workitem#${this.oid}`;
  }
}

export function* IoAllocateWorkItem(k: KernelContext, DeviceObject: DEVICE_OBJECT): Routine<IO_WORKITEM> {
  const oid = k.engine.newObjectId();
  yield* sp(k.sys, k.thread, 'IoAllocateWorkItem', DeviceObject.label);
  return new IO_WORKITEM(oid, DeviceObject);
}

export function* IoQueueWorkItem(
  k: KernelContext,
  IoWorkItem: IO_WORKITEM,
  WorkerRoutine: WorkerRoutine,
  QueueType: number,
  Context: unknown,
): Routine<void> {
  const sys = k.sys;
  yield* sp(sys, k.thread, 'IoQueueWorkItem', IoWorkItem.label);
  requireRoutine(sys, WorkerRoutine, 'IoQueueWorkItem: WorkerRoutine');
  if (IoWorkItem.freed) throw new TypeError(`IoQueueWorkItem: ${IoWorkItem.label} was freed with IoFreeWorkItem`);
  if (IoWorkItem.queued) {
    sys.bugcheck('WORKER_INVALID', `${IoWorkItem.label} was queued again while still queued`, { subcode: E4.ACTIVE_WORK_ITEM_QUEUED });
  }
  if (!Number.isInteger(QueueType) || QueueType < 0 || QueueType > HyperCriticalWorkQueue) {
    sys.bugcheck('WORKER_INVALID', `IoQueueWorkItem(${IoWorkItem.label}) with invalid QueueType ${QueueType}`, { subcode: E4.INVALID_QUEUE_TYPE });
  }
  IoWorkItem.queued = true;
  queueWork(sys, { label: IoWorkItem.label, run: (t) => runWorkItem(sys, t, IoWorkItem, WorkerRoutine, Context) });
  sys.engine.note('workitem:queued', IoWorkItem.label);
}

export function* IoFreeWorkItem(k: KernelContext, IoWorkItem: IO_WORKITEM): Routine<void> {
  yield* sp(k.sys, k.thread, 'IoFreeWorkItem', IoWorkItem.label);
  if (IoWorkItem.queued) {
    k.sys.bugcheck('WORKER_INVALID', `${IoWorkItem.label} was freed while still queued`, { subcode: E4.QUEUED_WORK_ITEM_FREED });
  }
  IoWorkItem.freed = true;
}

function* runWorkItem(sys: NtSystem, t: KThread, item: IO_WORKITEM, routine: WorkerRoutine, Context: unknown): Routine<void> {
  item.queued = false;
  const name = `work item routine ${routine.name || '(anonymous)'} (${item.label})`;
  const body = routine(contextOf(sys, t), item.DeviceObject, Context);
  yield* runSystemRoutine(sys, t, name, body, PASSIVE_LEVEL, (irql) =>
    sys.bugcheck('WORKER_THREAD_RETURNED_AT_BAD_IRQL', `${name} returned at IRQL ${irql}; work items must return at PASSIVE_LEVEL`),
  );
}
