// Exhaustive checking (issue 7 "Tests"): on small random models DPOR explores exactly one schedule
// per equivalence class (no two explored schedules are equivalent by footprint) and covers every
// class brute-force DFS finds; DFS with a preemption bound respects it; both find planted bugs.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { conflicts, type Engine, fpRead, fpWrite, makeStrategy, Point, runTasks, type Step, type Strategy, systematic } from '../../core/index.ts';
import { type Ev, model } from './model.ts';

type Op =
  | { k: 'r'; cell: number }
  | { k: 'w'; cell: number }
  | { k: 'set'; ev: number }
  | { k: 'wait'; ev: number }
  | { k: 'sleep'; ms: number }
  | { k: 'pick'; cell: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('r' as const), cell: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('w' as const), cell: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('set' as const), ev: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('wait' as const), ev: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('sleep' as const), ms: fc.constantFrom(1, 2) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pick' as const), cell: fc.nat(2) }) },
);
const programs = fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 });

/** the choices made inside steps in the current run, part of its class */
let picks: string[] = [];
/** what the run observed: each task's reads (the value seen) and the final values */
let seen: string[][] = [];
let finals: number[] = [];

function setup(p: Op[][], bug?: (values: number[]) => boolean) {
  return (e: Engine) => {
    picks = [];
    seen = p.map(() => []);
    const m = model(e);
    const cells = [e.newObjectId(), e.newObjectId(), e.newObjectId()];
    const values = [0, 0, 0];
    finals = values;
    const evs: Ev[] = [m.event(), m.event()];
    p.forEach((ops, t) => {
      e.spawn(`T${t}`, function* () {
        for (const o of ops) {
          if (o.k === 'r') {
            yield* m.step('read', o.cell, [fpRead(cells[o.cell])]);
            seen[t].push(`c${o.cell}=${values[o.cell]}`);
          }
          else if (o.k === 'w') {
            yield* m.step('write', o.cell, [fpWrite(cells[o.cell])]);
            values[o.cell] = t + 1;
            if (bug?.(values)) e.fail({ kind: 'check', name: 'PLANTED', message: 'planted bug' });
          } else if (o.k === 'set') yield* m.set(evs[o.ev]);
          else if (o.k === 'wait') {
            yield* m.wait(evs[o.ev]);
            seen[t].push(`e${o.ev}`);
          }
          else if (o.k === 'sleep') yield* m.sleep(o.ms);
          else {
            // a decision inside a step (as a fault is): write the cell or read it
            yield* m.step('pick', o.cell, []);
            const c = e.choose('fault', 2, ['read', 'write']);
            picks.push(`T${t}:${picks.filter((x) => x.startsWith(`T${t}:`)).length}:${c}`);
            e.touch(c === 1 ? fpWrite(cells[o.cell]) : fpRead(cells[o.cell]));
            if (c === 1) values[o.cell] = t + 1;
            else seen[t].push(`c${o.cell}=${values[o.cell]}`);
          }
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
  return `${[...names].sort().join(',')}|${pairs.sort().join(',')}|${[...picks].sort().join(',')}`;
}

function explore(p: Op[][], dpor: boolean, bound?: number) {
  const classes: string[] = [];
  const outcomes = new Set<string>();
  const res = systematic((s) => runTasks(setup(p), { strategy: s, observer: s, keepTrace: false }), {
    dpor,
    maxSchedules: 20_000,
    preemptionBound: bound,
    onRun: (_r, s) => {
      classes.push(classOf(s.lastSteps));
      outcomes.add(JSON.stringify([seen, finals, picks.toSorted()]));
    },
  });
  return { res, classes, outcomes };
}

describe('DPOR', () => {
  test.prop([programs], { numRuns: 60, seed: 1 })('misses no equivalence class DFS reaches, and needs no more schedules', (p) => {
    const dfs = explore(p, false);
    fc.pre(dfs.res.complete); // a few programs have too many schedules for brute force
    const dpor = explore(p, true);
    expect(dpor.res.complete).toBe(true);
    expect(new Set(dpor.classes)).toEqual(new Set(dfs.classes));
    expect(dpor.res.schedules).toBeLessThanOrEqual(dfs.res.schedules);
  });

  // A step that decides inside (a fault, a waiter to wake) is re-explored with all its variants
  // when DPOR reverses a race with one of them, so only without such steps is every class run once.
  test.prop([programs.filter((p) => !p.flat().some((o) => o.k === 'pick'))], { numRuns: 600, seed: 3 })(
    'without decisions inside steps, explores exactly one schedule per equivalence class',
    (p) => {
      const dpor = explore(p, true);
      expect(dpor.res.complete).toBe(true);
      expect(new Set(dpor.classes).size).toBe(dpor.classes.length);
    },
  );

  test.prop([programs], { numRuns: 150, seed: 2 })('with a preemption bound b, bounded DPOR reaches every outcome bounded DFS reaches (what each read saw, the final values)', (p) => {
    for (const b of [0, 1, 2]) {
      const dfs = explore(p, false, b);
      const bpor = explore(p, true, b);
      expect(dfs.res.complete && bpor.res.complete).toBe(true);
      for (const o of dfs.outcomes) expect(bpor.outcomes.has(o), o).toBe(true);
    }
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

/** every complete schedule of `p` a systematic search explores, as choices, with its delays (the sum of its thread choices) */
function schedulesOf(p: Op[][], opts: { preemptionBound?: number; delayBound?: number }): Map<string, number> {
  const out = new Map<string, number>();
  const res = systematic((s) => {
    let delays = 0;
    const counting: Strategy = {
      name: s.name,
      choose: (d) => {
        const c = s.choose(d);
        if (d.kind === 'thread') delays += c;
        return c;
      },
      get halted() {
        return s.halted;
      },
    };
    const r = runTasks(setup(p), { strategy: counting, keepTrace: false });
    out.set(r.schedule.choices.join(','), delays);
    return r;
  }, { dpor: false, maxSchedules: 20_000, ...opts });
  fc.pre(res.complete);
  return out;
}

describe('bounded DFS', () => {
  test.prop([programs], { numRuns: 60, seed: 7 })('with delay bound d, explores exactly the schedules of the unbounded search that have at most d delays', (p) => {
    const all = schedulesOf(p, {});
    for (const d of [0, 1, 2, 3]) {
      const bounded = schedulesOf(p, { delayBound: d });
      const want = [...all].filter(([, delays]) => delays <= d).map(([c]) => c);
      expect([...bounded.keys()].sort()).toEqual(want.sort());
    }
  });

  test('delay bound 0 is the round-robin schedule alone; DPOR with a delay bound is refused', () => {
    const p: Op[][] = [[{ k: 'w', cell: 0 }, { k: 'w', cell: 0 }], [{ k: 'w', cell: 0 }]];
    const only = [...schedulesOf(p, { delayBound: 0 }).keys()];
    expect(only).toHaveLength(1);
    expect(only[0].split(',').every((c) => c === '0')).toBe(true);
    expect(() => systematic((s) => runTasks(setup(p), { strategy: s, keepTrace: false }), { dpor: true, delayBound: 1 })).toThrow(/delay bound/);
  });

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

describe('footprint tracking (Engine.track)', () => {
  test('a field read is a read, a write or an object handed out is a write; identity keys touch nothing', () => {
    const seen: (readonly number[] | null)[] = [];
    runTasks(
      (e) => {
        const o = e.track({ n: 1, list: [] as number[], id: 7 }, new Set(['id']));
        const m = new Map<string, number>();
        const tm = e.track(m);
        e.spawn('T', function* () {
          yield new Point('read', undefined, []);
          void o.n;
          yield new Point('write', undefined, []);
          o.n = 2;
          yield new Point('object', undefined, []);
          o.list.push(1);
          yield new Point('identity', undefined, []);
          void o.id;
          yield new Point('map-get', undefined, []);
          tm.get('k');
          yield new Point('map-set', undefined, []);
          tm.set('k', 1);
        }, []);
      },
      { strategy: makeStrategy('random'), observer: { step: (_t, fp) => seen.push(fp) }, keepTrace: false },
    );
    const kinds = seen.slice(1).map((fp) => (fp ?? []).map((a) => (a & 1 ? 'w' : 'r')).join(''));
    expect(kinds).toEqual(['r', 'w', 'w', '', 'r', 'w']);
    // the object and the map are two objects
    expect(seen[1]![0] >> 1).not.toBe(seen[5]![0] >> 1);
  });

  test('without an observer nothing is wrapped', () => {
    runTasks((e) => {
      const o = {};
      expect(e.track(o)).toBe(o);
    }, { strategy: makeStrategy('random'), keepTrace: false });
  });
});
