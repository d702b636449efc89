// The strategy benchmark (issue 7): runs to the first hit of each seed bug and race per strategy
// (random, PCT d = 1, 2, 3: median over 20 base seeds; DFS to bound 2 and DPOR: deterministic),
// DFS versus DPOR schedule counts and the exhaustive check's wall time on the corrected driver,
// explore's runs/s with 1 and 2 workers, and the seed scenario's runs/s beside fast-check's
// fc.scheduler() on a minimal model of the same race. Orchestration: async is fine here.
import fc from 'fast-check';
import { explore } from '../explore/explore.ts';
import { Engine, Point, RandomStrategy } from '../core/index.ts';
import { type Finding, type Scenario, simulate, systematic } from '../index.ts';
import { builtinScenarios, type ExpectedFinding, findBuiltin, matchesExpected } from '../scenarios/index.ts';

type Expected = ExpectedFinding;
const matches = matchesExpected;

export const CAP = 500;

function runsToHit(s: Scenario<unknown>, want: (f: Finding) => boolean, strategy: string, base: number): number {
  for (let i = 0; i < CAP; i++) {
    const r = simulate(s, { strategy, seed: base * 100_003 + i, keepTrace: false });
    if (r.findings.some(want)) return i + 1;
  }
  return Number.POSITIVE_INFINITY;
}

function systematicToHit(s: Scenario<unknown>, want: (f: Finding) => boolean, dpor: boolean, delayBound?: number): number {
  let n = 0;
  let hit = Number.POSITIVE_INFINITY;
  systematic(
    (st) => {
      const r = simulate(s, { strategy: st, observer: dpor ? st : undefined, keepTrace: false });
      n++;
      if (hit === Number.POSITIVE_INFINITY && r.findings.some(want)) hit = n;
      return r;
    },
    delayBound === undefined
      ? { dpor, preemptionBound: 2, maxSchedules: CAP, stopAtFinding: false, onRun: () => {} }
      : { dpor, delayBound, maxSchedules: CAP, stopAtFinding: false, onRun: () => {} },
  );
  return hit;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface HitRow {
  scenario: string;
  byStrategy: Record<string, number>;
}

export function runsToFirstHit(seeds = 20): HitRow[] {
  const rows: HitRow[] = [];
  const targets = builtinScenarios.filter((s) => /^(seed\/S\d+|races\/)/.test(s.name)) as (Scenario<unknown> & { expected: Expected })[];
  for (const s of targets) {
    const want = matches(s.expected);
    const byStrategy: Record<string, number> = {};
    for (const strategy of ['random', 'pct:1', 'pct:2', 'pct:3']) {
      byStrategy[strategy] = median([...Array(seeds).keys()].map((b) => runsToHit(s, want, strategy, b)));
    }
    byStrategy.dfs = systematicToHit(s, want, false);
    byStrategy.dpor = systematicToHit(s, want, true);
    byStrategy['delay:3'] = systematicToHit(s, want, false, 3);
    rows.push({ scenario: s.name, byStrategy });
  }
  return rows;
}

export interface Exhaustive {
  dfsSchedules: number;
  dfsSeconds: number;
  /** bounded DPOR (BPOR) at the same bound 2 */
  bporSchedules: number;
  bporSeconds: number;
  /** source-set DPOR without a bound, stopped at `UNBOUNDED_CAP` schedules */
  dporSchedules: number;
  dporComplete: boolean;
}

export const UNBOUNDED_CAP = 5000;

export function exhaustive(name = 'seed/fixed-lock-check'): Exhaustive {
  const s = findBuiltin(name)!;
  let t0 = performance.now();
  const dfs = systematic((st) => simulate(s, { strategy: st, keepTrace: false }), { dpor: false, preemptionBound: 2 });
  const dfsSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const bpor = systematic((st) => simulate(s, { strategy: st, observer: st, keepTrace: false }), { dpor: true, preemptionBound: 2 });
  const bporSeconds = (performance.now() - t0) / 1000;
  const dpor = systematic((st) => simulate(s, { strategy: st, observer: st, keepTrace: false }), { dpor: true, maxSchedules: UNBOUNDED_CAP });
  return { dfsSchedules: dfs.schedules, dfsSeconds, bporSchedules: bpor.schedules, bporSeconds, dporSchedules: dpor.schedules, dporComplete: dpor.complete };
}

export interface WorkerRates {
  /** runs per second over the whole exploration, workers' start and warm-up included */
  overall: number;
  /** runs per second after the first `settleMs` (every worker started and warm) */
  steady: number;
}

/** explore seed/S3 with `workers` units for `runs` runs */
/** race scenarios whose every equivalence class DPOR covers without a bound */
export const UNBOUNDED_SCENARIOS = [
  'races/01-test-then-set',
  'races/02-set-then-test',
  'races/06-complete-with-cancel-routine',
  'races/08a-pending-not-marked',
  'races/08b-marked-but-failed',
  'races/15-stuck-irp-at-thread-exit',
];
export const UNBOUNDED_DFS_CAP = 50_000;

export interface UnboundedRow {
  scenario: string;
  dfsSchedules: number;
  dfsComplete: boolean;
  dporSchedules: number;
  dporComplete: boolean;
}

/** without a bound: DFS over every schedule (stopped at UNBOUNDED_DFS_CAP) against DPOR over every class */
export function unboundedRows(): UnboundedRow[] {
  return UNBOUNDED_SCENARIOS.map((name) => {
    const s = findBuiltin(name)!;
    const dfs = systematic((st) => simulate(s, { strategy: st, keepTrace: false }), { dpor: false, maxSchedules: UNBOUNDED_DFS_CAP, stopAtFinding: false });
    const dpor = systematic((st) => simulate(s, { strategy: st, observer: st, keepTrace: false }), { dpor: true, maxSchedules: UNBOUNDED_DFS_CAP, stopAtFinding: false });
    return { scenario: name, dfsSchedules: dfs.schedules, dfsComplete: dfs.complete, dporSchedules: dpor.schedules, dporComplete: dpor.complete };
  });
}

export async function workersRunsPerSecond(workers: number, runs: number, settleMs = 3000): Promise<WorkerRates> {
  const s = findBuiltin('seed/S3')!;
  const t0 = performance.now();
  let mark: { at: number; runs: number } | null = null;
  const r = await explore(s, {
    runs,
    workers,
    shrink: false,
    onProgress: (done) => {
      const now = performance.now();
      if (mark === null && now - t0 >= settleMs) mark = { at: now, runs: done };
    },
  });
  const end = performance.now();
  const m = mark as { at: number; runs: number } | null;
  const overall = r.runs / (r.elapsedMs / 1000);
  return { overall, steady: m === null || end - m.at < 1000 ? overall : (r.runs - m.runs) / ((end - m.at) / 1000) };
}

/** the whole seed scenario (kernel, Win32, driver, app) per second, explore mode */
export function seedRunsPerSecond(runs: number): number {
  const s = findBuiltin('seed/S3')!;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) simulate(s, { strategy: 'random', seed: i, keepTrace: false });
  return runs / ((performance.now() - t0) / 1000);
}

