// An emulated thread as the engine sees it: a generator, a state, the point it is paused at.
// The engine alone resumes it (DESIGN.md "Threads are generator functions").
import { type Block, Point, type Yield } from './point.ts';
import { hashString } from './trace.ts';
import { EMPTY_FOOTPRINT } from './types.ts';
import type { Call } from './call.ts';

export const READY = 0;
export const BLOCKED = 1;
export const DONE = 2;
export type TaskState = typeof READY | typeof BLOCKED | typeof DONE;

export const START_POINT = new Point('start', undefined, EMPTY_FOOTPRINT);
export const WAKE_POINT = new Point('wake', undefined, EMPTY_FOOTPRINT);

export type TaskBody = (...args: never[]) => Iterator<Yield, unknown, unknown>;

export class Task {
  state: TaskState = READY;
  /** the scheduling point the task is paused at (START_POINT before its first step, WAKE_POINT after a wake) */
  point: Point = START_POINT;
  /** why it is blocked, while state === BLOCKED */
  blockedOn: Block | null = null;
  /** the value the next resumption passes in (a wake value) */
  resumeValue: unknown = undefined;
  /** emulated calls created and not yet entered with yield* */
  readonly unentered: Call<unknown>[] = [];
  exitValue: unknown = undefined;
  /** index in the engine's list of live tasks (round-robin order) */
  slot = 0;
  /** whatever the layer above attaches (the kernel's thread object) */
  owner: unknown = undefined;

  /** the name's string hash, for the trace hash */
  readonly nameHash: number;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly gen: Iterator<Yield, unknown, unknown>,
    /** daemons (system worker threads) do not keep a run alive */
    readonly daemon: boolean,
  ) {
    this.nameHash = hashString(name);
  }
}
