// Decision points: the reusable view a strategy sees, and the log that turns the choices into a
// Schedule (choices + labels). A point with one option records nothing (STYLE.md 3). Replay may
// pass the labels it expects: the first decision whose label differs is a divergence.
import { emulatorBug, ReplayDivergenceError } from './errors.ts';
import type { Point } from './point.ts';
import { ChunkedList } from './chunked.ts';
import type { Decision, Strategy } from './strategy.ts';
import type { Task } from './task.ts';
import type { DecisionKind, Schedule } from './types.ts';

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
const KIND_CODE: Readonly<Record<DecisionKind, number>> = { thread: 0, 'timer-tie': 1, 'wake-one': 2, fault: 3 };

/** an append-only Int32 list: no garbage per entry, one copy per doubling */
class IntList {
  private a: Int32Array = new Int32Array(64);
  private n = 0;
  get length(): number {
    return this.n;
  }
  push(v: number): void {
    const n = this.n;
    let a = this.a;
    if (n === a.length) a = this.grow();
    a[n] = v;
    this.n = n + 1;
  }
  private grow(): Int32Array {
    const b = new Int32Array(this.a.length * 2);
    b.set(this.a);
    this.a = b;
    return b;
  }
  get(i: number): number {
    return this.a[i];
  }
}

/**
 * Records decisions compactly — kind, option count and choice packed in one integer — and, when
 * labels are wanted, references to what was chosen, building the label strings only when someone
 * reads them. Explore's hot loop runs without labels (it replays a found schedule to label it):
 * keeping a reference per decision cost more in garbage collection than the rest of the engine.
 */
export class DecisionLog {
  /** (count << 10 | choice) << 2 | kind — choice below 2^10 (the task limit), count below 2^19 */
  private readonly packed = new IntList();
  /** the chosen task (thread, wake-one) or null — only when labels are recorded */
  private readonly chosenTask = new ChunkedList<Task | null>();
  /** the chosen task's point, or the chosen option's description */
  private readonly chosenWhat = new ChunkedList<Point | string>();
  private readonly withLabels: boolean;
  preemptions = 0;

  constructor(
    private readonly strategy: Strategy,
    private readonly expectLabels: readonly string[] | undefined,
    recordLabels: boolean,
  ) {
    this.withLabels = recordLabels || expectLabels !== undefined;
  }

  get count(): number {
    return this.packed.length;
  }

  /** asks the strategy, validates its answer, records the choice */
  take(view: DecisionView): number {
    const index = this.packed.length;
    view.index = index;
    const c = this.strategy.choose(view);
    if (!(c >= 0 && c < view.count && c === (c | 0)) || view.count >= 1 << 19) {
      throw emulatorBug(`strategy ${this.strategy.name} chose ${c} of ${view.count} options`);
    }
    const kind = view.kind;
    this.packed.push((((view.count << 10) | c) << 2) | KIND_CODE[kind]);
    if (c !== 0 && view.preemptive) this.preemptions++;
    if (!this.withLabels) return c;
    const isTask = kind === 'thread' || kind === 'wake-one';
    this.chosenTask.push(isTask ? view.tasks[c] : null);
    this.chosenWhat.push(isTask ? view.tasks[c].point : view.describe(c));
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

  /** the schedule; its choices and labels (empty when not recorded) are built on first read */
  schedule(seed: number | undefined, strategyName: string): Schedule {
    const s = { strategy: strategyName } as Schedule & LazyFields;
    s[LOG] = this;
    s[CHOICES] = undefined;
    s[LABELS] = undefined;
    Object.defineProperty(s, 'choices', CHOICES_PROPERTY);
    Object.defineProperty(s, 'labels', LABELS_PROPERTY);
    if (seed !== undefined) s.seed = seed;
    return s;
  }

  /** the choices as numbers (for the schedule's lazy `choices`) */
  choiceList(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.packed.length; i++) out.push((this.packed.get(i) >>> 2) & 0x3ff);
    return out;
  }

  get labelled(): boolean {
    return this.withLabels;
  }
}

const LOG = Symbol('log');
const CHOICES = Symbol('choices');
const LABELS = Symbol('labels');

interface LazyFields {
  [LOG]: DecisionLog;
  [CHOICES]: number[] | undefined;
  [LABELS]: string[] | undefined;
}

// One getter and setter pair shared by every schedule: a fresh closure pair per run gave each
// schedule its own hidden class, whose transition from the shared one kept the run's whole object
// graph reachable from the old generation, so V8 promoted it (~40% of what an empty run allocated).
function getChoices(this: LazyFields): number[] {
  this[CHOICES] ??= this[LOG].choiceList();
  return this[CHOICES];
}
function setChoices(this: LazyFields, v: number[]): void {
  this[CHOICES] = v;
}
function getLabels(this: LazyFields): string[] {
  if (this[LABELS] === undefined) {
    const log = this[LOG];
    this[LABELS] = log.labelled ? getChoices.call(this).map((_, i) => log.label(i)) : [];
  }
  return this[LABELS];
}
function setLabels(this: LazyFields, v: string[]): void {
  this[LABELS] = v;
}
const CHOICES_PROPERTY: PropertyDescriptor = { enumerable: true, configurable: true, get: getChoices, set: setChoices };
const LABELS_PROPERTY: PropertyDescriptor = { enumerable: true, configurable: true, get: getLabels, set: setLabels };
