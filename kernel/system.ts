// The machine: one engine, the object namespace, processes and threads, the cancel spin lock and
// the system threads. Everything that crosses threads — waking, APCs, bug checks — goes through
// here. Kernel code runs on whatever thread called it (DESIGN.md "Threads are generator functions").
import { emulatorBug, type Engine, type Finding, type Routine, STOP_RUN, tracked, type Yield } from '../core/index.ts';
import { BUGCHECK, type BugCheckName } from './bugcheck.ts';
import type { RaceWindow } from './coverage.ts';
import { type DispatcherObject, KEVENT, unregister, type WakeReason, waitTest } from './dispatcher.ts';
import type { IrpState } from './irp.ts';
import type { KObject } from './objects.ts';
import { KSPIN_LOCK } from './spinlock.ts';
import { EPROCESS, type KernelApc, KThread, type UserApc } from './thread.ts';

export type ThreadStart = (t: KThread) => Routine<unknown>;

/**
 * Fault choices (issue 7 item 4), off unless a run asks for them: each is a 'fault' decision that
 * strategies explore like any other and a replay reproduces.
 */
export interface Faults {
  /** Driver Verifier's Force Pending: a request completed in dispatch is returned as STATUS_PENDING */
  forcePending: boolean;
  /** IRP allocation fails: the service returns STATUS_INSUFFICIENT_RESOURCES */
  allocationFailure: boolean;
  /** the application's process exits at a Win32 call of any of its threads */
  processExit: boolean;
}

export const NO_FAULTS: Readonly<Faults> = Object.freeze({ forcePending: false, allocationFailure: false, processExit: false });

/** the thread's code was abandoned (TerminateThread, ExitThread, ExitProcess) */
const TERMINATED = Symbol('terminated');

/** the hooks' default until the I/O manager installs them (module-level: see usermode/scenario.ts boot) */
function* nothing(): Routine<void> {}

export class NtSystem {
  readonly namespace = tracked(new Map<string, KObject>());
  readonly processes: EPROCESS[] = tracked([]);
  readonly systemProcess: EPROCESS;
  readonly cancelLock: KSPIN_LOCK;
  /** every IRP allocated in the run, for the end-of-run checks */
  readonly irps: IrpState[] = [];
  private nextPid = 4;
  private nextTid = 100;
  private nextIrp = 1;
  /** set by the I/O manager: runs a thread's rundown (IoCancelThreadIo) in its own context */
  threadRundown: (t: KThread) => Routine<void> = nothing;
  /** set by the I/O manager: closes one handle of a process (cleanup/close IRPs) */
  closeAllHandles: (t: KThread, p: EPROCESS) => Routine<void> = nothing;

  faults: Faults = NO_FAULTS;
  /** the race windows this run reached (kernel/coverage.ts) */
  readonly coverage = new Set<RaceWindow>();

  cover(window: RaceWindow | null): void {
    if (window !== null) this.coverage.add(window);
  }

  /** a 'fault' decision: true when the strategy injects the fault */
  fault(enabled: boolean, what: string): boolean {
    return enabled && this.engine.choose('fault', 2, ['no fault', what]) === 1;
  }

  constructor(readonly engine: Engine) {
    this.systemProcess = this.createProcess('System');
    this.cancelLock = new KSPIN_LOCK(engine.newObjectId(), 'IoCancelSpinLock');
  }

  newIrpId(): number {
    return this.nextIrp++;
  }

  createProcess(imageName: string): EPROCESS {
    const p = new EPROCESS(this.engine.newObjectId(), this.nextPid, imageName);
    this.nextPid += 4;
    this.processes.push(p);
    return p;
  }

  createThread(process: EPROCESS, name: string, start: ThreadStart, opts: { daemon?: boolean } = {}): KThread {
    const t = new KThread(this.engine.newObjectId(), this.nextTid, name, process, opts.daemon === true);
    this.nextTid += 4;
    process.threads.push(t);
    process.threadsCreated++;
    t.task = this.engine.spawn(name, threadMain, [this, t, start], { daemon: t.daemon });
    t.task.owner = t;
    return t;
  }

  /** the thread running now (kernel code runs on the caller's thread) */
  get current(): KThread {
    const task = this.engine.current;
    if (task === null) throw emulatorBug('kernel code ran outside any thread');
    return task.owner as KThread;
  }

  /** wakes a thread blocked in a wait, taking it off every wait list first */
  wakeFromWait(t: KThread, reason: WakeReason): void {
    const wb = t.wait;
    if (wb === null) return;
    t.wait = null;
    unregister(this.engine, wb);
    this.engine.wake(t.task, reason);
  }

  /** `obj` may have become signaled: release its waiters (NT's KiWaitTest) */
  signal(obj: DispatcherObject): void {
    waitTest(this.engine, obj, (wb, reason) => this.wakeFromWait(wb.thread, reason));
  }

