// explore with more than one unit (explore.ts runShared): the main thread and worker threads claim
// run indices from one shared counter, so which unit runs which index depends on timing —
// and the report must not. A worker alone covers every index with the findings, first runs and
// coverage of one thread; errors in a worker surface as one line of the right class; --time and
// `until` stop every unit.
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { explore } from '../../explore/explore.ts';
import { BadInputError } from '../../explore/load.ts';
import { calibrate, type FirstHit, type RunPlan, SharedRuns } from '../../explore/runs.ts';
import type { WorkerMessage, WorkerTask } from '../../explore/worker.ts';
import type { Scenario } from '../../index.ts';
import { findBuiltin } from '../../scenarios/index.ts';

const S3 = findBuiltin('seed/S3') as Scenario<unknown>;
type Report = Awaited<ReturnType<typeof explore>>;
const summary = (r: Report) => r.findings.map((f) => `${f.key}@${f.firstRun}`).sort();

describe('explore with workers', () => {
  test('a worker thread alone runs every index of its split, with the hits and coverage of one thread', async () => {
    const total = 300;
    const one = await explore(S3, { runs: total, shrink: false });
    const plan: RunPlan = { strategy: 'portfolio', baseSeed: 0, pctSteps: calibrate(S3) };
    const shared = SharedRuns.create(2); // unit 0 (this thread) takes none: the worker runs every index
    const task: WorkerTask = { scenario: 'seed/S3', plan, split: { first: 0, stride: 1, total }, unit: 1, deadline: Number.POSITIVE_INFINITY, shared: shared.buffer };
    const hits = new Map<string, FirstHit>();
    let progressed = 0;
    const done = await new Promise<{ runs: number; coverage: Record<string, number> }>((resolve, reject) => {
      const w = new Worker(new URL('../../explore/worker-boot.mjs', import.meta.url), { workerData: task });
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'hit') {
          const known = hits.get(m.hit.key);
          if (known === undefined || m.hit.run < known.run) hits.set(m.hit.key, m.hit);
        } else if (m.type === 'progress') progressed = m.runs;
        else if (m.type === 'done') resolve(m);
        else reject(new Error(m.message));
      });
      w.on('error', reject);
    });
    expect(done.runs).toBe(total);
    expect(progressed).toBe(total);
    expect([...hits.values()].map((h) => `${h.key}@${h.run}`).sort()).toEqual(summary(one));
    expect(done.coverage).toEqual(one.coverage);
  }, 60_000);

  test('one, two and three units give the same runs, findings, first runs and coverage', async () => {
    // enough runs that the workers boot and take some while the main thread runs its own
    const runs = 2500;
    const one = await explore(S3, { runs, shrink: false });
    for (const workers of [2, 3]) {
      const many = await explore(S3, { runs, shrink: false, workers });
      expect(many.runs, `${workers} workers`).toBe(runs);
      expect(summary(many), `${workers} workers`).toEqual(summary(one));
      expect(many.coverage, `${workers} workers`).toEqual(one.coverage);
      expect(many.findings.map((f) => f.schedule.choices)).toEqual(one.findings.map((f) => f.schedule.choices));
    }
  }, 120_000);

  test('a shard explored with workers is the same shard explored by one thread', async () => {
    const shard = { index: 1, count: 3 };
    const one = await explore(S3, { runs: 600, shrink: false, shard });
    const two = await explore(S3, { runs: 600, shrink: false, shard, workers: 2 });
    expect(two.runs).toBe(one.runs);
    expect(summary(two)).toEqual(summary(one));
    expect(two.coverage).toEqual(one.coverage);
    expect(two.findings.every((f) => f.firstRun % 3 === 1)).toBe(true);
  }, 60_000);

  test('a worker that cannot load the scenario stops the exploration with one line of the same class', async () => {
    const run = explore(S3, { runs: 1_000_000, shrink: false, workers: 2, scenarioRef: 'test/explore/no-such-scenario.ts' });
    await expect(run).rejects.toBeInstanceOf(BadInputError);
    await expect(run).rejects.toThrow(/^cannot load scenario module 'test\/explore\/no-such-scenario\.ts': [^\n]*$/);
  }, 60_000);

  test('a time limit and `until` stop every unit', async () => {
    const timed = await explore(S3, { runs: 10_000_000, shrink: false, workers: 2, timeLimitMs: 400 });
    expect(timed.runs).toBeGreaterThan(0);
    expect(timed.runs).toBeLessThan(10_000_000);
    expect(timed.elapsedMs).toBeLessThan(20_000);
    const until = await explore(S3, { runs: 10_000_000, shrink: false, workers: 2, until: (f) => f.code === 0x44 });
    expect(until.runs).toBeLessThan(10_000_000);
    expect(until.findings.some((f) => f.finding.code === 0x44)).toBe(true);
  }, 60_000);
});
