// The §8 race scenarios (scenarios/races): exploration reaches each one's expected finding within a
// fixed budget of runs, alternating random and PCT seeds, and the schedule of the first run that
// reached it replays to the identical trace. Nothing here is a stored schedule: every hit is found.
import { describe, expect, it } from 'vitest';
import { makeStrategy, type RunResult, simulate } from '../../index.ts';
import { isExpectedFinding, type RaceScenario, raceScenarios } from '../../scenarios/races/index.ts';

/** runs per scenario at most (seeds 0..BUDGET-1, even seeds random, odd seeds PCT) */
const BUDGET = 2000;

function explore(s: RaceScenario): { run: RunResult; seed: number; strategy: string } | null {
  for (let seed = 0; seed < BUDGET; seed++) {
    const strategy = seed % 2 === 0 ? 'random' : 'pct';
    const run = simulate(s, { seed, strategy, keepTrace: false });
    if (run.findings.some((f) => isExpectedFinding(f, s.expected))) return { run, seed, strategy };
  }
  return null;
}

describe('the §8 race scenarios', () => {
  it('have unique names of the form races/<item>-<slug>', () => {
    const names = raceScenarios.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^races\/\d\d[ab]?-[a-z0-9-]+$/);
  });

  for (const s of raceScenarios) {
    const e = s.expected;
    const what = `${e.name}${e.subcode === undefined ? '' : `/0x${e.subcode.toString(16)}`}`;
    it(`${s.name}: exploration finds ${what} and its schedule replays to the same trace`, () => {
      const hit = explore(s);
      expect(hit, `${what} not reached in ${BUDGET} runs`).not.toBeNull();
      // exploration keeps no trace and so no decision labels: the same seed again, with them
      const first = simulate(s, { seed: hit!.seed, strategy: hit!.strategy });
      expect(first.traceHash).toBe(hit!.run.traceHash);
      expect(first.schedule.labels.length).toBe(first.schedule.choices.length);
      const again = simulate(s, {
        strategy: makeStrategy('replay', { choices: first.schedule.choices }),
        expectLabels: first.schedule.labels,
      });
      expect(again.traceHash).toBe(first.traceHash);
      expect(again.findings.some((f) => isExpectedFinding(f, e))).toBe(true);
    });
  }
});
