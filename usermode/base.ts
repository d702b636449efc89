// What every Win32 function shares: the thread's last error, handle resolution (pseudo-handles,
// low two bits ignored), Nt status to Win32 error, the scheduling point each call begins with, and
// running queued user APCs after an alertable wait (spec/usermode.md §2, §5, §6.1).
import { EMPTY_FOOTPRINT, type Footprint, Point, type Routine } from '../core/index.ts';
import {
  type DispatcherObject,
  FILE_OBJECT,
  type KObject,
  type KThread,
  NtCurrentProcess,
  NtCurrentThread,
  type NtSystem,
  deliverKernelApcs,
  PASSIVE_LEVEL,
} from '../kernel/index.ts';
import type { AppVerifier } from './appverifier.ts';
import { RtlNtStatusToDosError } from './errors.ts';

/** the per-thread state the Win32 functions need; Win32Context implements it */
export interface W32 {
  readonly sys: NtSystem;
  readonly thread: KThread;
  readonly verifier: AppVerifier;
}

export function SetLastErrorOf(w: W32, code: number): void {
  w.thread.lastError = code >>> 0;
}

/** sets the last error from an NTSTATUS */
export function failWith(w: W32, status: number): void {
  SetLastErrorOf(w, RtlNtStatusToDosError(status));
}

/** the object a handle names for this thread, or undefined */
export function objectOf(w: W32, h: number): KObject | undefined {
  if (h === NtCurrentProcess) return w.thread.process;
  if (h === NtCurrentThread) return w.thread;
  return w.thread.process.handles.lookup(h)?.object;
}

/** the access mask the handle grants (pseudo-handles grant everything) */
export function accessOf(w: W32, h: number): number {
  if (h === NtCurrentProcess || h === NtCurrentThread) return 0x1fffff;
  return w.thread.process.handles.lookup(h)?.access ?? 0;
}

/** what a wait on this object waits for: a file waits on its own event */
export function waitableOf(o: KObject): DispatcherObject | null {
  if (o instanceof FILE_OBJECT) return o.Event;
  const d = o as DispatcherObject;
  return Array.isArray(d.waitList) ? d : null;
}


/** the scheduling point a Win32 call starts with (before it takes effect) */
export function* enter(w: W32, api: string, data?: string | number, fp: Footprint = EMPTY_FOOTPRINT): Routine<void> {
  const { sys, thread: t } = w;
  // kernel/wait.ts sp(), inlined: this runs on every Win32 call
  for (;;) {
    yield new Point(api, data, fp);
    if (t.kernelApcs.length === 0 || t.irql !== PASSIVE_LEVEL) break;
    yield* deliverKernelApcs(sys, t);
  }
  if (sys.faults.processExit && !t.process.exiting && sys.fault(true, `the process exits at ${t.name}'s ${api}`)) {
    // the process is killed here: every thread of it is terminated, this one first
    t.process.exiting = true;
    if (t.process.exitStatus === 259) t.process.exitStatus = 1;
    for (const other of t.process.threads) sys.terminate(other, 1);
    yield new Point('process-exit', undefined, EMPTY_FOOTPRINT);
  }
}

/** runs every queued user APC, FIFO: what an alertable wait does before returning WAIT_IO_COMPLETION */
export function* runUserApcs(w: W32): Routine<void> {
  const t = w.thread;
  while (t.userApcs.length > 0) {
    const apc = t.userApcs.shift()!;
    yield* apc.routine(w, ...apc.args);
  }
}

export const describeHandle = (w: W32, h: number): string => {
  const o = objectOf(w, h);
  return o === undefined ? `${h}` : `${h} (${o.label})`;
};
