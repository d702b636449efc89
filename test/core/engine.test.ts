// The engine's rules, one example each: decision points, option 0, outcomes, determinism findings.
import { describe, expect, test } from 'vitest';
import { Engine, makeStrategy, ReplayDivergenceError, runTasks, ScenarioError } from '../../core/index.ts';
import { model } from './model.ts';

const zero = () => makeStrategy('replay', { choices: [] });

describe('decision points', () => {
  test('a single task takes no decision however many scheduling points it passes', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('solo', function* () {
          for (let i = 0; i < 50; i++) yield* m.step('s', i);
        }, []);
      },
      { strategy: makeStrategy('random', { seed: 7 }) },
    );
    expect(r.outcome).toBe('ok');
    expect(r.stats.decisions).toBe(0);
    expect(r.stats.steps).toBe(51);
  });

  test('option 0 lets the running task continue: all-zero choices run tasks to completion one by one', () => {
    const order: string[] = [];
    runTasks(
      (e) => {
        const m = model(e);
        for (const name of ['A', 'B']) {
          e.spawn(name, function* () {
            for (let i = 0; i < 3; i++) {
              yield* m.step('s');
              order.push(name);
            }
          }, []);
        }
      },
      { strategy: zero() },
    );
    expect(order).toEqual(['A', 'A', 'A', 'B', 'B', 'B']);
  });

  test('choosing another task while the running one could go on is a preemption; picking who starts is not', () => {
    const order: string[] = [];
    const r = runTasks(
      (e) => {
        const m = model(e);
        for (const name of ['A', 'B']) {
          e.spawn(name, function* () {
            yield* m.step('s');
            order.push(name);
          }, []);
        }
      },
      { strategy: makeStrategy('replay', { choices: [0, 1] }) },
    );
    expect(order).toEqual(['B', 'A']);
    expect(r.stats.preemptions).toBe(1);
    expect(r.schedule.labels.slice(0, 2)).toEqual(['thread[2] A@start', 'thread[2] B@start']);
  });

  test('the first choice picks which task starts, without counting a preemption', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        for (const name of ['A', 'B']) e.spawn(name, function* () {
          yield* m.step('s');
        }, []);
      },
      { strategy: makeStrategy('replay', { choices: [1] }) },
    );
    expect(r.schedule.labels[0]).toBe('thread[2] B@start');
    expect(r.stats.preemptions).toBe(0);
  });
});

describe('outcomes', () => {
  test('all tasks blocked with no timer is a deadlock naming who waits for what', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        const a = m.event();
        const b = m.event();
        e.spawn('A', function* () {
          yield* m.wait(a);
          yield* m.set(b);
        }, []);
        e.spawn('B', function* () {
          yield* m.wait(b);
          yield* m.set(a);
        }, []);
      },
      { strategy: zero() },
    );
    expect(r.outcome).toBe('deadlock');
    expect(r.findings[0].kind).toBe('deadlock');
    expect(r.findings[0].message).toContain('A waits for ev#1');
    expect(r.findings[0].message).toContain('B waits for ev#2');
  });

  test('a task still polling at the virtual deadline is a hang naming what it does', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('poller', function* () {
          for (;;) yield* m.sleep(100);
        }, []);
      },
      { strategy: zero(), limits: { deadlineMs: 1_000 } },
    );
    expect(r.outcome).toBe('hang');
    expect(r.findings[0].message).toContain('poller waits for sleep 100 ms');
    expect(r.stats.virtualTimeMs).toBe(1_000);
  });

  test('the step limit ends a busy run with outcome step-limit', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('spin', function* () {
          for (;;) yield* m.step('spin');
        }, []);
      },
      { strategy: zero(), limits: { maxSteps: 500 } },
    );
    expect(r.outcome).toBe('step-limit');
    expect(r.stats.steps).toBe(500);
  });

  test('an exception thrown in a task is a crash finding carrying the error and its stack', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('bad', function* () {
          yield* m.step('s');
          throw new TypeError('boom');
        }, []);
      },
      { strategy: zero() },
    );
    expect(r.outcome).toBe('crash');
    expect(r.findings[0]).toMatchObject({ kind: 'crash', name: 'TypeError', thread: 'bad' });
    expect(r.findings[0].message).toContain('boom');
    expect(r.findings[0].stack).toContain('engine.test.ts');
  });

  test('a fatal finding stops the run and the other tasks are closed with return(), running their finally', () => {
    const closed: string[] = [];
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('victim', function* () {
          try {
            for (;;) yield* m.step('loop');
          } finally {
            closed.push('victim');
          }
        }, []);
        e.spawn('killer', function* () {
          yield* m.step('s');
          e.fail({ kind: 'bugcheck', code: 0x44, name: 'MULTIPLE_IRP_COMPLETE_REQUESTS', message: 'twice' });
        }, []);
      },
      { strategy: makeStrategy('replay', { choices: [0, 1] }) },
    );
    expect(r.outcome).toBe('bugcheck');
    expect(r.findings[0]).toMatchObject({ code: 0x44, thread: 'killer' });
    expect(closed).toEqual(['victim']);
  });

  test('a non-fatal report is kept and the run goes on', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('t', function* () {
          yield* m.step('s');
          e.report({ kind: 'verifier', name: 'X', message: 'noted' });
          yield* m.step('s');
        }, []);
      },
      { strategy: zero() },
    );
    expect(r.outcome).toBe('ok');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ kind: 'verifier', step: 2, thread: 't' });
  });
});

