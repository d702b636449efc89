// npm run bench [-- --json] [-- --calls N] [-- --only engine|strategies]: prints the benchmark
// tables (issue 2's engine figures, issue 7's strategy figures), or one JSON object with every
// figure. Each figure is measured in this run; ratios are against baselines measured in the same run.
// The throughput figures (seed runs/s, fast-check's model, explore with 1 and 2 workers) are each
// measured in a fresh process (`--measure`), as a user's explore runs: after the rest of the bench
// has run every scenario in this process, its inline caches are megamorphic and its old generation
// full, which made them ~40% lower. Each is the median of three such processes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bareStepsPerSecond, engineStepsPerSecond, fastCheckPerSecond, TASKS } from './engine.ts';
import { CAP, engineModelRunsPerSecond, exhaustive, UNBOUNDED_CAP, UNBOUNDED_DFS_CAP, unboundedRows, fastCheckModelRunsPerSecond, runsToFirstHit, seedRunsPerSecond, workersRunsPerSecond } from './strategies.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    calls: { type: 'string', default: '100000' },
    only: { type: 'string' },
    seeds: { type: 'string', default: '20' },
    measure: { type: 'string' },
  },
});

/** `--measure` figures: one number each, printed alone by a fresh process */
const MEASURES: Record<string, () => Promise<number | number[]>> = {
  seed: async () => {
    seedRunsPerSecond(2000);
    return seedRunsPerSecond(20_000);
  },
  'engine-model': async () => {
    engineModelRunsPerSecond(20_000);
    return engineModelRunsPerSecond(200_000);
  },
  'fc-model': async () => {
    await fastCheckModelRunsPerSecond(500);
    return fastCheckModelRunsPerSecond(5000);
  },
  // 200,000 runs (10–20 s): a worker needs ~2 s to start and warm up (README "--workers"); the
  // steady rate is taken after the first 3 s. Printed as "overall steady".
  workers1: async () => {
    const r = await workersRunsPerSecond(1, 200_000);
    return [r.overall, r.steady];
  },
  workers2: async () => {
    const r = await workersRunsPerSecond(2, 200_000);
    return [r.overall, r.steady];
  },
};
if (values.measure !== undefined) {
  const m = MEASURES[values.measure];
  if (m === undefined) {
    console.error(`irpsim bench: --measure must be one of ${Object.keys(MEASURES).join(', ')}, got '${values.measure}'`);
    process.exit(2);
  }
  const v = await m();
  console.log(Array.isArray(v) ? v.join(' ') : v);
  process.exit(0);
}

/** a `--measure` figure (one or more numbers) from a fresh node process with this one's options (the TypeScript loader) */
function measureFresh(what: string): number[] {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--measure', what], { encoding: 'utf8' });
  return out.trim().split('\n').pop()!.split(' ').map(Number);
}

