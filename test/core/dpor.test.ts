// Exhaustive checking (issue 7 "Tests"): on small random models DPOR explores exactly one schedule
// per equivalence class (no two explored schedules are equivalent by footprint) and covers every
// class brute-force DFS finds; DFS with a preemption bound respects it; both find planted bugs.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { conflicts, type Engine, fpRead, fpWrite, runTasks, type Step, systematic } from '../../core/index.ts';
import { type Ev, model } from './model.ts';

type Op = { k: 'r'; cell: number } | { k: 'w'; cell: number } | { k: 'set'; ev: number } | { k: 'wait'; ev: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant('r' as const), cell: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('w' as const), cell: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('set' as const), ev: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('wait' as const), ev: fc.nat(1) }) },
);
const programs = fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 });

function setup(p: Op[][], bug?: (values: number[]) => boolean) {
  return (e: Engine) => {
    const m = model(e);
    const cells = [e.newObjectId(), e.newObjectId(), e.newObjectId()];
    const values = [0, 0, 0];
    const evs: Ev[] = [m.event(), m.event()];
    p.forEach((ops, t) => {
      e.spawn(`T${t}`, function* () {
        for (const o of ops) {
          if (o.k === 'r') yield* m.step('read', o.cell, [fpRead(cells[o.cell])]);
          else if (o.k === 'w') {
            yield* m.step('write', o.cell, [fpWrite(cells[o.cell])]);
            values[o.cell] = t + 1;
            if (bug?.(values)) e.fail({ kind: 'check', name: 'PLANTED', message: 'planted bug' });
          } else if (o.k === 'set') yield* m.set(evs[o.ev]);
          else yield* m.wait(evs[o.ev]);
        }
      }, []);
    });
  };
}

/** the Mazurkiewicz class of a run: its steps and the order of every dependent pair */
function classOf(steps: readonly Step[]): string {
  const counts = new Map<number, number>();
  const names = steps.map((s) => {
    const n = (counts.get(s.task) ?? 0) + 1;
    counts.set(s.task, n);
    return `${s.task}.${n}`;
  });
  const pairs: string[] = [];
  for (let j = 0; j < steps.length; j++) {
    for (let i = 0; i < j; i++) {
      if (steps[i].task !== steps[j].task && conflicts(steps[i].footprint, steps[j].footprint)) pairs.push(`${names[i]}<${names[j]}`);
    }
  }
  return `${[...names].sort().join(',')}|${pairs.sort().join(',')}`;
}

function explore(p: Op[][], dpor: boolean, bound?: number) {
  const classes: string[] = [];
  const res = systematic((s) => runTasks(setup(p), { strategy: s, observer: s, keepTrace: false }), {
    dpor,
    preemptionBound: bound,
    onRun: (_r, s) => classes.push(classOf(s.lastSteps)),
  });
  return { res, classes };
}

describe('DPOR', () => {
  test.prop([programs], { numRuns: 60, seed: 20261126 })('explores one schedule per equivalence class and misses none', (p) => {
    const dfs = explore(p, false);
    const dpor = explore(p, true);
    expect(dfs.res.complete && dpor.res.complete).toBe(true);
    expect(new Set(dpor.classes).size).toBe(dpor.classes.length);
    expect(new Set(dpor.classes)).toEqual(new Set(dfs.classes));
    expect(dpor.res.schedules).toBeLessThanOrEqual(dfs.res.schedules);
  });

  test('on independent tasks DPOR needs one schedule where DFS needs every interleaving', () => {
    const p: Op[][] = [[{ k: 'w', cell: 0 }, { k: 'w', cell: 0 }], [{ k: 'w', cell: 1 }, { k: 'w', cell: 1 }], [{ k: 'w', cell: 2 }]];
    expect(explore(p, true).res.schedules).toBe(1);
    expect(explore(p, false).res.schedules).toBeGreaterThan(10);
  });

  test('DFS and DPOR find the same planted bug: a lost update needs T1 to write between T0 writes', () => {
    const p: Op[][] = [[{ k: 'w', cell: 0 }, { k: 'r', cell: 1 }, { k: 'w', cell: 0 }], [{ k: 'w', cell: 0 }, { k: 'w', cell: 1 }]];
    let last = -1;
    const bug = (v: number[]) => {
      const hit = v[0] === 1 && last === 2;
      last = v[0];
      return hit;
    };
    const run = (dpor: boolean) =>
      systematic(
        (s) => {
          last = -1;
          return runTasks(setup(p, bug), { strategy: s, observer: s, keepTrace: false });
        },
        { dpor },
      );
    expect(run(false).findings.map((f) => f.finding.name)).toEqual(['PLANTED']);
    expect(run(true).findings.map((f) => f.finding.name)).toEqual(['PLANTED']);
  });
});

describe('bounded DFS', () => {
  test.prop([programs], { numRuns: 20, seed: 20261126 })('with bound b every explored schedule has at most b preemptions', (p) => {
    for (const b of [0, 1, 2]) {
      let worst = 0;
      const res = systematic((s) => {
        const r = runTasks(setup(p), { strategy: s, keepTrace: false });
        worst = Math.max(worst, r.stats.preemptions);
        return r;
      }, { dpor: false, preemptionBound: b });
      expect(res.complete).toBe(true);
      expect(worst).toBeLessThanOrEqual(b);
    }
  });
});
