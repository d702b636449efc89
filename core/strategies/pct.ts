// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010):
// every task gets a random priority above d; the highest-priority enabled task runs; at d-1 change
// points chosen uniformly among the first `steps` decisions, the task about to run drops to priority
// i (below every initial one). A bug of depth d is found with probability at least 1/(n·k^(d-1)).
// Deviation, written down: change points count 'thread' decisions (points with ≥ 2 enabled tasks),
// not every step, as Coyote does; 'timer-tie' decisions are uniform random, 'fault' ones rare (as under random), and
// 'wake-one' wakes the highest-priority waiter.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Decision, Strategy } from '../strategy.ts';
import { chooseFault } from './random.ts';

export interface PctOptions {
  /** bug depth d ≥ 1: d-1 priority change points */
  depth: number;
  /** the expected number of 'thread' decisions in a run (k); change points fall in [0, k) */
  steps: number;
}

export class PctStrategy implements Strategy {
  readonly name: string;
  private readonly rng;
  private readonly priority = new Map<number, number>();
  /** decision index of change point i (lowering to priority depth-1-i) */
  private readonly changeAt: number[] = [];
  private threadDecisions = 0;

  constructor(
    readonly seed: number,
    private readonly opts: PctOptions,
  ) {
    this.name = `pct:${opts.depth}`;
    this.rng = xoroshiro128plus(seed | 0);
    const k = Math.max(1, Math.floor(opts.steps));
    for (let i = 0; i < opts.depth - 1; i++) this.changeAt.push(uniformInt(this.rng, 0, k - 1));
  }

  choose(d: Decision): number {
    if (d.kind === 'thread') return this.chooseThread(d);
    if (d.kind === 'wake-one') return this.highest(d);
    if (d.kind === 'fault') return chooseFault(this.rng, d.count);
    return uniformInt(this.rng, 0, d.count - 1);
  }

  private chooseThread(d: Decision): number {
    const at = this.threadDecisions++;
    let best = this.highest(d);
    for (let i = 0; i < this.changeAt.length; i++) {
      if (this.changeAt[i] !== at) continue;
      // lower the task that would run now below every initial priority (which are ≥ depth)
      this.priority.set(d.taskId(best), this.opts.depth - 1 - i);
      best = this.highest(d);
    }
    return best;
  }

  private highest(d: Decision): number {
    let best = 0;
    let bestPriority = -1;
    for (let i = 0; i < d.count; i++) {
      const p = this.priorityOf(d.taskId(i));
      if (p > bestPriority) {
        best = i;
        bestPriority = p;
      }
    }
    return best;
  }

  private priorityOf(taskId: number): number {
    let p = this.priority.get(taskId);
    if (p === undefined) {
      // distinct random priorities above the change-point range: depth + a random 30-bit value,
      // with the task id as the fractional tie-break so no two tasks are ever equal
      p = this.opts.depth + uniformInt(this.rng, 0, 0x3fffffff) + taskId / 0x100000;
      this.priority.set(taskId, p);
    }
    return p;
  }
}
