// Replays a choice array. Every number[] is a valid schedule (DESIGN.md "A schedule is data"):
// a missing choice means 0, an out-of-range one is taken modulo the option count, anything that is
// not a finite integer counts as 0.
import type { Decision, Strategy } from '../strategy.ts';

export class ReplayStrategy implements Strategy {
  readonly name = 'replay';

  constructor(private readonly choices: readonly number[]) {}

  choose(d: Decision): number {
    const c = this.choices[d.index];
    if (c === undefined || !Number.isFinite(c)) return 0;
    const n = d.count;
    return ((Math.trunc(c) % n) + n) % n;
  }
}
