// What every command shares: one-line errors with exit status 2, option parsing helpers, writing
// an output file or stdout, and a progress bar only on a terminal. API.md "Command line".
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { FailureFileError } from './failure-file.ts';
import { BadInputError } from '../explore/load.ts';
import { ReplayDivergenceError, ScenarioError } from '../index.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** where the command writes: the process's streams, or a test's buffers */
export const io = {
  out: (s: string) => {
    process.stdout.write(s);
  },
  err: (s: string) => {
    process.stderr.write(s);
  },
};

/** the one line printed for bad input (exit status 2) — never a stack trace */
export function badInputLine(message: string): string {
  return `irpsim: ${message.split('\n')[0]}\n`;
}

export function isBadInput(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof BadInputError || e instanceof FailureFileError || e instanceof ReplayDivergenceError || e instanceof ScenarioError;
}

export function int(name: string, value: string | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}, got '${value}'`);
  return n;
}

export function parseShard(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count) throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n, got '${value}'`);
  return { index: index - 1, count };
}

export function emit(text: string, out: string | undefined): void {
  if (out === undefined) io.out(text.endsWith('\n') ? text : `${text}\n`);
  else writeFileSync(out, text);
}

export interface Progress {
  update(done: number, total: number, findings: number): void;
  stop(): void;
}

/**
 * A progress bar on a terminal; nothing when stderr is not a TTY. `budget`: the total is only an
 * upper bound (check's --max), so no bar, a count.
 */
export function progressBar(label: string, what: 'runs' | 'budget' = 'runs'): Progress {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const format =
    what === 'runs' ? `${label} [{bar}] {value}/{total} runs, {findings} findings` : `${label} {value} schedules (at most {total}), {findings} findings`;
  const bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total, findings) {
      if (!started) bar.start(total, 0, { findings });
      started = true;
      bar.update(done, { findings });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** --faults pending,alloc,exit → the fault choices to explore */
export function parseFaults(value: string | undefined): { forcePending?: boolean; allocationFailure?: boolean; processExit?: boolean } | undefined {
  if (value === undefined) return undefined;
  const names: Record<string, string> = { pending: 'forcePending', alloc: 'allocationFailure', exit: 'processExit' };
  const out: Record<string, boolean> = {};
  for (const part of value.split(',').filter((p) => p !== '')) {
    const key = names[part];
    if (key === undefined) throw new UsageError(`--faults takes pending, alloc and exit (comma-separated), got '${part}'`);
    out[key] = true;
  }
  return out;
}
