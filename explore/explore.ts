// explore (API.md "Running"): runs schedules of a scenario with a strategy or a portfolio, in this
// thread or over worker_threads, split across machines with a shard; keeps the first schedule of
// every distinct finding, writes its failure file at once (nothing found is lost on Ctrl-C), then
// shrinks it and rewrites the file. Orchestration code, outside any run: async is fine here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Faults, type Finding, makeStrategy, RACE_WINDOWS, type Scenario, ScenarioError, type Schedule, shrinkSchedule, simulate } from '../index.ts';
import { findBuiltin } from '../scenarios/index.ts';
import { BadInputError, scenarioSourceHash } from './load.ts';
export { addCoverage } from './runs.ts';
import { calibrate, epochNow, type FirstHit, findingKey, newUnit, type RunPlan, runBatch, SharedRuns, type Split } from './runs.ts';
import type { WorkerMessage, WorkerTask } from './worker.ts';

export interface ExploreOptions {
  /** 'random', 'pct', 'pct:<d>' or 'portfolio' (default) */
  strategy?: string;
  runs?: number;
  timeLimitMs?: number;
  seed?: number;
  workers?: number;
  shard?: { index: number; count: number };
  /** where failure files go; none when undefined */
  outDir?: string;
  shrink?: boolean;
  /** how workers load the scenario: its built-in name or module path (default: the name) */
  scenarioRef?: string;
  onProgress?: (runs: number, total: number, findings: number) => void;
  /** fault choices to explore with every run (recorded in failure files) */
  faults?: Partial<Faults>;
  /** stop as soon as a finding satisfies this (with workers: every unit stops taking runs) */
  until?: (f: Finding) => boolean;
}

export interface ExploreFinding {
  finding: Finding;
  schedule: Schedule;
  shrunk?: Schedule & { preemptions: number };
  firstRun: number;
  key: string;
  file?: string;
}

export interface ExploreReport {
  scenario: string;
  runs: number;
  findings: ExploreFinding[];
  elapsedMs: number;
  /** race window → runs that reached it (kernel/coverage.ts); windows never reached are absent */
  coverage: Record<string, number>;
}

export const IRPSIM_VERSION = '0.1.0';

export async function explore(scenario: Scenario<unknown>, options: ExploreOptions = {}): Promise<ExploreReport> {
  const t0 = performance.now();
  // loaded only when files are written: the failure-file schema (zod, ~95 modules) stays out of
  // the graph every worker thread loads through index.ts
  if (options.outDir !== undefined) failureFiles ??= await import('../cli/failure-file.ts');
  const plan: RunPlan = {
    strategy: options.strategy ?? 'portfolio',
    baseSeed: options.seed ?? 0,
    pctSteps: calibrate(scenario, options.faults),
    faults: options.faults,
  };
  makeStrategy(plan.strategy === 'portfolio' ? 'random' : plan.strategy); // validates the name
  const total = options.runs ?? 1000;
  const deadline = options.timeLimitMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + options.timeLimitMs;
  const shard = options.shard ?? { index: 0, count: 1 };
  const hits = new Map<string, FirstHit>();
  const onHit = (h: FirstHit) => {
    const known = hits.get(h.key);
    if (known !== undefined && known.run <= h.run) return;
    hits.set(h.key, h);
    if (options.outDir !== undefined) writeHit(scenario, options, h, undefined);
  };
  const workers = Math.max(1, options.workers ?? 1);
  const coverage: Record<string, number> = {};
  const runs = await runShared(scenario, options.scenarioRef ?? scenario.name, plan, shard, total, deadline, workers, onHit, options, coverage, () => hits.size);
  const findings = [...hits.values()].sort((a, b) => a.run - b.run || (a.key < b.key ? -1 : 1)).map((h) => finish(scenario, options, h));
  return { scenario: scenario.name, runs, findings, elapsedMs: performance.now() - t0, coverage: sortCoverage(coverage) };
}

/**
 * The main thread is unit 0 and runs (alone when n = 1; beside workers its code is warm, and it
 * would otherwise only wait), units 1…n−1 are worker threads. All take run indices from one shared
 * counter (runs.ts), so the split follows each unit's real speed and a worker still booting (module
 * loading, warm-up) costs nothing: when no index is left, a worker that never started is cancelled
 * and terminated instead of awaited. Every index runs exactly once, so hits and coverage are those
 * of one thread. A failing worker stops every unit; its error is rethrown as one line (its class
 * kept for bad input), after the hits received so far were written.
 */
