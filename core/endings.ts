// How a run ends badly, as findings: a crash, a forgotten yield*, a bare yield, a deadlock (who
// waits for what), a hang at the virtual deadline (who is alive and what it does). Pure builders;
// the engine records them (DESIGN.md "Findings are named in Windows terms"; issue 2).
import { Call } from './call.ts';
import { describeTask } from './decisions.ts';
import { describeFunction } from './errors.ts';
import { BLOCKED, type Task } from './task.ts';
import type { Finding, Outcome } from './types.ts';

export type NewFinding = Omit<Finding, 'step' | 'thread'> & Partial<Pick<Finding, 'step' | 'thread'>>;

export function outcomeOf(kind: Finding['kind']): Outcome {
  switch (kind) {
    case 'bugcheck':
      return 'bugcheck';
    case 'deadlock':
      return 'deadlock';
    case 'hang':
      return 'hang';
    case 'check':
      return 'check-failed';
    default:
      return 'crash';
  }
}

export function crashFinding(t: Task | null, e: unknown): NewFinding {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    kind: 'crash',
    name: err.name,
    message: `${t === null ? 'a timer callback' : `thread ${t.name}`} threw: ${err.message}`,
    thread: t?.name ?? '-',
    stack: err.stack,
  };
}

export function forgottenYieldStarFinding(t: Task): NewFinding {
  const c = t.unentered[0];
  const where = c.stack === undefined ? '' : ` (${callerLine(c.stack, c.name)})`;
  return {
    kind: 'determinism',
    name: 'FORGOTTEN_YIELD_STAR',
    message: `${c.name}(…) was called but never entered with yield*${where}; without yield* it does nothing`,
    thread: t.name,
  };
}

export function badYieldFinding(t: Task, y: unknown): NewFinding {
  return {
    kind: 'determinism',
    name: 'BAD_YIELD',
    message: `thread ${t.name} yielded ${describeValue(y)}; enter emulated calls with yield*, never a bare yield`,
    thread: t.name,
  };
}

export function deadlockFinding(alive: readonly Task[], suffix: string): NewFinding {
  const waits = alive.filter((t) => t.state === BLOCKED && !t.daemon);
  const parts = waits.map((t) => `${t.name} waits for ${t.blockedOn?.reason ?? '?'}`);
  return {
    kind: 'deadlock',
    name: 'DEADLOCK',
    message: `every thread is blocked and no timer is pending: ${parts.join('; ')}${suffix}`,
    thread: waits[0]?.name ?? '-',
  };
}

export function hangFinding(alive: readonly Task[], deadlineMs: number, suffix: string): NewFinding {
  const users = alive.filter((t) => !t.daemon);
  const parts = users.map((t) => (t.state === BLOCKED ? `${t.name} waits for ${t.blockedOn?.reason ?? '?'}` : `${t.name} at ${describeTask(t)}`));
  return {
    kind: 'hang',
    name: 'HANG',
    message: `virtual deadline of ${deadlineMs} ms passed with ${users.length} thread(s) alive: ${parts.join('; ')}${suffix}`,
    thread: users[0]?.name ?? '-',
  };
}

export function notAGenerator(name: string, f: unknown): string {
  return `thread body for '${name}' must be a generator function (function* …), got ${describeFunction(f)}`;
}

function describeValue(y: unknown): string {
  if (y instanceof Call) return `the call ${y.name}(…) itself`;
  if (y === undefined) return 'undefined';
  if (typeof y === 'object' && y !== null) return `an object (${y.constructor?.name ?? 'Object'})`;
  return `${typeof y} ${String(y)}`;
}

const CORE_DIR = new URL('.', import.meta.url).pathname;

/**
 * The scenario's line in a stack captured by `new Call`: skip the frames in core/ (the Call,
 * Engine.call, and trackCalls' wrapper of a `w.`/`k.` method), then the frame of an emulated API
 * function named like the call that called Engine.call itself, if there is one.
 */
function callerLine(stack: string, name: string): string {
  const frames = stack.split('\n').slice(1);
  let i = 0;
  while (i < frames.length && frames[i].includes(CORE_DIR)) i++;
  if (new RegExp(`^\\s*at (\\S+\\.)?${name.replace(/[^\w$]/g, '\\$&')} \\(`).test(frames[i] ?? '')) i++;
  return (frames[i] ?? '').trim();
}
