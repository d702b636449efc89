// What an emulated thread yields to the engine: a scheduling point (before an operation takes
// effect) or a request to block until another task or a timer wakes it. DESIGN.md "Threads are
// generator functions; every API call is a scheduling point".
import { hashString } from './trace.ts';
import type { Footprint } from './types.ts';

export class Point {
  /** the op's string hash for the trace hash, computed once per point */
  private opHashCache = -1;

  constructor(
    /** the operation about to take effect, e.g. 'IoSetCancelRoutine' */
    readonly op: string,
    /** a short argument for labels and the trace, e.g. 'irp#3' */
    readonly data: string | number | undefined = undefined,
    /** objects the operation touches (for DPOR); null = not known, so it conflicts with everything */
    readonly footprint: Footprint | null = null,
  ) {}

  get opHash(): number {
    if (this.opHashCache < 0) this.opHashCache = hashString(this.op);
    return this.opHashCache;
  }
}

export class Block {
  constructor(
    /** what the task waits for, in words: reported on deadlock and hang */
    readonly reason: string,
  ) {}
}

export type Yield = Point | Block;

/**
 * The type of an emulated call that returns T: enter it with `yield*`. A generator function
 * declared `function* (): Routine<T>` is one; so is what every `w.*` / `k.*` call returns.
 */
export interface Routine<T> {
  [Symbol.iterator](): Iterator<Yield, T, unknown>;
}

/** Block the calling task until someone calls `engine.wake(task, value)`; returns that value. */
export function* block(reason: string): Generator<Yield, unknown, unknown> {
  return yield new Block(reason);
}
