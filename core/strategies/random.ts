// Uniform random choice at every decision, from a seeded PRNG (pure-rand's xoroshiro128+):
// the same seed gives the same schedule in any process.
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
    return uniformInt(this.rng, 0, d.count - 1);
  }
}
