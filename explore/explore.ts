// explore (API.md "Running"): runs schedules of a scenario with a strategy or a portfolio, in this
// thread or over worker_threads, split across machines with a shard; keeps the first schedule of
// every distinct finding, writes its failure file at once (nothing found is lost on Ctrl-C), then
// shrinks it and rewrites the file. Orchestration code, outside any run: async is fine here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Faults, type Finding, makeStrategy, RACE_WINDOWS, type Scenario, type Schedule, shrinkSchedule, simulate } from '../index.ts';
import { failureFileName, writeFailureFile } from '../cli/failure-file.ts';
import { findBuiltin } from '../scenarios/index.ts';
import { scenarioSourceHash } from './load.ts';
import { calibrate, collect, type FirstHit, findingKey, type RunPlan, runOne } from './runs.ts';
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
  /** stop as soon as a finding satisfies this (in-process runs only) */
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
  const runs =
    workers === 1
      ? runHere(scenario, plan, shard, total, deadline, onHit, options, coverage)
      : await runInWorkers(options.scenarioRef ?? scenario.name, plan, shard, total, deadline, workers, onHit, options, coverage);
  const findings = [...hits.values()].sort((a, b) => a.run - b.run || (a.key < b.key ? -1 : 1)).map((h) => finish(scenario, options, h));
  return { scenario: scenario.name, runs, findings, elapsedMs: performance.now() - t0, coverage: sortCoverage(coverage) };
}

function runHere(
  scenario: Scenario<unknown>,
  plan: RunPlan,
  shard: { index: number; count: number },
  total: number,
  deadline: number,
  onHit: (h: FirstHit) => void,
  options: ExploreOptions,
  coverage: Record<string, number>,
): number {
  const local = new Map<string, FirstHit>();
  let runs = 0;
  for (let run = shard.index; run < total * shard.count; run += shard.count) {
    if (performance.now() > deadline) break;
    const r = runOne(scenario, plan, run);
    runs++;
    addCoverage(coverage, r.coverage);
    const fresh = collect(local, r, plan, run);
    for (const h of fresh) onHit(h);
    if (runs % 25 === 0) options.onProgress?.(runs, total, local.size);
    if (options.until !== undefined && fresh.some((h) => options.until!(h.finding))) break;
  }
  options.onProgress?.(runs, total, local.size);
  return runs;
}

async function runInWorkers(
  ref: string,
  plan: RunPlan,
  shard: { index: number; count: number },
  total: number,
  deadline: number,
  n: number,
  onHit: (h: FirstHit) => void,
  options: ExploreOptions,
  coverage: Record<string, number>,
): Promise<number> {
  const progress = new Array(n).fill(0);
  const jobs = [...Array(n).keys()].map((w) => {
    const task: WorkerTask = {
      scenario: ref,
      plan,
      start: shard.index + w * shard.count,
      stride: n * shard.count,
      end: total * shard.count,
      deadline: deadline === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : deadline,
    };
    return new Promise<number>((resolve, reject) => {
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: task });
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'hit') onHit(m.hit);
        else if (m.type === 'progress' || m.type === 'done') {
          progress[w] = m.runs;
          options.onProgress?.(progress.reduce((a, b) => a + b, 0), total, 0);
          if (m.type === 'done') {
            for (const [w, n] of Object.entries(m.coverage)) coverage[w] = (coverage[w] ?? 0) + n;
            resolve(m.runs);
          }
        } else reject(new Error(m.message));
      });
      worker.on('error', reject);
    });
  });
  const counts = await Promise.all(jobs);
  return counts.reduce((a, b) => a + b, 0);
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

function writeHit(scenario: Scenario<unknown>, options: ExploreOptions, h: FirstHit, done: ExploreFinding | undefined): string {
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

export function addCoverage(into: Record<string, number>, windows: readonly string[] | undefined): void {
  for (const w of windows ?? []) into[w] = (into[w] ?? 0) + 1;
}

/** in the kernel's order of windows */
function sortCoverage(c: Record<string, number>): Record<string, number> {
  return Object.fromEntries(RACE_WINDOWS.filter((w) => c[w] !== undefined).map((w) => [w, c[w]]));
}
