// Decision points: the reusable view a strategy sees, and the log that turns the choices into a
// Schedule (choices + labels). A point with one option records nothing (STYLE.md 3). Replay may
// pass the labels it expects: the first decision whose label differs is a divergence.
import { emulatorBug, ReplayDivergenceError } from './errors.ts';
import type { Point } from './point.ts';
import { ChunkedList } from './chunked.ts';
import type { Decision, Strategy } from './strategy.ts';
import type { Task } from './task.ts';
import { type DecisionKind, EMPTY_FOOTPRINT, type Footprint, type Schedule } from './types.ts';

export function describePoint(task: string, p: Point): string {
  return p.data === undefined ? `${task}@${p.op}` : `${task}@${p.op}(${p.data})`;
}

export function describeTask(t: Task): string {
  return describePoint(t.name, t.point);
}

export class DecisionView implements Decision {
  kind: DecisionKind = 'thread';
  count = 0;
  index = 0;
  step = 0;
  preemptive = false;
  /** options that are tasks ('thread', 'wake-one'); otherwise empty */
  readonly tasks: Task[] = [];
  /** descriptions of options that are not tasks */
  descriptions: readonly string[] = [];

  taskId(i: number): number {
    return i < this.tasks.length && (this.kind === 'thread' || this.kind === 'wake-one') ? this.tasks[i].id : -1;
  }

  footprint(i: number): Footprint {
    if (this.kind !== 'thread') return EMPTY_FOOTPRINT;
    return this.tasks[i].point.footprint;
  }

  describe(i: number): string {
    if (this.kind === 'thread' || this.kind === 'wake-one') return describeTask(this.tasks[i]);
    return this.descriptions[i] ?? `option ${i}`;
  }
}

/**
 * Records decisions compactly (the choice, and references to what was chosen) and builds the label
 * strings only when someone reads them: building a string per decision in the hot loop cost more
 * than the rest of the engine together.
 */
const KINDS: readonly DecisionKind[] = ['thread', 'timer-tie', 'wake-one', 'fault'];

/**
 * Records decisions compactly (choice, kind and count packed in one small integer, plus references
 * to what was chosen) and builds the label strings only when someone reads them: building a string
 * per decision in the hot loop cost more than the rest of the engine together.
 */
export class DecisionLog {
  /** (count << 10 | choice) << 2 | kind — count and choice below 2^20 and 2^10 by the task limit */
  private readonly packed = new ChunkedList<number>();
  /** the chosen task (thread, wake-one) or null */
  private readonly chosenTask = new ChunkedList<Task | null>();
  /** the chosen task's point, or the chosen option's description */
  private readonly chosenWhat = new ChunkedList<Point | string>();
  preemptions = 0;

  constructor(
    private readonly strategy: Strategy,
    private readonly expectLabels: readonly string[] | undefined,
  ) {}

  get count(): number {
    return this.packed.length;
  }

  /** asks the strategy, validates its answer, records the choice */
  take(view: DecisionView): number {
    const index = this.packed.length;
    view.index = index;
    const c = this.strategy.choose(view);
    if (!(c >= 0 && c < view.count && Number.isInteger(c))) {
      throw emulatorBug(`strategy ${this.strategy.name} chose ${c} of ${view.count} options`);
    }
    const kind = view.kind;
    const isTask = kind === 'thread' || kind === 'wake-one';
    this.packed.push((((view.count << 10) | c) << 2) | KINDS.indexOf(kind));
    this.chosenTask.push(isTask ? view.tasks[c] : null);
    this.chosenWhat.push(isTask ? view.tasks[c].point : view.describe(c));
    if (c !== 0 && view.preemptive) this.preemptions++;
    if (this.expectLabels !== undefined && index < this.expectLabels.length) {
      const expected = this.expectLabels[index];
      const actual = this.label(index);
      if (expected !== actual) throw new ReplayDivergenceError(index, expected, actual);
    }
    return c;
  }

  label(i: number): string {
    const p = this.packed.get(i);
    const t = this.chosenTask.get(i);
    const w = this.chosenWhat.get(i);
    const what = t === null ? (w as string) : describePoint(t.name, w as Point);
    return `${KINDS[p & 3]}[${p >>> 12}] ${what}`;
  }

  /** the schedule; its labels are built on first read (JSON.stringify reads them too) */
  schedule(seed: number | undefined, strategyName: string): Schedule {
    let labels: string[] | undefined;
    const choices = this.packed.toArray();
    for (let i = 0; i < choices.length; i++) choices[i] = (choices[i] >>> 2) & 0x3ff;
    const s = { choices, strategy: strategyName } as Schedule;
    Object.defineProperty(s, 'labels', {
      enumerable: true,
      configurable: true,
      get: () => {
        labels ??= choices.map((_, i) => this.label(i));
        return labels;
      },
      set: (v: string[]) => {
        labels = v;
      },
    });
    if (seed !== undefined) s.seed = seed;
    return s;
  }
}
