// Shrinking: planted bugs of known depth (the fewest preemptions that expose them: 1, 2 and 3), found
// with the random strategy, shrink to schedules with exactly that many preemptions that still fail.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Engine, makeStrategy, type RunResult, runTasks } from '../../core/index.ts';
import { shrinkSchedule } from '../../core/shrink.ts';
import { model } from './model.ts';

type Setup = (e: Engine) => void;

/** background noise: a task that takes many unrelated steps, so random schedules are long */
function noise(e: Engine, name: string, steps: number): void {
  const m = model(e);
  e.spawn(name, function* () {
    for (let i = 0; i < steps; i++) yield* m.step('busy', i);
  }, []);
}

/** depth 1: a lost update; B must run between A's read and A's write */
const lostUpdate: Setup = (e) => {
  const m = model(e);
  let x = 0;
  let done = 0;
  const incr = function* () {
    yield* m.step('pad');
    yield* m.step('read');
    const r = x;
    yield* m.step('write');
    x = r + 1;
    if (++done === 2 && x !== 2) e.fail({ kind: 'check', name: 'PLANTED', message: `x is ${x}` });
  };
  e.spawn('A', incr, []);
  e.spawn('B', incr, []);
  noise(e, 'C', 12);
};

/** depth 2: a1 < b1 < a2 with B not yet done at a2 — A must be preempted, then B */
const sandwich: Setup = (e) => {
  const m = model(e);
  const seen: string[] = [];
  e.spawn('A', function* () {
    yield* m.step('pad');
    yield* m.step('a1');
    seen.push('a1');
    yield* m.step('a2');
    if (seen.join() === 'a1,b1') e.fail({ kind: 'check', name: 'PLANTED', message: 'a1 < b1 < a2 < b2' });
  }, []);
  e.spawn('B', function* () {
    yield* m.step('b1');
    seen.push('b1');
    yield* m.step('b2');
    seen.push('b2');
  }, []);
  noise(e, 'C', 12);
};

/** depth 3: a1 < b1 < a2 < b2 < a3, each thread switched away from while it could go on */
const zigzag: Setup = (e) => {
  const m = model(e);
  const seen: string[] = [];
  e.spawn('A', function* () {
    yield* m.step('a1');
    seen.push('a1');
    yield* m.step('a2');
    seen.push('a2');
    yield* m.step('a3');
    if (seen.join() === 'a1,b1,a2,b2') e.fail({ kind: 'check', name: 'PLANTED', message: 'zigzag' });
  }, []);
  e.spawn('B', function* () {
    yield* m.step('b1');
    seen.push('b1');
    yield* m.step('b2');
    seen.push('b2');
    yield* m.step('b3');
  }, []);
  noise(e, 'C', 12);
  noise(e, 'D', 20);
};

function run(setup: Setup, strategy: ReturnType<typeof makeStrategy>): RunResult {
  return runTasks(setup, { strategy, keepTrace: false });
}

const failsWith = (r: RunResult) => r.findings[0]?.name === 'PLANTED';

function probe(setup: Setup) {
  return (choices: number[]) => {
    const r = run(setup, makeStrategy('replay', { choices }));
    return { fails: failsWith(r), choices: r.schedule.choices, preemptions: r.stats.preemptions };
  };
}

/** the first `count` random seeds whose run shows the planted bug */
function failingSeeds(setup: Setup, count: number): RunResult[] {
  const found: RunResult[] = [];
  for (let seed = 0; seed < 10_000 && found.length < count; seed++) {
    const r = run(setup, makeStrategy('random', { seed }));
    if (failsWith(r)) found.push(r);
  }
  return found;
}

describe.each([
  { name: 'a lost update', setup: lostUpdate, depth: 1 },
  { name: 'an a1 < b1 < a2 < b2 order', setup: sandwich, depth: 2 },
  { name: 'a zigzag a1 < b1 < a2 < b2 < a3 among four threads', setup: zigzag, depth: 3 },
])('shrinking $name (depth $depth)', ({ setup, depth }) => {
  test('every failing schedule has at least that many preemptions', () => {
    expect(failsWith(run(setup, makeStrategy('replay', { choices: [] })))).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.nat(3), { maxLength: 40 }), (choices) => {
        const r = run(setup, makeStrategy('replay', { choices }));
        return !failsWith(r) || r.stats.preemptions >= depth;
      }),
      { numRuns: 500, seed: depth },
    );
  });

  test.each([0, 1, 2, 3, 4])('the random failing schedule #%i shrinks to exactly the depth and still fails', (i) => {
    const r = failingSeeds(setup, 5)[i];
    expect(r, 'random strategy found the planted bug').toBeDefined();
    const shrunk = shrinkSchedule(r.schedule.choices, probe(setup));
    const again = run(setup, makeStrategy('replay', { choices: shrunk.choices }));
    expect(failsWith(again)).toBe(true);
    expect(again.stats.preemptions).toBe(depth);
    expect(shrunk.choices.length).toBeLessThanOrEqual(r.schedule.choices.length);
    expect(shrunk.runs).toBeLessThanOrEqual(2000);
  });
});

describe('shrinkSchedule', () => {
  test('a schedule that does not fail is returned unchanged after one run', () => {
    const out = shrinkSchedule([1, 2, 3], () => ({ fails: false, choices: [1, 2, 3], preemptions: 3 }));
    expect(out).toEqual({ choices: [1, 2, 3], runs: 1 });
  });

  test('maxRuns bounds the number of replays', () => {
    let calls = 0;
    const six = [5, 5, 5, 5, 5, 5];
    const out = shrinkSchedule(
      six,
      (c) => {
        calls++;
        return { fails: c.join() === six.join(), choices: c, preemptions: 6 };
      },
      { maxRuns: 7 },
    );
    expect(out.runs).toBe(7);
    expect(calls).toBe(7);
  });

  test('a predicate that fails whenever choice 3 is non-zero shrinks to [0, 0, 0, 1]', () => {
    const out = shrinkSchedule([4, 2, 7, 3, 9, 1], (c) => {
      const taken = [0, 1, 2, 3, 4, 5].map((i) => c[i] ?? 0);
      return { fails: taken[3] !== 0, choices: taken, preemptions: taken.filter((x) => x !== 0).length };
    });
    expect(out.choices).toEqual([0, 0, 0, 1]);
  });

  test('any failing random schedule of the lost update shrinks to one that fails with no more preemptions', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5), { maxLength: 60 }), (choices) => {
        const before = run(lostUpdate, makeStrategy('replay', { choices }));
        fc.pre(failsWith(before));
        const shrunk = shrinkSchedule(choices, probe(lostUpdate), { maxRuns: 300 });
        const after = run(lostUpdate, makeStrategy('replay', { choices: shrunk.choices }));
        return failsWith(after) && after.stats.preemptions <= before.stats.preemptions;
      }),
      { numRuns: 40, seed: 42 },
    );
  });

  test('shrinking is deterministic: the same input gives the same output', () => {
    const r = failingSeeds(sandwich, 1)[0];
    const a = shrinkSchedule(r.schedule.choices, probe(sandwich));
    const b = shrinkSchedule(r.schedule.choices, probe(sandwich));
    expect(a).toEqual(b);
  });
});
