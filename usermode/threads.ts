// Threads and APCs (spec/usermode.md §2.2, §4.4, §6.1): CreateThread with a generator start
// routine, ExitThread / TerminateThread / ExitProcess (termination cancels the thread's I/O through
// the kernel's rundown), GetExitCodeThread, QueueUserAPC.
import { EMPTY_FOOTPRINT, Point, type Ref, type Routine } from '../core/index.ts';
import { KThread, STILL_ACTIVE } from '../kernel/index.ts';
import { describeHandle, enter, objectOf, SetLastErrorOf, type W32 } from './base.ts';
import { ERROR_GEN_FAILURE, ERROR_INVALID_HANDLE } from './errors.ts';

export interface ThreadFactory {
  /** starts a thread running `body(w, param)` in the caller's process; returns the kernel thread */
  start(w: W32, body: Function, param: unknown, name: string): KThread;
}

export function* CreateThread(
  w: W32,
  factory: ThreadFactory,
  _lpThreadAttributes: unknown,
  _dwStackSize: number,
  lpStartAddress: Function,
  lpParameter: unknown,
  _dwCreationFlags: number,
  lpThreadId: Ref<number> | null,
): Routine<number> {
  const name = `${lpStartAddress.name || 'thread'}#${w.thread.process.threadsCreated}`;
  yield* enter(w, 'CreateThread', name);
  const t = factory.start(w, lpStartAddress, lpParameter, name);
  if (lpThreadId !== null) lpThreadId.value = t.tid;
  t.handleCount++;
  t.pointerCount++;
  const h = w.thread.process.handles.insert(t, 0x1fffff);
  w.verifier.handleCreated(w, h);
  return h;
}

function threadOf(w: W32, h: number): KThread | null {
  const o = objectOf(w, h);
  if (o instanceof KThread) return o;
  SetLastErrorOf(w, ERROR_INVALID_HANDLE);
  return null;
}

/** ends the calling thread: termination takes effect at once, its code never resumes */
export function* ExitThread(w: W32, dwExitCode: number): Routine<never> {
  yield* enter(w, 'ExitThread', dwExitCode);
  w.verifier.threadExit(w);
  w.sys.terminate(w.thread, dwExitCode);
  yield new Point('ExitThread.terminate', undefined, EMPTY_FOOTPRINT);
  throw new Error('[irpsim bug] ExitThread returned');
}

export function* TerminateThread(w: W32, hThread: number, dwExitCode: number): Routine<boolean> {
  yield* enter(w, 'TerminateThread', describeHandle(w, hThread));
  const t = threadOf(w, hThread);
  if (t === null) return false;
  if (t === w.thread) return yield* ExitThread(w, dwExitCode);
  if (!t.exited) w.verifier.threadExit(w, t);
  w.sys.terminate(t, dwExitCode);
  return true;
}

export function* GetExitCodeThread(w: W32, hThread: number, lpExitCode: Ref<number>): Routine<boolean> {
  yield* enter(w, 'GetExitCodeThread', describeHandle(w, hThread));
  const t = threadOf(w, hThread);
  if (t === null) return false;
  lpExitCode.value = t.exited ? t.exitStatus : STILL_ACTIVE;
  return true;
}

/** every other thread of the process is terminated, then the caller; the last one closes the handles */
export function* ExitProcess(w: W32, uExitCode: number): Routine<never> {
  yield* enter(w, 'ExitProcess', uExitCode);
  const p = w.thread.process;
  if (p.exitStatus === STILL_ACTIVE) p.exitStatus = uExitCode;
  for (const t of p.threads.slice()) if (t !== w.thread) w.sys.terminate(t, uExitCode);
  w.sys.terminate(w.thread, uExitCode);
  yield new Point('ExitProcess.terminate', undefined, EMPTY_FOOTPRINT);
  throw new Error('[irpsim bug] ExitProcess returned');
}

export function* QueueUserAPC(w: W32, pfnAPC: Function, hThread: number, dwData: unknown): Routine<number> {
  yield* enter(w, 'QueueUserAPC', describeHandle(w, hThread));
  const t = threadOf(w, hThread);
  if (t === null) return 0;
  if (!w.sys.queueUserApc(t, { routine: pfnAPC, args: [dwData] })) {
    SetLastErrorOf(w, ERROR_GEN_FAILURE);
    return 0;
  }
  return 1;
}
