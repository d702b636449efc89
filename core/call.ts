// Emulated calls that know whether they were entered. In plain JavaScript `w.SetEvent(h)` without
// `yield*` silently does nothing; here the call is registered with its task when created and
// unregistered when `yield*` asks for its iterator, so the engine reports a forgotten `yield*` at
// the task's next yield (DESIGN.md, last paragraph of "Threads are generator functions").
import type { Routine, Yield } from './point.ts';
import type { Task } from './task.ts';

export class Call<T> implements Routine<T> {
  /** where the call was created; captured only when the engine asks for stacks */
  readonly stack: string | undefined;

  constructor(
    private readonly task: Task,
    readonly name: string,
    private readonly gen: Iterator<Yield, T, unknown>,
    captureStack: boolean,
  ) {
    task.unentered.push(this as Call<unknown>);
    this.stack = captureStack ? new Error().stack : undefined;
  }

  [Symbol.iterator](): Iterator<Yield, T, unknown> {
    const list = this.task.unentered;
    const last = list.length - 1;
    if (list[last] === (this as Call<unknown>)) list.pop();
    else {
      const i = list.indexOf(this as Call<unknown>);
      if (i >= 0) list.splice(i, 1);
    }
    return this.gen;
  }
}

/**
 * Replaces every generator method of a prototype by one that registers the call with the engine
 * (so a forgotten yield* is reported); the instance must expose `engine`. Used for the `w` and `k`
 * contexts, whose methods are the emulated Win32 and DDI calls.
 */
export function trackCalls(proto: object): void {
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    const f = d?.value;
    if (typeof f !== 'function' || f.constructor?.name !== 'GeneratorFunction') continue;
    Object.defineProperty(proto, name, {
      ...d,
      value: function (this: { engine: { call(n: string, g: unknown): unknown } }, ...args: unknown[]) {
        return this.engine.call(name, f.apply(this, args));
      },
    });
  }
}
