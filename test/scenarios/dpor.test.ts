// Issue 7 "Tests": on every §8 race scenario, bounded DPOR (BPOR, over the footprints the kernel
// and Win32 objects track themselves) finds exactly the findings bounded DFS finds, both run to
// completion at the same preemption bound; and on the corrected seed driver the tracked footprints
// let it skip schedules DFS runs. Bound 1 keeps every race's DFS complete in a second or two.
import { describe, expect, it } from 'vitest';
import { type SystematicResult, simulate, systematic } from '../../index.ts';
import { raceScenarios } from '../../scenarios/races/index.ts';
import { findBuiltin } from '../../scenarios/index.ts';
import type { Scenario } from '../../usermode/index.ts';

function check<S>(s: Scenario<S>, dpor: boolean, bound: number): SystematicResult {
  return systematic((st) => simulate(s, { strategy: st, observer: dpor ? st : undefined, keepTrace: false }), {
    dpor,
    preemptionBound: bound,
    maxSchedules: 5000,
  });
}

const names = (r: SystematicResult) => [...new Set(r.findings.map((f) => `${f.finding.name}${f.finding.subcode === undefined ? '' : `/0x${f.finding.subcode.toString(16)}`}`))].sort();

describe('DPOR and DFS on the race scenarios (preemption bound 1)', () => {
  for (const s of raceScenarios) {
    it(`${s.name}: the same findings`, () => {
      const dfs = check(s, false, 1);
      const bpor = check(s, true, 1);
      expect(dfs.complete && bpor.complete).toBe(true);
      expect(names(bpor)).toEqual(names(dfs));
      expect(bpor.schedules).toBeLessThanOrEqual(dfs.schedules);
    }, 60_000);
  }
});

describe('DPOR on the corrected seed driver', () => {
  it('is complete and clean to bound 2, with fewer schedules than DFS', () => {
    const s = findBuiltin('seed/fixed-lock-check')!;
    const dfs = check(s, false, 2);
    const bpor = check(s, true, 2);
    expect(dfs.complete && bpor.complete).toBe(true);
    expect(dfs.findings).toEqual([]);
    expect(bpor.findings).toEqual([]);
    expect(bpor.schedules).toBeLessThan(dfs.schedules);
  }, 120_000);
});
