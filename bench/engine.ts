// The engine benchmark (issue 2): one 4-task model, each task making 1e5 emulated calls, each a
// scheduling point, run by (a) the engine, (b) fast-check's fc.scheduler() on the equivalent async
// model, with waitAll() and with waitIdle(), and (c) a bare generator hand-off loop (a seeded pick
// and one .next() per step, no engine). Orchestration code: async is fine here, never in a run.
import fc from 'fast-check';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { Engine, Point, RandomStrategy, type Routine } from '../core/index.ts';

export const TASKS = 4;

const POINT = new Point('op');
function* opBody(): Generator<Point, void, unknown> {
  yield POINT;
}

/** engine steps per second; `keepTrace` false is explore's mode (the trace hash is still computed) */
export function engineStepsPerSecond(calls: number, keepTrace: boolean, seed = 1): number {
  const e = new Engine({ strategy: new RandomStrategy(seed), limits: { maxSteps: TASKS * calls * 2 }, keepTrace });
  const op = (): Routine<void> => e.call('op', opBody()) as Routine<void>;
  const body = function* () {
    for (let i = 0; i < calls; i++) yield* op();
  };
  for (let i = 0; i < TASKS; i++) e.spawn(`t${i}`, body, []);
  const t0 = performance.now();
  const r = e.run();
  const s = (performance.now() - t0) / 1000;
  if (r.outcome !== 'ok') throw new Error(`bench model ended ${r.outcome}`);
  return r.stats.steps / s;
}

/** the same hand-off with no engine: a seeded pick and one .next() per step, one yield* level */
export function bareStepsPerSecond(calls: number, seed = 1): number {
  const rng = xoroshiro128plus(seed);
  const body = function* () {
    for (let i = 0; i < calls; i++) yield* opBody();
  };
  const live = [...Array(TASKS)].map(() => body());
  let steps = 0;
  const t0 = performance.now();
  while (live.length > 0) {
    const i = uniformInt(rng, 0, live.length - 1);
    steps++;
    if (live[i].next().done) live.splice(i, 1);
  }
  return steps / ((performance.now() - t0) / 1000);
}

/** fast-check's scheduler resolving one scheduled promise per call */
export async function fastCheckPerSecond(calls: number, mode: 'waitAll' | 'waitIdle', seed = 1): Promise<number> {
  const [s] = fc.sample(fc.scheduler(), { seed, numRuns: 1 });
  // waitAll: the scheduled promise is awaited directly in the task; waitIdle: inside a helper,
  // where only waitIdle is guaranteed to see the next scheduled task
  const op = async () => {
    await s.schedule(Promise.resolve());
  };
  const task = async () => {
    for (let i = 0; i < calls; i++) {
      if (mode === 'waitAll') await s.schedule(Promise.resolve());
      else await op();
    }
  };
  const t0 = performance.now();
  const all = Promise.all([...Array(TASKS)].map(task));
  if (mode === 'waitAll') await s.waitAll();
  else await s.waitIdle();
  await all;
  return (TASKS * calls) / ((performance.now() - t0) / 1000);
}
