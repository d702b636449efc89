// explore's promises (issue 6 item 1): the same findings and first runs with one or two workers,
// shards that split the runs disjointly and merge to the whole, and every finding kept with a
// schedule that replays to it.
import { describe, expect, test } from 'vitest';
import { explore, replayChoices } from '../../explore/explore.ts';
import { findingKey } from '../../explore/runs.ts';
import type { Scenario } from '../../index.ts';
import { findBuiltin } from '../../scenarios/index.ts';

const S3 = findBuiltin('seed/S3') as Scenario<unknown>;
const summary = (r: Awaited<ReturnType<typeof explore>>) => r.findings.map((f) => `${f.key}@${f.firstRun}`).sort();

describe('explore', () => {
  test('two worker threads find the same findings at the same first runs as one thread', async () => {
    const one = await explore(S3, { runs: 120, shrink: false });
    const two = await explore(S3, { runs: 120, shrink: false, workers: 2 });
    expect(two.runs).toBe(one.runs);
    expect(summary(two)).toEqual(summary(one));
  }, 60_000);

  test('shards 1/2 and 2/2 run disjoint seeds whose union is the whole exploration', async () => {
    const whole = await explore(S3, { runs: 100, shrink: false });
    const a = await explore(S3, { runs: 50, shrink: false, shard: { index: 0, count: 2 } });
    const b = await explore(S3, { runs: 50, shrink: false, shard: { index: 1, count: 2 } });
    expect(a.runs + b.runs).toBe(whole.runs);
    const merged = new Map<string, number>();
    for (const f of [...a.findings, ...b.findings]) merged.set(f.key, Math.min(merged.get(f.key) ?? Infinity, f.firstRun));
    expect([...merged].map(([k, r]) => `${k}@${r}`).sort()).toEqual(summary(whole));
    expect(a.findings.every((f) => f.firstRun % 2 === 0)).toBe(true);
    expect(b.findings.every((f) => f.firstRun % 2 === 1)).toBe(true);
  }, 60_000);

  test('every kept schedule, and its shrunk form, replays to the same finding', async () => {
    const r = await explore(S3, { runs: 100 });
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) {
      expect(replayChoices(S3, f.schedule.choices).findings.map(findingKey)).toContain(f.key);
      expect(replayChoices(S3, f.shrunk!.choices).findings.map(findingKey)).toContain(f.key);
      expect(f.shrunk!.preemptions).toBeLessThanOrEqual(replayChoices(S3, f.schedule.choices).stats.preemptions);
    }
  }, 60_000);
});

describe('replay round trip for every strategy', () => {
  for (const strategy of ['random', 'pct', 'pct:1', 'pct:2', 'pct:3']) {
    test(`a ${strategy} run replays from its recorded schedule to the identical trace`, async () => {
      const { makeStrategy, simulate } = await import('../../index.ts');
      for (const seed of [0, 1, 2, 3, 4]) {
        const first = simulate(S3, { seed, strategy });
        const again = simulate(S3, {
          strategy: makeStrategy('replay', { choices: first.schedule.choices }),
          expectLabels: first.schedule.labels,
        });
        expect(again.traceHash).toBe(first.traceHash);
        expect(again.schedule.labels).toEqual(first.schedule.labels);
      }
    });
  }
});

describe('the package API: explore and replay', () => {
  test('replay(scenario, schedule) reproduces what explore found, and a changed label throws ReplayDivergenceError', async () => {
    const { explore: exploreApi, replay, ReplayDivergenceError } = await import('../../index.ts');
    const r = await exploreApi(S3, { runs: 100, shrink: false });
    const hit = r.findings.find((f) => f.finding.code === 0x44 || f.finding.code === 0xd5)!;
    expect(hit).toBeDefined();
    expect(replay(S3, hit.schedule).findings.map(findingKey)).toContain(hit.key);
    const labels = [...hit.schedule.labels];
    labels[0] = 'thread[2] nobody@start';
    expect(() => replay(S3, { choices: hit.schedule.choices, labels })).toThrow(ReplayDivergenceError);
  });
});
