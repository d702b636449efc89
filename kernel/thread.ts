// Threads and processes (spec/kernel.md §3.4–3.5, spec/usermode.md §4.4): a thread is a dispatcher
// object signaled at exit; it owns an IRP list (newest first), kernel and user APC queues, its IRQL
// and the spin locks it holds. Termination takes effect only at user level (no kernel frame running)
// or in a user-mode wait, and abandons the user code without running it further, as TerminateThread
// does; the exiting thread then runs its own rundown (IoCancelThreadIo), abandons its mutexes and is
// signaled; the last thread of a process closes the process's handles.
import { type Task, tracked } from '../core/index.ts';
import { PASSIVE_LEVEL } from './constants.ts';
import { DispatcherObject, type KMUTANT, type WaitBlock } from './dispatcher.ts';
import type { IRP } from './irp.ts';
import { HandleTable } from './objects.ts';
import type { KSPIN_LOCK } from './spinlock.ts';

export const STILL_ACTIVE = 259;

export interface KernelApc {
  readonly label: string;
  readonly irp?: number;
  routine(): import('../core/index.ts').Routine<void>;
}

export interface UserApc {
  /** a generator function the Win32 layer calls with its context first: routine(w, ...args) */
  readonly routine: Function;
  readonly args: readonly unknown[];
}

export class EPROCESS extends DispatcherObject {
  readonly type = 'Process';
  readonly handles = new HandleTable();
  readonly threads: KThread[] = tracked([]);
  /**
   * threads ever created in the process; the Win32 layer numbers thread names by it, not by the
   * live threads, so a name does not depend on whether another thread exited first (DPOR)
   */
  threadsCreated = 0;
  exitStatus = STILL_ACTIVE;
  exited = false;
  exiting = false;
  /** whatever the Win32 layer attaches (its per-process state) */
  win32: unknown = undefined;
  constructor(
    oid: number,
    readonly pid: number,
    readonly imageName: string,
  ) {
    super(oid, `process:${imageName}`);
  }
  isSignaledFor(): boolean {
    return this.exited;
  }
}

export class KThread extends DispatcherObject {
  readonly type = 'Thread';
  task!: Task;
  irql = PASSIVE_LEVEL;
  /** IRPs issued by this thread and not yet completed (stage B) — newest first */
  readonly irpList: IRP[] = tracked([]);
  // the thread's lists are objects of their own to DPOR: taking the list is not changing the thread
  readonly kernelApcs: KernelApc[] = tracked([]);
  readonly userApcs: UserApc[] = tracked([]);
  /** the wait it is blocked in, if any */
  wait: WaitBlock | null = null;
  waitUserMode = false;
  waitAlertable = false;
  /** the spin lock it spins on, if any */
  spinningOn: KSPIN_LOCK | null = null;
  readonly heldLocks: KSPIN_LOCK[] = tracked([]);
  readonly ownedMutants: KMUTANT[] = tracked([]);
  /** > 0 while a kernel service or routine runs on this thread */
  kernelDepth = 0;
  /** a DPC routine is running on this thread (a wait then is ATTEMPTED_SWITCH_FROM_DPC) */
  inDpc = false;
  /** a synchronous I/O request in progress (CancelSynchronousIo's target) */
  synchronousIrp: IRP | null = null;
  terminating = false;
  exiting = false;
  exited = false;
  exitStatus = STILL_ACTIVE;
  /** kernel APCs are running because they interrupted this thread's wait */
  inWaitApc = false;
  /** the packet a satisfied wait on a completion port took */
  dequeuedPacket: import('./port.ts').Packet | null = null;
  /** TEB LastErrorValue, kept here so kernel-side helpers can read it */
  lastError = 0;
  /** whatever the Win32 layer attaches (the thread's `w`) */
  win32: unknown = undefined;
  /** the thread's `k` (context.ts contextOf) */
  kernelContext: unknown = null;
  readonly daemon: boolean;

  constructor(
    oid: number,
    readonly tid: number,
    readonly name: string,
    readonly process: EPROCESS,
    daemon: boolean,
  ) {
    super(oid, name);
    this.daemon = daemon;
  }

  isSignaledFor(): boolean {
    return this.exited;
  }
}