/** the medians of `reps` fresh measurements of each figure, taken in turns (this machine is noisy: ±30% from one process to the next) */
function measureFreshMedians(whats: readonly string[], reps = 3): number[][] {
  const got = whats.map(() => [] as number[][]);
  for (let r = 0; r < reps; r++) for (const [i, w] of whats.entries()) got[i].push(measureFresh(w));
  return got.map((runs) => runs[0].map((_, k) => median(runs.map((v) => v[k]))));
}
const calls = Number(values.calls);
const seeds = Number(values.seeds);
if (!Number.isInteger(calls) || calls < 1 || !Number.isInteger(seeds) || seeds < 1) {
  console.error('irpsim bench: --calls and --seeds must be positive integers');
  process.exit(2);
}
if (values.only !== undefined && values.only !== 'engine' && values.only !== 'strategies') {
  console.error(`irpsim bench: --only must be engine or strategies, got '${values.only}'`);
  process.exit(2);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round2 = (x: number) => Math.round(x * 100) / 100;
const figures: Record<string, unknown> = {};
const say = (line: string) => {
  if (!values.json) console.log(line);
};

async function engineBench(): Promise<void> {
  const measure = (f: (seed: number) => number) => {
    f(99);
    return median([1, 2, 3].map(f));
  };
  const engine = measure((seed) => engineStepsPerSecond(calls, false, seed));
  const traced = measure((seed) => engineStepsPerSecond(calls, true, seed));
  const bare = measure((seed) => bareStepsPerSecond(calls, seed));
  await fastCheckPerSecond(calls, 'waitAll', 99);
  const fcAll = median([await fastCheckPerSecond(calls, 'waitAll', 1), await fastCheckPerSecond(calls, 'waitAll', 2), await fastCheckPerSecond(calls, 'waitAll', 3)]);
  const fcIdle = median([await fastCheckPerSecond(calls, 'waitIdle', 1), await fastCheckPerSecond(calls, 'waitIdle', 2), await fastCheckPerSecond(calls, 'waitIdle', 3)]);
  Object.assign(figures, {
    engine_steps_per_s: Math.round(engine),
    engine_traced_steps_per_s: Math.round(traced),
    fastcheck_waitall_per_s: Math.round(fcAll),
    fastcheck_waitidle_per_s: Math.round(fcIdle),
    bare_steps_per_s: Math.round(bare),
    engine_vs_fastcheck: round2(engine / fcAll),
    engine_vs_fastcheck_idle: round2(engine / fcIdle),
    engine_vs_bare: round2(engine / bare),
  });
  const rate = (x: number) => `${(x / 1e6).toFixed(2)} M/s`;
  say(`engine benchmark: ${TASKS} tasks × ${calls} emulated calls, every call a scheduling point`);
  say(`  engine (explore mode: trace hashed, not kept)  ${rate(engine)}`);
  say(`  engine (trace and labels kept, as simulate)     ${rate(traced)}`);
  say(`  fast-check fc.scheduler() + waitAll()           ${rate(fcAll)}`);
  say(`  fast-check fc.scheduler() + waitIdle()          ${rate(fcIdle)}`);
  say(`  bare generator hand-off (no engine)             ${rate(bare)}`);
  say(`  engine / fast-check waitAll   ${figures.engine_vs_fastcheck}×   (target ≥ 3)`);
  say(`  engine / fast-check waitIdle  ${figures.engine_vs_fastcheck_idle}×   (target ≥ 30)`);
  say(`  engine / bare loop            ${figures.engine_vs_bare}×   (target ≥ 0.5)`);
}

async function strategiesBench(): Promise<void> {
  const rows = runsToFirstHit(seeds);
  const names = ['random', 'pct:1', 'pct:2', 'pct:3', 'dfs', 'dpor', 'delay:3'];
  const cell = (n: number) => (Number.isFinite(n) ? String(n) : `>${CAP}`);
  figures.runs_to_first_hit = Object.fromEntries(rows.map((r) => [r.scenario, Object.fromEntries(names.map((n) => [n, Number.isFinite(r.byStrategy[n]) ? r.byStrategy[n] : null]))]));
  say(`\nruns to first hit (random/PCT: median over ${seeds} base seeds; DFS and DPOR (BPOR) to preemption bound 2, DFS to delay bound 3: schedules, deterministic; cap ${CAP})`);
  say(`  ${'scenario'.padEnd(40)}${names.map((n) => n.padStart(8)).join('')}`);
  for (const r of rows) say(`  ${r.scenario.padEnd(40)}${names.map((n) => cell(r.byStrategy[n]).padStart(8)).join('')}`);
  const ex = exhaustive();
  Object.assign(figures, {
    dfs_bound2_schedules: ex.dfsSchedules,
    bpor_bound2_schedules: ex.bporSchedules,
    bpor_bound2_s: round2(ex.bporSeconds),
    dpor_unbounded_schedules: ex.dporSchedules,
    dpor_unbounded_complete: ex.dporComplete,
    dpor_vs_dfs_schedules: round2(ex.bporSchedules / ex.dfsSchedules),
    fixed_seed_exhaustive_s: round2(ex.dfsSeconds),
  });
  say(`\nexhaustive check of the corrected driver (seed/fixed-lock-check)`);
  say(`  DFS, preemption bound 2: ${ex.dfsSchedules} schedules, complete, ${ex.dfsSeconds.toFixed(1)} s   (target < 10 s)`);
  say(`  bounded DPOR (BPOR), bound 2: ${ex.bporSchedules} schedules, complete, ${ex.bporSeconds.toFixed(1)} s; ratio to DFS ${figures.dpor_vs_dfs_schedules}   (target ≤ 0.1)`);
  say(`  DPOR, no bound: ${ex.dporSchedules} schedules${ex.dporComplete ? ', complete' : ` (stopped at ${UNBOUNDED_CAP}: more classes than DFS's bounded schedules)`}`);
  const rows2 = unboundedRows();
  // DFS stopped at its cap counts fewer schedules than there are: the ratio is an upper bound
  const worst = Math.max(...rows2.map((r) => r.dporSchedules / r.dfsSchedules));
  figures.unbounded = Object.fromEntries(rows2.map((r) => [r.scenario, { dfs: r.dfsSchedules, dfs_complete: r.dfsComplete, dpor: r.dporSchedules, dpor_complete: r.dporComplete }]));
  figures.dpor_vs_dfs_unbounded_at_most = Math.round(worst * 1000) / 1000;
  say(`\nwithout a bound: DFS over every schedule (stopped at ${UNBOUNDED_DFS_CAP}) vs DPOR over every equivalence class`);
  for (const r of rows2) {
    const dfs = `${r.dfsSchedules}${r.dfsComplete ? '' : '+'}`;
    say(`  ${r.scenario.padEnd(40)} DFS ${dfs.padStart(7)}   DPOR ${String(r.dporSchedules).padStart(6)}${r.dporComplete ? ', complete' : ' (stopped)'}`);
  }
  say(`  DPOR / DFS ≤ ${figures.dpor_vs_dfs_unbounded_at_most} on every one   (target ≤ 0.1)`);
  const [[w1, w1Steady], [w2, w2Steady], [seed], [fcModel], [engineModel]] = measureFreshMedians(['workers1', 'workers2', 'seed', 'fc-model', 'engine-model']);
  Object.assign(figures, {
    explore_runs_per_s_1_worker: Math.round(w1Steady),
    explore_runs_per_s_2_workers: Math.round(w2Steady),
    // after the first 3 s, every worker started and warm: what a long exploration gets
    workers2_vs_1: round2(w2Steady / w1Steady),
    // over the whole 200,000 runs, the worker's ~2 s start-up included
    workers2_vs_1_with_startup: round2(w2 / w1),
    seed_runs_per_s: Math.round(seed),
    fastcheck_model_runs_per_s: Math.round(fcModel),
    seed_runs_vs_fastcheck_model: round2(seed / fcModel),
    engine_model_runs_per_s: Math.round(engineModel),
    engine_model_vs_fastcheck_model: round2(engineModel / fcModel),
  });
  say(`\nexplore seed/S3, 200,000 runs: ${Math.round(w1Steady)} runs/s with 1 worker, ${Math.round(w2Steady)} with 2 once started: ${figures.workers2_vs_1}×   (target ≥ 1.8)`);
  say(`  over all the runs, the second unit's start (~2 s) included: ${Math.round(w1)} / ${Math.round(w2)} runs/s, ${figures.workers2_vs_1_with_startup}×`);
  say(`full seed scenario (seed/S3, whole kernel + Win32 + driver + app): ${Math.round(seed)} runs/s;`);
  say(`fast-check fc.scheduler() on a minimal 3-task model of the same race: ${Math.round(fcModel)} runs/s; ratio ${figures.seed_runs_vs_fastcheck_model}   (target ≥ 5)`);
  say(`irpsim's engine alone on that minimal model: ${Math.round(engineModel)} runs/s, ${figures.engine_model_vs_fastcheck_model}× fast-check's`);
}

if (values.only !== 'strategies') await engineBench();
if (values.only !== 'engine') await strategiesBench();
if (values.json) console.log(JSON.stringify(figures));
