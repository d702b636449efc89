// A core-only demonstration until the seed scenarios land: two tasks increment a shared counter
// with a read and a write that are separate scheduling points, so one update can be lost.
import { type Engine, fpRead, fpWrite, Point, type Routine } from '../../index.ts';

export const name = 'demo/lost-update';
export const description = 'two tasks do counter++ as read then write; an interleaving loses an update';

export function setup(e: Engine, result: { value: number }): void {
  const cell = e.newObjectId();
  let counter = 0;
  function* read(): Generator<Point, number> {
    yield new Point('read', 'counter', [fpRead(cell)]);
    return counter;
  }
  function* write(v: number): Generator<Point, void> {
    yield new Point('write', 'counter', [fpWrite(cell)]);
    counter = v;
    result.value = counter;
  }
  const body = function* (): Routine<void> {
    for (let i = 0; i < 3; i++) {
      const v = yield* e.call('read', read()) as Routine<number>;
      yield* e.call('write', write(v + 1)) as Routine<void>;
    }
  };
  e.spawn('A', body, []);
  e.spawn('B', body, []);
}

export const expected = 6;
