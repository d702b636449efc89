// Properties of the engine (issue 2, "Tests"): determinism, schedules as total data, replay,
// preemption counting, timer order, exact deadlock detection, and PCT's edge over a fixed order.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type Engine, makeStrategy, type RunResult, runTasks, type Strategy } from '../../core/index.ts';
import { type Ev, model } from './model.ts';

type Action = { k: 'step' } | { k: 'set'; e: number } | { k: 'wait'; e: number } | { k: 'sleep'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constant({ k: 'step' as const }),
  fc.record({ k: fc.constant('set' as const), e: fc.nat(2) }),
  fc.record({ k: fc.constant('wait' as const), e: fc.nat(2) }),
  fc.record({ k: fc.constant('sleep' as const), ms: fc.nat(30) }),
);
const program = fc.array(fc.array(action, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });

function setupProgram(p: Action[][]) {
  return (e: Engine) => {
    const m = model(e);
    const evs: Ev[] = [m.event(), m.event(), m.event()];
    p.forEach((actions, i) => {
      e.spawn(`T${i}`, function* () {
        for (const a of actions) {
          if (a.k === 'step') yield* m.step('step');
          else if (a.k === 'set') yield* m.set(evs[a.e]);
          else if (a.k === 'wait') yield* m.wait(evs[a.e]);
          else yield* m.sleep(a.ms);
        }
      }, []);
    });
  };
}

const run = (p: Action[][], strategy: Strategy, expectLabels?: readonly string[]): RunResult =>
  runTasks(setupProgram(p), { strategy, expectLabels, limits: { deadlineMs: 10_000 } });

describe('engine properties', () => {
  test.prop([program, fc.integer()])('the same seed gives the identical trace hash and schedule', (p, seed) => {
    const a = run(p, makeStrategy('random', { seed }));
    const b = run(p, makeStrategy('random', { seed }));
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.schedule.choices).toEqual(a.schedule.choices);
    expect(b.outcome).toBe(a.outcome);
  });

  test.prop([program, fc.array(fc.integer({ min: -5, max: 1000 }))])(
    'every number[] is a valid schedule, and replaying result.schedule reproduces the run exactly',
    (p, choices) => {
      const first = run(p, makeStrategy('replay', { choices }));
      expect(first.outcome).not.toBe('crash');
      const again = run(p, makeStrategy('replay', { choices: first.schedule.choices }), first.schedule.labels);
      expect(again.traceHash).toBe(first.traceHash);
      expect(again.schedule.choices).toEqual(first.schedule.choices);
      expect(again.schedule.labels).toEqual(first.schedule.labels);
      expect(again.findings).toEqual(first.findings);
    },
  );

  test.prop([program])('all-zero choices give zero preemptions', (p) => {
    const r = run(p, makeStrategy('replay', { choices: [] }));
    expect(r.stats.preemptions).toBe(0);
    expect(r.schedule.choices.every((c) => c === 0)).toBe(true);
  });

  test.prop([program, fc.integer()])('a decision is recorded only where two or more options are enabled', (p, seed) => {
    const r = run(p, makeStrategy('random', { seed }));
    for (const label of r.schedule.labels) {
      const count = Number(/\[(\d+)\]/.exec(label)?.[1]);
      expect(count).toBeGreaterThanOrEqual(2);
    }
  });

  test.prop([fc.array(fc.array(fc.nat(50), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), fc.integer()])(
    'timers fire in due order: each sleeper wakes exactly at its due time, and time never goes back',
    (sleeps, seed) => {
      const wakes: { task: number; at: number; due: number }[] = [];
      runTasks(
        (e) => {
          const m = model(e);
          sleeps.forEach((list, i) => {
            e.spawn(`S${i}`, function* () {
              for (const ms of list) {
                const due = e.nowMs + ms;
                yield* m.sleep(ms);
                wakes.push({ task: i, at: e.nowMs, due });
              }
            }, []);
          });
        },
        { strategy: makeStrategy('random', { seed }) },
      );
      expect(wakes).toHaveLength(sleeps.flat().length);
      for (const w of wakes) expect(w.at).toBe(w.due);
      for (let i = 1; i < wakes.length; i++) expect(wakes[i].at).toBeGreaterThanOrEqual(wakes[i - 1].at);
    },
  );

  // Task i waits for the events of its dependencies (in order), then signals its own event. It can
  // finish iff none of its dependencies can reach a cycle, so the stuck set is known in advance.
  const waitGraph = fc
    .integer({ min: 1, max: 6 })
    .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.uniqueArray(fc.nat(n - 1), { maxLength: 3 }), { minLength: n, maxLength: n })));

  test.prop([waitGraph, fc.integer()])('deadlock detection is exact on random wait graphs', ([n, deps], seed) => {
    const finishes = new Map<number, boolean>();
    const canFinish = (i: number, path: Set<number>): boolean => {
      if (finishes.has(i)) return finishes.get(i)!;
      if (path.has(i)) return false;
      path.add(i);
      const ok = deps[i].every((d) => canFinish(d, path));
      path.delete(i);
      finishes.set(i, ok);
      return ok;
    };
    const stuck = [...Array(n).keys()].filter((i) => !canFinish(i, new Set()));
    const r = runTasks(
      (e) => {
        const m = model(e);
        const evs = [...Array(n)].map(() => m.event());
        for (let i = 0; i < n; i++) {
          e.spawn(`T${i}`, function* () {
            for (const d of deps[i]) yield* m.wait(evs[d]);
            yield* m.set(evs[i]);
          }, []);
        }
      },
      { strategy: makeStrategy('random', { seed }) },
    );
    if (stuck.length === 0) {
      expect(r.outcome).toBe('ok');
    } else {
      expect(r.outcome).toBe('deadlock');
      const named = [...r.findings[0].message.matchAll(/T(\d+) waits for/g)].map((x) => Number(x[1])).sort((a, b) => a - b);
      expect(named).toEqual(stuck);
    }
  });
});

describe('PCT', () => {
  // A planted depth-2 bug: B must observe x between A's two writes (A sets x after 20 steps and
  // clears it 1 step later). Running each task to completion never sees it.
  function plantedBug(strategy: Strategy): boolean {
    let seen = false;
    runTasks(
      (e) => {
        const m = model(e);
        let x = 0;
        e.spawn('A', function* () {
          for (let i = 0; i < 20; i++) yield* m.step('a');
          x = 1;
          yield* m.step('a');
          x = 0;
          for (let i = 0; i < 20; i++) yield* m.step('a');
        }, []);
        e.spawn('B', function* () {
          for (let i = 0; i < 5; i++) yield* m.step('b');
          if (x === 1) seen = true;
          for (let i = 0; i < 5; i++) yield* m.step('b');
        }, []);
      },
      { strategy },
    );
    return seen;
  }

  test('with depth 2 PCT finds a planted depth-2 ordering bug far more often than a fixed order', () => {
    const runs = 300;
    let pct = 0;
    let random = 0;
    let fixed = 0;
    for (let seed = 0; seed < runs; seed++) {
      if (plantedBug(makeStrategy('pct:2', { seed, pctSteps: 60 }))) pct++;
      if (plantedBug(makeStrategy('random', { seed }))) random++;
      if (plantedBug(makeStrategy('replay', { choices: [] }))) fixed++;
    }
    expect(fixed).toBe(0);
    // PCT's guarantee for n = 2 tasks, k = 60 decisions, d = 2 is 1/(n·k) per run: 2.5 in 300
    expect(pct).toBeGreaterThanOrEqual(Math.floor(runs / (2 * 60)));
    expect(pct).toBeGreaterThan(random);
  });
});
