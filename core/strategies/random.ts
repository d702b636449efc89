// Uniform random choice at every decision, from a seeded PRNG (pure-rand's xoroshiro128+):
// the same seed gives the same schedule in any process. Fault decisions are the exception: a fault
// is injected at one decision in FAULT_ODDS, so a run is not ended by faults at its first steps.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Decision, Strategy } from '../strategy.ts';

export class RandomStrategy implements Strategy {
  readonly name = 'random';
  private readonly rng;

  constructor(readonly seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }

  choose(d: Decision): number {
    if (d.kind === 'fault') return chooseFault(this.rng, d.count);
    return uniformInt(this.rng, 0, d.count - 1);
  }
}

/** faults are rare events: one decision in FAULT_ODDS injects one (uniformly among the faults) */
export const FAULT_ODDS = 32;

export function chooseFault(rng: Parameters<typeof uniformInt>[0], count: number): number {
  if (uniformInt(rng, 0, FAULT_ODDS - 1) !== 0) return 0;
  return uniformInt(rng, 1, count - 1);
}
