// The run loop shared by explore's main thread and its workers: which strategy and seed each run
// index gets (a portfolio rotates random and PCT of depth 1–3 per run), and the first schedule of
// every distinct finding. Deterministic: run i of a scenario is the same on any worker or shard.
import { type Faults, type Finding, makeStrategy, type RunResult, type Scenario, simulate } from '../index.ts';

export const PORTFOLIO = ['random', 'pct:1', 'pct:2', 'pct:3'] as const;

export interface RunPlan {
  strategy: string;
  /** fault choices explored with every run */
  faults?: Partial<Faults>;
  baseSeed: number;
  /** PCT's k, measured once per scenario (see calibrate) */
  pctSteps: number;
}

export function strategyFor(plan: RunPlan, run: number): { name: string; seed: number } {
  const name = plan.strategy === 'portfolio' ? PORTFOLIO[run % PORTFOLIO.length] : plan.strategy;
  return { name, seed: plan.baseSeed + run };
}

/** PCT needs the expected number of decisions: twice what the no-preemption schedule takes */
export function calibrate(scenario: Scenario<unknown>, faults?: Partial<Faults>): number {
  const r = simulate(scenario, { strategy: makeStrategy('replay', { choices: [] }), keepTrace: false, faults });
  return Math.max(20, r.stats.decisions * 2);
}

/** groups findings "by kind, code and site": the site is the thread, without its instance number */
export function findingKey(f: Finding): string {
  const site = f.thread.replace(/#\d+$/, '');
  return [f.kind, f.code?.toString(16) ?? '', f.subcode?.toString(16) ?? '', f.name, site].join('|');
}

export interface FirstHit {
  key: string;
  finding: Finding;
  run: number;
  strategy: string;
  seed: number;
  choices: number[];
  preemptions: number;
}

export function runOne(scenario: Scenario<unknown>, plan: RunPlan, run: number): RunResult {
  const { name, seed } = strategyFor(plan, run);
  return simulate(scenario, { strategy: name, seed, pctSteps: plan.pctSteps, keepTrace: false, faults: plan.faults });
}

/** records the first hit of each key into `hits`; returns the keys that were new */
export function collect(hits: Map<string, FirstHit>, r: RunResult, plan: RunPlan, run: number): FirstHit[] {
  const fresh: FirstHit[] = [];
  for (const f of r.findings) {
    const key = findingKey(f);
    const known = hits.get(key);
    if (known !== undefined && known.run <= run) continue;
    const { name, seed } = strategyFor(plan, run);
    const hit = { key, finding: f, run, strategy: name, seed, choices: r.schedule.choices, preemptions: r.stats.preemptions };
    hits.set(key, hit);
    fresh.push(hit);
  }
  return fresh;
}

/**
 * The run indices of an explore with more than one unit (the main thread and worker threads):
 * index k (0 ≤ k < total) is run first + k·stride, so a shard's indices are the same everywhere.
 * Units take the next k from one shared counter (an atomic add, ~20 ns beside a ~250 µs run), so a
 * unit that runs faster (a warm main thread, a less loaded core) takes more, and no unit waits at
 * the end for another's batch; every k is run exactly once, so the hits (first run of each finding)
 * and the coverage sums do not depend on who ran what.
 */
export interface Split {
  first: number;
  stride: number;
  total: number;
}

/** runs between two progress reports (and, on the main thread, two turns of the event loop) */
export const BATCH_RUNS = 25;

/** a unit's state: booting (loading the scenario), working, or cancelled (never started) */
export const BOOTING = 0;
export const WORKING = 1;
export const CANCELLED = 2;
const NEXT = 0;
const STOP = 1;
const STATES = 2;

/** the counter and flags units share through a SharedArrayBuffer (no message per run) */
export class SharedRuns {
  readonly cells: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  static create(units: number): SharedRuns {
    return new SharedRuns(new SharedArrayBuffer(4 * (STATES + units)));
  }

  get buffer(): SharedArrayBuffer {
    return this.cells.buffer as SharedArrayBuffer;
  }

  /** the next index k, or -1 when none is left or the units were asked to stop */
  next(total: number): number {
    if (Atomics.load(this.cells, STOP) !== 0) return -1;
    const k = Atomics.add(this.cells, NEXT, 1);
    return k < total ? k : -1;
  }

  stop(): void {
    Atomics.store(this.cells, STOP, 1);
  }

  get stopped(): boolean {
    return Atomics.load(this.cells, STOP) !== 0;
  }

  /** a worker that has loaded its scenario starts taking runs, unless the main thread cancelled it */
  begin(unit: number): boolean {
    return Atomics.compareExchange(this.cells, STATES + unit, BOOTING, WORKING) === BOOTING;
  }

  /** the main thread gives up on a worker still booting; false when it already started */
  cancel(unit: number): boolean {
    return Atomics.compareExchange(this.cells, STATES + unit, BOOTING, CANCELLED) === BOOTING;
  }
}

export interface Unit {
  hits: Map<string, FirstHit>;
  coverage: Record<string, number>;
  runs: number;
}

export const newUnit = (): Unit => ({ hits: new Map(), coverage: {}, runs: 0 });

/** wall-clock milliseconds comparable across threads (each thread's performance.now() has its own origin) */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * Takes and runs up to BATCH_RUNS indices; `fresh` gets each run's new hits and returns true to
 * stop. Returns false when the unit is done: no index left, the deadline (epoch ms) passed, a stop
 * was asked, or `fresh` said so.
 */
export function runBatch(
  scenario: Scenario<unknown>,
  plan: RunPlan,
  split: Split,
  deadline: number,
  shared: SharedRuns,
  unit: Unit,
  fresh: (hits: FirstHit[]) => boolean,
): boolean {
  for (let i = 0; i < BATCH_RUNS; i++) {
    if (epochNow() > deadline) return false;
    const k = shared.next(split.total);
    if (k < 0) return false;
    const run = split.first + k * split.stride;
    const r = runOne(scenario, plan, run);
    unit.runs++;
    addCoverage(unit.coverage, r.coverage);
    const found = collect(unit.hits, r, plan, run);
    if (found.length > 0 && fresh(found)) return false;
  }
  return true;
}

/** counts each race window a run reached */
export function addCoverage(into: Record<string, number>, windows: readonly string[] | undefined): void {
  for (const w of windows ?? []) into[w] = (into[w] ?? 0) + 1;
}
