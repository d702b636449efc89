// Races under many schedules (issue 3 "Tests"; spec/kernel.md §2.5, §4.3, §8): property tests over
// seeds with the 'random' and 'pct' strategies. The race-free lock protocol (§2.5) and a cancel-safe
// queue (§4) never produce a finding while a timer DPC and a flusher thread complete requests and
// another thread cancels them; the two classic mistakes of §8 are found within a fixed budget.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type Finding, type RunResult, type Scenario, simulate } from '../../index.ts';
import { csqDriver, newStats } from './csq-driver.ts';
import { describeFindings } from './harness.ts';
import { queueDriver } from './queue-driver.ts';
import { type RaceOptions, type RaceState, raceScenario } from './race-app.ts';

const RUNS = 300;
const BUDGET = 400;
/** PCT's expected run length: these runs take 15 to 75 decisions */
const PCT_STEPS = 60;
const STRATEGIES = ['random', 'pct'] as const;
/** request 0 is cancelled while it is dispatched, request 1 at 2 ms along with the flusher (and the timer DPC), request 2 races cleanup */
const full: RaceOptions = { requests: 3, cancelDelaysMs: [0, 2, 0], flusher: true, slowLast: true };
const single: RaceOptions = { requests: 1, cancelDelaysMs: [0], flusher: false, slowLast: false };

/** half the runs complete requests from a DPC queued at once (it runs alongside the threads), half from a timer DPC */
const completionOf = (seed: number) => (seed % 2 === 0 ? 'dpc' : 'timer');

const sim = (sc: Scenario<RaceState>, strategy: string, seed: number) => simulate(sc, { strategy, seed, keepTrace: false, pctSteps: PCT_STEPS });

function expectClean(r: RunResult): void {
  expect(r.findings, describeFindings(r)).toEqual([]);
  expect(r.outcome).toBe('ok');
}

describe.each(STRATEGIES)('under the %s strategy', (strategy) => {
  test.prop([fc.integer()], { numRuns: RUNS })(
    'a driver with its own lock, the cancel-routine exchange and a cleanup handler (§2.5) never produces a finding',
    (seed) => {
      expectClean(sim(raceScenario('races/lock-protocol', queueDriver({ variant: 'race-free', completion: completionOf(seed) }), full), strategy, seed));
    },
  );

  test.prop([fc.integer()], { numRuns: RUNS })('a driver built on a cancel-safe queue (§4.3) never produces a finding', (seed) => {
    const stats = newStats();
    expectClean(sim(raceScenario('races/csq', csqDriver({ stats, completion: completionOf(seed) }), full), strategy, seed));
    expect(stats.completedUnderLock).toBe(0);
  });
});

test('IoCsqRemoveNextIrp skips an IRP whose cancel routine has started and leaves it to that routine (§4.2, §4.3): some schedule shows it, and it is clean', () => {
  let seen = -1;
  for (let seed = 0; seed < BUDGET && seen < 0; seed++) {
    const stats = newStats();
    expectClean(sim(raceScenario('races/csq', csqDriver({ stats, completion: completionOf(seed) }), full), 'random', seed));
    if (stats.skips > 0) seen = seed;
  }
  expect(seen).toBeGreaterThanOrEqual(0);
});

/** the first seed (of BUDGET) whose run has a finding `wanted` accepts, and every finding seen */
function search(make: () => Scenario<RaceState>, strategy: string, wanted: (f: Finding) => boolean) {
  const seen = new Set<string>();
  for (let seed = 0; seed < BUDGET; seed++) {
    const r = sim(make(), strategy, seed);
    for (const f of r.findings) seen.add(`${f.kind} ${f.name}${f.subcode === undefined ? '' : ` 0x${f.subcode.toString(16)}`}`);
    if (r.findings.some(wanted)) return { seed, seen: [...seen].join('; ') };
  }
  return { seed: -1, seen: [...seen].join('; ') };
}

const lostCancel = (f: Finding) => (f.code === 0xc4 && f.subcode === 0x135) || f.kind === 'hang' || f.kind === 'deadlock';
const doubleCompletion = (f: Finding) => f.code === 0x44 || f.code === 0xd5;
const testThenSet = () => raceScenario('races/test-then-set', queueDriver({ variant: 'test-then-set', completion: 'none' }), single);
const noSecondExchange = () => raceScenario('races/no-second-exchange', queueDriver({ variant: 'no-second-exchange', completion: 'timer' }), single);

describe('buggy drivers', () => {
  test.each(STRATEGIES)(`"test-then-set" (§8 race 1) loses a cancel — 0xC4/0x135 or a hang — within ${BUDGET} %s seeds`, (strategy) => {
    const { seed, seen } = search(testThenSet, strategy, lostCancel);
    expect(seed, seen).toBeGreaterThanOrEqual(0);
  });

  test.each(STRATEGIES)(`"set-then-test without the second exchange" (§8 race 2) completes twice — 0x44 or 0xD5 — within ${BUDGET} %s seeds`, (strategy) => {
    const { seed, seen } = search(noSecondExchange, strategy, doubleCompletion);
    expect(seed, seen).toBeGreaterThanOrEqual(0);
  });

  // when the dispatch routine sees Cancel before IoCancelIrp's own exchange, it completes an IRP
  // whose cancel routine is still set: the verifier stops the same bug one step earlier
  test('in other schedules "set-then-test without the second exchange" is caught as 0xC9/0x07, completing with the cancel routine still set', () => {
    const { seed, seen } = search(noSecondExchange, 'random', (f) => f.code === 0xc9 && f.subcode === 0x07);
    expect(seed, seen).toBeGreaterThanOrEqual(0);
  });
});
