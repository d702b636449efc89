// A minimal task model on top of the engine, for the engine's own tests: labelled steps, events
// (set / wait, manual-reset), and sleeps. Knows nothing of Windows, like core/.
import { block, type Engine, type Footprint, fpWrite, Point, type Routine, type Task } from '../../core/index.ts';

export interface Ev {
  id: number;
  signaled: boolean;
  waiters: Task[];
}

export interface Model {
  step(name: string, data?: string | number, fp?: Footprint): Routine<void>;
  event(): Ev;
  set(ev: Ev): Routine<void>;
  wait(ev: Ev): Routine<void>;
  sleep(ms: number): Routine<void>;
}

export function model(e: Engine): Model {
  function* stepGen(name: string, data: string | number | undefined, fp: Footprint | undefined): Generator<Point, void> {
    yield new Point(name, data, fp);
  }
  function* setGen(ev: Ev): Generator<Point, void> {
    yield new Point('set', `ev#${ev.id}`, [fpWrite(ev.id)]);
    ev.signaled = true;
    for (const w of ev.waiters) e.wake(w);
    ev.waiters = [];
  }
  function* waitGen(ev: Ev) {
    yield new Point('wait', `ev#${ev.id}`, [fpWrite(ev.id)]);
    if (ev.signaled) return;
    ev.waiters.push(e.current!);
    yield* block(`ev#${ev.id}`);
  }
  function* sleepGen(ms: number) {
    yield new Point('sleep', ms, []);
    const t = e.current!;
    e.setTimer(ms, `wake ${t.name}`, () => e.wake(t));
    yield* block(`sleep ${ms} ms`);
  }
  return {
    step: (name, data, fp) => e.call(name, stepGen(name, data, fp)) as Routine<void>,
    event: () => ({ id: e.newObjectId(), signaled: false, waiters: [] }),
    set: (ev) => e.call('set', setGen(ev)) as Routine<void>,
    wait: (ev) => e.call('wait', waitGen(ev)) as Routine<void>,
    sleep: (ms) => e.call('sleep', sleepGen(ms)) as Routine<void>,
  };
}