describe('determinism errors', () => {
  test('an emulated call without yield* is a determinism finding naming the call and the line', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('forgetful', function* () {
          m.set(m.event()); // the bug: no yield*
          yield* m.step('after');
        }, []);
      },
      { strategy: zero() },
    );
    expect(r.outcome).toBe('crash');
    expect(r.findings[0]).toMatchObject({ kind: 'determinism', name: 'FORGOTTEN_YIELD_STAR' });
    expect(r.findings[0].message).toMatch(/set\(…\) was called but never entered with yield\*.*engine\.test\.ts:\d+/);
  });

  test('a forgotten yield* just before the thread ends is caught too', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('t', function* () {
          yield* m.step('s');
          m.step('last');
        }, []);
      },
      { strategy: zero() },
    );
    expect(r.findings[0]?.name).toBe('FORGOTTEN_YIELD_STAR');
  });

  test('a bare yield of a call (yield instead of yield*) is a determinism finding', () => {
    const r = runTasks(
      (e) => {
        const m = model(e);
        e.spawn('t', function* (): Generator<unknown, void, unknown> {
          yield 42;
          yield* m.step('s');
        }, []);
      },
      { strategy: zero() },
    );
    expect(r.findings[0]).toMatchObject({ kind: 'determinism', name: 'BAD_YIELD' });
  });

  test('a thread body that is not a generator function is rejected with a clear error', () => {
    const e = new Engine({ strategy: zero() });
    expect(() => e.spawn('plain', () => 1, [])).toThrow(ScenarioError);
    expect(() => e.spawn('async', async () => 1, [])).toThrow(/async function/);
  });
});

describe('replay', () => {
  test('a replay whose labels no longer match stops with a divergence naming the decision', () => {
    const setup = (names: string[]) => (e: Engine) => {
      const m = model(e);
      for (const n of names) e.spawn(n, function* () {
        yield* m.step('s');
      }, []);
    };
    const first = runTasks(setup(['A', 'B']), { strategy: makeStrategy('replay', { choices: [1] }) });
    expect(() =>
      runTasks(setup(['A', 'C']), {
        strategy: makeStrategy('replay', { choices: first.schedule.choices }),
        expectLabels: first.schedule.labels,
      }),
    ).toThrow(ReplayDivergenceError);
  });
});

describe('timers', () => {
  test('timers due at the same instant are a timer-tie decision', () => {
    const woke: string[] = [];
    const setup = (e: Engine) => {
      const m = model(e);
      for (const n of ['A', 'B']) e.spawn(n, function* () {
        yield* m.sleep(10);
        woke.push(n);
      }, []);
    };
    const r0 = runTasks(setup, { strategy: makeStrategy('replay', { choices: [] }) });
    const first0 = woke.splice(0)[0];
    const r1 = runTasks(setup, { strategy: makeStrategy('replay', { choices: [0, 0, 1] }) });
    const first1 = woke.splice(0)[0];
    expect(r0.schedule.labels).toEqual(['thread[2] A@start', 'thread[2] A@sleep(10)', 'timer-tie[2] timer:wake A']);
    expect(first0).toBe('A');
    expect(first1).toBe('B');
    expect(r1.stats.virtualTimeMs).toBe(10);
  });
});