interface MiniIrp {
  done: boolean;
}
interface MiniState {
  pending: MiniIrp | null;
  completions: number;
}
const PEND = new Point('pend');
const READ = new Point('read');
const COMPLETE = new Point('complete');
function* miniPend(st: MiniState): Generator<Point, void, unknown> {
  yield PEND;
  st.pending = { done: false };
}
function* miniComplete(st: MiniState): Generator<Point, void, unknown> {
  yield READ;
  const irp = st.pending;
  yield COMPLETE;
  if (irp !== null) {
    if (irp.done) st.completions++;
    irp.done = true;
  }
}

/** the same minimal model as fastCheckModelRunsPerSecond's, on irpsim's engine alone (no kernel, no Win32) */
export function engineModelRunsPerSecond(runs: number): number {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const e = new Engine({ strategy: new RandomStrategy(i), keepTrace: false });
    const st: MiniState = { pending: null, completions: 0 };
    e.spawn('pend', miniPend, [st]);
    e.spawn('notify', miniComplete, [st]);
    e.spawn('cancel', miniComplete, [st]);
    e.run();
  }
  return runs / ((performance.now() - t0) / 1000);
}

/** fast-check's scheduler on a minimal async model of S3: pend, notify and cancel share one variable */
export async function fastCheckModelRunsPerSecond(runs: number): Promise<number> {
  const t0 = performance.now();
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      let pending: { done: boolean } | null = null;
      let completions = 0;
      const complete = (irp: { done: boolean }) => {
        if (irp.done) completions++;
        irp.done = true;
      };
      const pend = s.schedule(Promise.resolve()).then(() => {
        pending = { done: false };
      });
      const notify = s.schedule(Promise.resolve()).then(async () => {
        const irp = pending;
        await s.schedule(Promise.resolve());
        if (irp !== null) complete(irp);
      });
      const cancel = s.schedule(Promise.resolve()).then(async () => {
        const irp = pending;
        await s.schedule(Promise.resolve());
        if (irp !== null) complete(irp);
      });
      await s.waitIdle();
      await Promise.all([pend, notify, cancel]);
      return completions >= 0;
    }),
    { numRuns: runs, seed: 1 },
  );
  return runs / ((performance.now() - t0) / 1000);
}
