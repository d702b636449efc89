// npm run bench [-- --json] [-- --calls N]: prints the benchmark table, or one JSON object.
// Figures are measured in this run, each the median of three repetitions after a warm-up.
import { parseArgs } from 'node:util';
import { bareStepsPerSecond, engineStepsPerSecond, fastCheckPerSecond, TASKS } from './engine.ts';

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, calls: { type: 'string', default: '100000' } },
});
const calls = Number(values.calls);
if (!Number.isInteger(calls) || calls < 1) {
  console.error(`irpsim bench: --calls must be a positive integer, got '${values.calls}'`);
  process.exit(2);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function measure(f: (seed: number) => number): number {
  f(99);
  return median([1, 2, 3].map(f));
}
async function measureAsync(f: (seed: number) => Promise<number>): Promise<number> {
  await f(99);
  const xs: number[] = [];
  for (const seed of [1, 2, 3]) xs.push(await f(seed));
  return median(xs);
}

const engine = measure((seed) => engineStepsPerSecond(calls, false, seed));
const engineTraced = measure((seed) => engineStepsPerSecond(calls, true, seed));
const bare = measure((seed) => bareStepsPerSecond(calls, seed));
const fcAll = await measureAsync((seed) => fastCheckPerSecond(calls, 'waitAll', seed));
const fcIdle = await measureAsync((seed) => fastCheckPerSecond(calls, 'waitIdle', seed));

const figures = {
  engine_steps_per_s: Math.round(engine),
  engine_traced_steps_per_s: Math.round(engineTraced),
  fastcheck_waitall_per_s: Math.round(fcAll),
  fastcheck_waitidle_per_s: Math.round(fcIdle),
  bare_steps_per_s: Math.round(bare),
  engine_vs_fastcheck: round2(engine / fcAll),
  engine_vs_fastcheck_idle: round2(engine / fcIdle),
  engine_vs_bare: round2(engine / bare),
  engine_traced_vs_bare: round2(engineTraced / bare),
};

if (values.json) {
  console.log(JSON.stringify(figures));
} else {
  const rate = (x: number) => `${(x / 1e6).toFixed(2)} M/s`;
  console.log(`engine benchmark: ${TASKS} tasks × ${calls} emulated calls, every call a scheduling point`);
  console.log(`  engine (explore mode: trace hashed, not kept)  ${rate(engine)}`);
  console.log(`  engine (trace kept, as simulate returns it)     ${rate(engineTraced)}`);
  console.log(`  fast-check fc.scheduler() + waitAll()           ${rate(fcAll)}`);
  console.log(`  fast-check fc.scheduler() + waitIdle()          ${rate(fcIdle)}`);
  console.log(`  bare generator hand-off (no engine)             ${rate(bare)}`);
  console.log(`  engine / fast-check waitAll   ${figures.engine_vs_fastcheck}×   (target ≥ 3)`);
  console.log(`  engine / fast-check waitIdle  ${figures.engine_vs_fastcheck_idle}×   (target ≥ 30)`);
  console.log(`  engine / bare loop            ${figures.engine_vs_bare}×   (target ≥ 0.5)`);
  console.log(`  engine with trace / bare loop ${figures.engine_traced_vs_bare}×`);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