async function runShared(
  scenario: Scenario<unknown>,
  ref: string,
  plan: RunPlan,
  shard: { index: number; count: number },
  total: number,
  deadline: number,
  n: number,
  onHit: (h: FirstHit) => void,
  options: ExploreOptions,
  coverage: Record<string, number>,
  found: () => number,
): Promise<number> {
  const split: Split = { first: shard.index, stride: shard.count, total };
  const shared = SharedRuns.create(n);
  const until = options.until;
  const hit = (h: FirstHit) => {
    onHit(h);
    if (until?.(h.finding)) shared.stop();
  };
  const progress = new Array<number>(n).fill(0);
  const report = () => options.onProgress?.(progress.reduce((a, b) => a + b, 0), total, found());
  let failure: Error | null = null;
  const fail = (e: Error) => {
    failure ??= e;
    shared.stop();
  };
  const end = deadline === Number.POSITIVE_INFINITY ? deadline : epochNow() + (deadline - performance.now());
  const workers: { worker: Worker; finished: Promise<void>; cancelled: boolean }[] = [];
  for (let unit = 1; unit < n; unit++) {
    const task: WorkerTask = { scenario: ref, plan, split, unit, deadline: end, shared: shared.buffer };
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: task, execArgv: workerExecArgv() });
    const w = { worker, finished: Promise.resolve(), cancelled: false };
    w.finished = new Promise<void>((resolve) => {
      let done = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'hit') hit(m.hit);
        else if (m.type === 'progress') {
          progress[unit] = m.runs;
          report();
        } else if (m.type === 'done') {
          done = true;
          progress[unit] = m.runs;
          addCounts(coverage, m.coverage);
          resolve();
        } else {
          done = true;
          fail(workerError(unit, m));
          resolve();
        }
      });
      worker.on('error', (e) => {
        done = true;
        fail(workerError(unit, e));
        resolve();
      });
      worker.on('exit', (code) => {
        if (!done && !w.cancelled) fail(new Error(`explore worker ${unit} exited with code ${code} before finishing its runs`));
        resolve();
      });
    });
    workers.push(w);
  }
  try {
    const here = newUnit();
    const fresh = (hs: FirstHit[]) => {
      for (const h of hs) onHit(h);
      return until !== undefined && hs.some((h) => until(h.finding));
    };
    for (;;) {
      const more = runBatch(scenario, plan, split, end, shared, here, fresh);
      progress[0] = here.runs;
      report();
      if (!more) break;
      // lets the workers' messages in (hits are written to their failure files at once)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // no index is left, the deadline passed or `until` was met: every unit stops after the run it is in
    shared.stop();
    addCounts(coverage, here.coverage);
    // wait for the workers that are running, not for those still booting
    for (const [i, w] of workers.entries()) {
      if (shared.cancel(i + 1)) {
        w.cancelled = true;
        void w.worker.terminate();
      }
    }
    await Promise.all(workers.map((w) => w.finished));
  } finally {
    shared.stop();
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
  if (failure !== null) throw failure;
  return progress.reduce((a, b) => a + b, 0);
}

/** a worker's error as one line, with its class kept for bad input (the CLI prints those as one line) */
function workerError(unit: number, e: { name: string; message: string; stack?: string }): Error {
  const line = String(e.message).split('\n')[0];
  const err = e.name === 'BadInputError' ? new BadInputError(line) : e.name === 'ScenarioError' ? new ScenarioError(line) : new Error(`explore worker ${unit}: ${line}`);
  if (e.stack !== undefined) err.stack = `${err.name}: ${err.message}\n(in the worker) ${e.stack}`;
  return err;
}

/** V8 options Node accepts on its command line and in NODE_OPTIONS, which a Worker refuses */
const V8_OPTIONS = new Set([
  '--abort-on-uncaught-exception',
  '--disallow-code-generation-from-strings',
  '--enable-etw-stack-walking',
  '--expose-gc',
  '--huge-max-old-generation-size',
  '--interpreted-frames-native-stack',
  '--jitless',
  '--max-old-space-size',
  '--max-semi-space-size',
  '--perf-basic-prof',
  '--perf-basic-prof-only-functions',
  '--perf-prof',
  '--perf-prof-unwinding-info',
  '--stack-trace-limit',
]);

/**
 * The worker's node options: the parent's, without a TypeScript loader's `--import` (worker-boot.mjs
 * registers bin/register.mjs in the thread; an inherited tsx would load a second loader, ~100 ms)
 * and without V8 options (`new Worker` refuses them; they are process-wide, so the worker has them
 * anyway), such as vitest's `--no-allocation-site-pretenuring`.
 */
function workerExecArgv(): string[] {
  const a = process.execArgv;
  const out: string[] = [];
  const isLoader = (v: string) => /(^|[\\/])(tsx|register\.mjs)($|[\\/])/.test(v);
  const isV8 = (v: string) => {
    const name = v.split('=')[0];
    return V8_OPTIONS.has(name) || !process.allowedNodeEnvironmentFlags.has(name);
  };
  for (let i = 0; i < a.length; i++) {
    if (/^(--require|-r|--import|--loader|--experimental-loader)$/.test(a[i]) && i + 1 < a.length && isLoader(a[i + 1])) i++;
    else if (/^--(require|import|loader|experimental-loader)=/.test(a[i]) && isLoader(a[i])) continue;
    else if (!a[i].startsWith('-') || !isV8(a[i])) out.push(a[i]);
  }
  return out;
}

/** shrinks a hit (fewer decisions, then fewer and earlier preemptions, same finding each time) */
function finish(scenario: Scenario<unknown>, options: ExploreOptions, h: FirstHit): ExploreFinding {
  const first = replayChoices(scenario, h.choices, true, options.faults);
  const schedule: Schedule = { choices: h.choices, labels: first.schedule.labels, seed: h.seed, strategy: h.strategy };
  const out: ExploreFinding = { finding: h.finding, schedule, firstRun: h.run, key: h.key };
  if (options.shrink !== false) {
    const probe = (choices: number[]) => {
      const r = replayChoices(scenario, choices, false, options.faults);
      return { fails: r.findings.some((f) => findingKey(f) === h.key), choices: r.schedule.choices, preemptions: r.stats.preemptions };
    };
    const s = shrinkSchedule(h.choices, probe, { maxRuns: 1000 });
    const r = replayChoices(scenario, s.choices, true, options.faults);
    out.shrunk = { choices: s.choices, labels: r.schedule.labels.slice(0, s.choices.length), preemptions: r.stats.preemptions, strategy: 'replay' };
  }
  if (options.outDir !== undefined) out.file = writeHit(scenario, options, h, out);
  return out;
}

/** replays choices; `labelled` keeps the trace and the decision labels (slower) */
export function replayChoices(scenario: Scenario<unknown>, choices: readonly number[], labelled = false, faults?: Partial<Faults>) {
  return simulate(scenario, { strategy: makeStrategy('replay', { choices }), keepTrace: labelled, faults });
}

let failureFiles: typeof import('../cli/failure-file.ts') | undefined;

function writeHit(scenario: Scenario<unknown>, options: ExploreOptions, h: FirstHit, done: ExploreFinding | undefined): string {
  const { failureFileName, writeFailureFile } = failureFiles!;
  const dir = options.outDir!;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, failureFileName(h.finding, scenario.name));
  const replayed = done?.schedule ?? replayChoices(scenario, h.choices, true, options.faults).schedule;
  writeFailureFile(file, {
    format: 'irpsim-failure',
    formatVersion: 1,
    irpsimVersion: IRPSIM_VERSION,
    scenario: { name: options.scenarioRef ?? scenario.name, sourceHash: scenarioSourceHash(scenario, isPath(options.scenarioRef) ? options.scenarioRef : undefined) },
    strategy: h.strategy,
    seed: h.seed,
    choices: h.choices,
    labels: replayed.labels,
    finding: h.finding,
    traceHash: replayChoices(scenario, h.choices, false, options.faults).traceHash,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(done?.shrunk === undefined ? {} : { shrunk: { choices: done.shrunk.choices, labels: done.shrunk.labels, preemptions: done.shrunk.preemptions } }),
  });
  return file;
}

const isPath = (ref: string | undefined): ref is string => ref !== undefined && findBuiltin(ref) === undefined;

function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [w, n] of Object.entries(counts)) into[w] = (into[w] ?? 0) + n;
}

/** in the kernel's order of windows */
function sortCoverage(c: Record<string, number>): Record<string, number> {
  return Object.fromEntries(RACE_WINDOWS.filter((w) => c[w] !== undefined).map((w) => [w, c[w]]));
}