  queueKernelApc(t: KThread, apc: KernelApc): void {
    t.kernelApcs.push(apc);
    if (t.wait !== null && t.irql === 0) this.wakeFromWait(t, { kind: 'apc' });
  }

  /** false when the thread is exiting (QueueUserAPC's ERROR_GEN_FAILURE) */
  queueUserApc(t: KThread, apc: UserApc): boolean {
    if (t.exiting || t.exited) return false;
    t.userApcs.push(apc);
    if (t.wait !== null && t.waitAlertable && t.waitUserMode) this.wakeFromWait(t, { kind: 'user-apc' });
    return true;
  }

  /** TerminateThread: takes effect at user level or in a user-mode wait */
  terminate(t: KThread, exitStatus: number): void {
    if (t.terminating || t.exited) return;
    t.terminating = true;
    t.exitStatus = exitStatus;
    if (t.wait !== null && t.waitUserMode) this.wakeFromWait(t, { kind: 'terminate' });
  }

  newEvent(type: number, signaled: boolean): KEVENT {
    return new KEVENT(this.engine.newObjectId(), type, signaled ? 1 : 0);
  }

  bugcheck(name: BugCheckName, message: string, extra: Partial<Finding> = {}): never {
    return this.engine.fail({ kind: 'bugcheck', code: BUGCHECK[name], name, message, ...extra });
  }

  /** a DRIVER_VERIFIER_IOMANAGER_VIOLATION (0xC9): fatal ones stop the run, the others are recorded */
  verifierC9(subcode: number, fatal: boolean, message: string, irp?: number): void {
    const f = {
      kind: fatal ? ('bugcheck' as const) : ('verifier' as const),
      code: BUGCHECK.DRIVER_VERIFIER_IOMANAGER_VIOLATION,
      subcode,
      name: 'DRIVER_VERIFIER_IOMANAGER_VIOLATION',
      message,
      irp,
    };
    if (fatal) this.engine.fail(f);
    this.engine.report(f);
  }

  /** kernel code threw: the machine bug-checks with KMODE_EXCEPTION_NOT_HANDLED (0x1E) */
  kernelException(e: unknown, where: string, irp?: number): never {
    if (e === STOP_RUN) throw e;
    const err = e instanceof Error ? e : new Error(String(e));
    return this.engine.fail({
      kind: 'bugcheck',
      code: BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED,
      name: 'KMODE_EXCEPTION_NOT_HANDLED',
      message: `${err.name} in ${where}: ${err.message}`,
      stack: err.stack,
      irp,
    });
  }
}

/**
 * Every thread's body: drives the thread's code, forwarding its yields to the engine, and abandons
 * it (no further resumption, so no finally block runs, as with TerminateThread) once termination
 * can take effect; then the thread exits in its own context.
 */
function* threadMain(sys: NtSystem, t: KThread, start: ThreadStart): Generator<Yield, unknown, unknown> {
  const code = start(t)[Symbol.iterator]();
  let input: unknown;
  let exitCode = 0;
  for (;;) {
    if (t.terminating && (t.kernelDepth === 0 || input === TERMINATE_WAKE)) {
      exitCode = t.exitStatus;
      t.kernelDepth = 0;
      break;
    }
    const r = code.next(input);
    if (r.done) {
      exitCode = typeof r.value === 'number' ? r.value : 0;
      break;
    }
    input = yield r.value;
    if (isTerminateWake(input)) input = TERMINATE_WAKE;
  }
  yield* exitThread(sys, t, exitCode);
  return exitCode;
}

const TERMINATE_WAKE = TERMINATED;
function isTerminateWake(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as WakeReason).kind === 'terminate';
}

/** PspExitThread, in the exiting thread (spec/kernel.md §3.4): rundown, mutexes, signal, process exit */
function* exitThread(sys: NtSystem, t: KThread, exitCode: number): Generator<Yield, void, unknown> {
  t.exiting = true;
  t.terminating = true;
  t.exitStatus = exitCode;
  t.userApcs.length = 0;
  yield* sys.threadRundown(t);
  for (const m of t.ownedMutants.splice(0)) {
    m.owner = null;
    m.recursion = 0;
    m.abandoned = true;
    sys.signal(m);
  }
  const p = t.process;
  p.threads.splice(p.threads.indexOf(t), 1);
  t.exited = true;
  sys.engine.note('thread-exit', t.exitStatus);
  sys.signal(t);
  if (p.threads.length === 0 && p !== sys.systemProcess) {
    p.exiting = true;
    if (p.exitStatus === 259) p.exitStatus = t.exitStatus;
    yield* sys.closeAllHandles(t, p);
    p.exited = true;
    sys.signal(p);
  }
}

