// Issue 5 "Tests": every seed bug is found by exploration (default portfolio strategy, a fixed
// run budget) with the expected finding; replaying the saved schedule reproduces the identical
// trace; the corrected versions report nothing over many random and PCT schedules.
import { describe, expect, test } from 'vitest';
import { explore } from '../../explore/explore.ts';
import { calibrate, type RunPlan, runOne } from '../../explore/runs.ts';
import { makeStrategy, type Scenario, simulate } from '../../index.ts';
import { builtinScenarios, matchesExpected } from '../../scenarios/index.ts';
import type { SeedScenario } from '../../scenarios/seed/bugs.ts';

const matches = matchesExpected;

const seedBugs = builtinScenarios.filter((s) => /^seed\/S\d+$/.test(s.name)) as unknown as SeedScenario[];
const BUDGET = 500;

describe('seed bugs', () => {
  test('there is one scenario per seed bug, S1 to S12', () => {
    expect(seedBugs.map((s) => s.name)).toEqual([...Array(12)].map((_, i) => `seed/S${i + 1}`));
  });

  for (const s of seedBugs) {
    test(`${s.name} (${s.description}) is found by explore and its schedule replays to the identical trace`, async () => {
      const scenario = s as unknown as Scenario<unknown>;
      const want = matches(s.expected);
      const report = await explore(scenario, { runs: BUDGET, until: want, shrink: true });
      const hit = report.findings.find((f) => want(f.finding));
      expect(hit, `${s.expected.name} not found in ${report.runs} runs`).toBeDefined();
      // the original run, and the replay of its recorded schedule, have the same trace hash
      const plan: RunPlan = { strategy: 'portfolio', baseSeed: 0, pctSteps: calibrate(scenario) };
      const original = runOne(scenario, plan, hit!.firstRun);
      const replayed = simulate(scenario, {
        strategy: makeStrategy('replay', { choices: hit!.schedule.choices }),
        expectLabels: hit!.schedule.labels,
      });
      expect(replayed.traceHash).toBe(original.traceHash);
      expect(replayed.findings.some(want)).toBe(true);
      // the shrunk schedule still shows the same finding
      const shrunk = simulate(scenario, { strategy: makeStrategy('replay', { choices: hit!.shrunk!.choices }) });
      expect(shrunk.findings.some(want)).toBe(true);
    });
  }
});

describe('corrected versions', () => {
  for (const s of builtinScenarios.filter((x) => x.name.startsWith('seed/fixed'))) {
    test(`${s.name} is clean over 1000 random and PCT schedules of the combined click script`, () => {
      const found: string[] = [];
      for (let seed = 0; seed < 1000; seed++) {
        const r = simulate(s, { seed, strategy: ['random', 'pct:1', 'pct:2', 'pct:3'][seed % 4], keepTrace: false });
        for (const f of r.findings) found.push(`seed ${seed}: ${f.kind} ${f.name}: ${f.message}`);
        expect(r.outcome).toBe('ok');
      }
      expect(found).toEqual([]);
    });
  }
});
