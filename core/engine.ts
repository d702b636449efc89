// The engine: one synchronous loop that alone resumes tasks, asks the strategy at every decision
// point with ≥ 2 options, moves virtual time only when nothing can run, and ends the run when every
// task is done, on deadlock, at the virtual deadline, at the step limit, or on a fatal finding.
// DESIGN.md "Threads are generator functions", "Time", "A schedule is data". Knows nothing of Windows.
import { Call } from './call.ts';
import { ChunkedList } from './chunked.ts';
import { type Timer, TimerQueue } from './clock.ts';
import { DecisionLog, DecisionView } from './decisions.ts';
import { emulatorBug, isGeneratorFunction, ScenarioError, STOP_RUN } from './errors.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { Block, Point, type Routine, type Yield } from './point.ts';
import type { StepObserver, Strategy } from './strategy.ts';
import { BLOCKED, DONE, READY, START_POINT, Task, WAKE_POINT } from './task.ts';
import { TraceEntry, TraceHasher } from './trace.ts';
import { badYieldFinding, crashFinding, deadlockFinding, forgottenYieldStarFinding, hangFinding, type NewFinding, notAGenerator, outcomeOf } from './endings.ts';
import { type Access, type DecisionKind, type Finding, fpRead, fpWrite, type Outcome, type RunResult, type TraceEvent } from './types.ts';

export interface EngineOptions {
  strategy: Strategy;
  limits?: Partial<Limits>;
  /** recorded with the schedule */
  seed?: number;
  /** replay: the labels the decisions must carry (ReplayDivergenceError otherwise) */
  expectLabels?: readonly string[];
  /** record where each emulated call was created (slower; used to name a forgotten yield*) */
  captureStacks?: boolean;
  /** keep the trace events and build decision labels (default true; the hash is always computed) */
  keepTrace?: boolean;
  /** the layer above describes its live state (pending IRPs…) for deadlock and hang reports */
  describeState?: () => string;
  /** told about every step with what it touched (DPOR); turns footprint tracking on */
  observer?: StepObserver;
}

/**
 * Footprint ids above the ones `newObjectId` hands out: a task's own object (what a wake and the
 * woken task's next step both touch, so the step a wake enables is ordered after the wake), one
 * object every spawn touches, and plain JS objects the layers above track (`touchPlain`). Kept apart
 * so that tracking never changes the ids — and so the labels — a run allocates.
 */
export const TASK_BASE = 1 << 28;

/** the engine whose run tracks footprints, for objects that track themselves (see `tracked`) */
let activeTracker: Engine | null = null;

/**
 * With a tracking engine active, a view of `o` whose every read and write touches it (Engine.track);
 * otherwise `o`. Shared kernel and Win32 objects call it from their constructors, so that what any
 * code does to them — the kernel's own bookkeeping as much as a driver's — is in its step's footprint.
 */
export function tracked<T extends object>(o: T, identity?: ReadonlySet<PropertyKey>): T {
  return activeTracker === null ? o : activeTracker.track(o, identity);
}

/** with a tracking engine active, the running step reads or writes `o` (a key standing for some state) */
export function touchObject(o: object, write: boolean): void {
  activeTracker?.touchPlain(o, write);
}
const PLAIN_BASE = 1 << 27;
const SPAWNS = PLAIN_BASE - 1;

const NO_DESCRIPTIONS: readonly string[] = Object.freeze([]);


export class Engine {
  readonly limits: Limits;
  nowMs = 0;
  steps = 0;
  /** the task whose step is running, or null between steps and while a timer fires */
  current: Task | null = null;
  readonly findings: Finding[] = [];
  private fatal: Finding | null = null;
  private outcome: Outcome | null = null;
  private readonly alive: Task[] = [];
  private liveUserTasks = 0;
  private nextTaskId = 1;
  private nextObjectId = 1;
  private readonly timers = new TimerQueue();
  private readonly view = new DecisionView();
  private readonly log: DecisionLog;
  private readonly trace = new ChunkedList<TraceEntry>();
  private readonly captureStacks: boolean;
  private readonly keepTrace: boolean;
  private readonly hasher = new TraceHasher();
  private previous: Task | null = null;
  /** the 'thread' decision that chose the next step's task, or -1 */
  private chosenBy = -1;
  private readonly observer: StepObserver | undefined;
  /** footprint tracking is on (an observer wants steps): `touch` records, `track` wraps */
  readonly tracking: boolean;
  /** what the running step touched so far; null = unknown (it conflicts with every step) */
  private stepFp: Access[] | null = null;
  /** the running step took a decision inside it (a fault, which waiter to wake) */
  private stepDecided = false;
  private plainIds: WeakMap<object, number> | null = null;
  private nextPlainId = PLAIN_BASE;

  constructor(private readonly options: EngineOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.log = new DecisionLog(options.strategy, options.expectLabels, options.keepTrace !== false);
    this.captureStacks = options.captureStacks === true;
    this.keepTrace = options.keepTrace !== false;
    this.observer = options.observer;
    this.tracking = options.observer !== undefined;
    activeTracker = this.tracking ? this : null;
  }

  /**
   * The running step touches `access` (fpRead/fpWrite of an object id). DPOR's soundness rests on
   * every step touching everything shared it reads or writes; a step whose Point declared no
   * footprint (null) is unknown and conflicts with everything whatever it touches.
   */
  touch(access: Access): void {
    if (this.stepFp !== null) this.stepFp.push(access);
  }

  /** the running step reads or writes a plain JS object the layers above share between tasks */
  touchPlain(o: object, write: boolean): void {
    if (this.stepFp !== null) this.touchId(this.plainId(o), write);
  }

  private plainId(o: object): number {
    this.plainIds ??= new WeakMap();
    let id = this.plainIds.get(o);
    if (id === undefined) {
      id = this.nextPlainId++;
      this.plainIds.set(o, id);
    }
    return id;
  }

  /**
   * With tracking on, a view of `o` (state tasks share as a plain JS object: a driver's extension, a
   * scenario's state) whose every field read and write touches that field; without tracking, `o`
   * itself. Reading a key in `identity` (a field that never changes, such as a label) touches
   * nothing. trackedView says what counts as a write.
   */
  track<T extends object>(o: T, identity: ReadonlySet<PropertyKey> = NO_KEYS): T {
    if (!this.tracking || PROXIES.has(o)) return o;
    return trackedView(o, new ViewFields(this), identity) as T;
  }

  /** the running step reads or writes the plain id `id` (ViewFields) */
  touchId(id: number, write: boolean): void {
    if (this.stepFp !== null) this.stepFp.push(write ? fpWrite(id) : fpRead(id));
  }

  /** a fresh plain id, from the same counter touchPlain numbers objects with */
  newPlainId(): number {
    return this.nextPlainId++;
  }

  /** a fresh id for an object that footprints name (per run, so deterministic) */
  newObjectId(): number {
    return this.nextObjectId++;
  }

  spawn(name: string, body: Function, args: readonly unknown[], opts: { daemon?: boolean } = {}): Task {
    if (!isGeneratorFunction(body)) {
      throw new ScenarioError(notAGenerator(name, body));
    }
    if (this.alive.length >= this.limits.maxTasks) throw new ScenarioError(`more than ${this.limits.maxTasks} tasks`);
    const gen = (body as (...a: unknown[]) => Iterator<Yield, unknown, unknown>)(...args);
    const t = new Task(this.nextTaskId++, name, gen, opts.daemon === true);
    t.slot = this.alive.length;
    this.alive.push(t);
    if (this.stepFp !== null) this.stepFp.push(fpWrite(SPAWNS), fpWrite(TASK_BASE + t.id));
    if (!t.daemon) this.liveUserTasks++;
    return t;
  }

  /** registers an emulated call created by the current task; enter it with yield* */
  call<T>(name: string, gen: Routine<T>): Routine<T> {
    const t = this.current;
    return t === null ? gen : new Call(t, name, gen[Symbol.iterator](), this.captureStacks);
  }

  /** makes a blocked task runnable; `value` is what its `block()` returns */
  wake(t: Task, value?: unknown): void {
    if (t.state !== BLOCKED) throw emulatorBug(`wake of task ${t.name}, which is not blocked`);
    t.state = READY;
    t.blockedOn = null;
    t.point = WAKE_POINT;
    t.resumeValue = value;
    if (this.stepFp !== null) this.stepFp.push(fpWrite(TASK_BASE + t.id));
  }

  setTimer(delayMs: number, label: string, fire: () => void): Timer {
    return this.timers.add(this.nowMs + Math.max(0, delayMs), label, fire);
  }

  cancelTimer(t: Timer): boolean {
    return this.timers.cancel(t);
  }

  /** a decision the layers above take (a fault, which waiter to wake); 0 when count < 2 */
  choose(kind: DecisionKind, count: number, descriptions: readonly string[]): number {
    if (count < 2) return 0;
    if (this.current !== null) this.stepDecided = true;
    return this.decide(kind, count, descriptions, null, false);
  }

  /** which of `tasks` (e.g. waiters of a synchronization event) goes first; option 0 = tasks[0] */
  chooseTask(kind: 'wake-one', tasks: readonly Task[]): number {
    if (tasks.length < 2) return 0;
    if (this.current !== null) this.stepDecided = true;
    return this.decide(kind, tasks.length, NO_DESCRIPTIONS, tasks, false);
  }

  /** records an event in the trace that is not a step (a state change, a debug print) */
  note(label: string, data?: string | number, irp?: number): void {
    this.record('note', this.current?.name ?? '-', label, data, irp);
  }

  /** a non-fatal finding: recorded, the run goes on */
  report(f: NewFinding): Finding {
    const finding = this.complete(f);
    this.findings.push(finding);
    this.note('finding', finding.name, finding.irp);
    return finding;
  }

  /** a fatal finding: the run stops (as a bug check stops the machine); never returns */
  fail(f: NewFinding, outcome: Outcome = outcomeOf(f.kind)): never {
    if (this.fatal === null) {
      this.fatal = this.complete(f);
      this.findings.unshift(this.fatal);
      this.outcome = outcome;
      this.note('finding', this.fatal.name, this.fatal.irp);
    }
    throw STOP_RUN;
  }

  get stopped(): boolean {
    return this.fatal !== null;
  }

  run(): RunResult {
    if (this.outcome === null && this.fatal === null) {
      try {
        this.loop();
      } finally {
        this.closeAll();
        if (activeTracker === this) activeTracker = null;
      }
    }
    const s = this.log.schedule(this.options.seed, this.options.strategy.name);
    return {
      outcome: this.outcome ?? 'ok',
      findings: this.findings,
      schedule: s,
      trace: this.trace.toArray(),
      traceHash: this.hasher.digest(),
      stats: {
        steps: this.steps,
        decisions: this.log.count,
        preemptions: this.log.preemptions,
        virtualTimeMs: this.nowMs,
      },
    };
  }

  private loop(): void {
    const maxSteps = this.limits.maxSteps;
    // only a strategy that observes steps (DPOR) can see a run repeat what it explored already
    const haltable = this.observer !== undefined ? this.options.strategy : null;
    for (;;) {
      if (this.fatal !== null) return;
      const t = this.pickTask();
      if (haltable?.halted === true) return;
      if (t === null) {
        if (this.liveUserTasks === 0) return;
        if (!this.fireTimer()) return;
        continue;
      }
      if (this.steps >= maxSteps) {
        this.outcome = 'step-limit';
        return;
      }
      this.resume(t);
      this.previous = t;
    }
  }

  /** the next task to run: option 0 is the previous task if it can go on, then round-robin after it */
  private pickTask(): Task | null {
    const ts = this.alive;
    const opts = this.view.tasks;
    const len = ts.length;
    const prev = this.previous;
    let n = 0;
    let start = 0;
    if (prev !== null) {
      if (prev.state === READY) opts[n++] = prev;
      start = prev.slot + 1;
    }
    for (let i = start; i < len; i++) if (ts[i].state === READY && ts[i] !== prev) opts[n++] = ts[i];
    for (let i = 0; i < start && i < len; i++) if (ts[i].state === READY && ts[i] !== prev) opts[n++] = ts[i];
    if (n === 0) return null;
    if (n === 1) return opts[0];
    this.chosenBy = this.log.count;
    return opts[this.decide('thread', n, NO_DESCRIPTIONS, null, prev !== null && prev.state === READY)];
  }

  private decide(
    kind: DecisionKind,
    count: number,
    descriptions: readonly string[],
    tasks: readonly Task[] | null,
    preemptive: boolean,
  ): number {
    const v = this.view;
    if (tasks !== null) {
      v.tasks.length = 0;
      for (const t of tasks) v.tasks.push(t);
    }
    v.kind = kind;
    v.count = count;
    v.step = this.steps;
    v.preemptive = preemptive;
    v.descriptions = descriptions;
    return this.log.take(v);
  }

  private record(
    kind: TraceEvent['kind'],
    task: string,
    label: string,
    data: string | number | undefined,
    irp: number | undefined,
  ): void {
    this.hasher.add(this.steps, this.nowMs, task, label, data);
    if (this.keepTrace) this.trace.push(new TraceEntry(this.steps, this.nowMs, kind, task, label, data, irp));
  }

  private resume(t: Task): void {
    this.steps++;
    const p = t.point;
    this.hasher.addHashed(this.steps, this.nowMs, t.nameHash, p.opHash, p.data);
    if (this.keepTrace) this.trace.push(new TraceEntry(this.steps, this.nowMs, 'step', t.name, p.op, p.data, undefined));
    const observer = this.observer;
    const chosenBy = this.chosenBy;
    this.chosenBy = -1;
    this.current = t;
    if (observer === undefined) {
      this.runStep(t);
      return;
    }
    // a task's first step and the step after a wake touch the task itself, as spawn and wake did
    this.stepFp = p.footprint === null ? null : p === WAKE_POINT || p === START_POINT ? [fpWrite(TASK_BASE + t.id)] : p.footprint.slice();
    this.stepDecided = false;
    try {
      this.runStep(t);
    } finally {
      observer.step(t.id, normalize(this.stepFp), chosenBy, this.stepDecided);
      this.stepFp = null;
    }
  }

  private runStep(t: Task): void {
    let r: IteratorResult<Yield, unknown>;
    try {
      const v = t.resumeValue;
      t.resumeValue = undefined;
      r = t.gen.next(v);
    } catch (e) {
      this.current = null;
      t.state = DONE;
      this.retire(t);
      if (e !== STOP_RUN) this.crash(t, e);
      return;
    }
    if (t.unentered.length !== 0) this.forgottenYieldStar(t);
    this.current = null;
    if (r.done) {
      t.state = DONE;
      t.exitValue = r.value;
      this.retire(t);
      return;
    }
    const y = r.value;
    if (y instanceof Point) {
      t.point = y;
    } else if (y instanceof Block) {
      t.state = BLOCKED;
      t.blockedOn = y;
    } else {
      this.badYield(t, y);
    }
  }

  private retire(t: Task): void {
    const i = this.alive.indexOf(t);
    if (i >= 0) {
      this.alive.splice(i, 1);
      for (let j = i; j < this.alive.length; j++) this.alive[j].slot = j;
    }
    if (!t.daemon) this.liveUserTasks--;
    if (this.previous === t) this.previous = null;
  }

  /** nothing can run: fire the earliest timer (a 'timer-tie' decision among equals); false = run over */
  private fireTimer(): boolean {
    const q = this.timers;
    if (q.size === 0) {
      this.deadlock();
      return false;
    }
    const due = q.nextDue();
    if (due > this.limits.deadlineMs) {
      this.hang();
      return false;
    }
    const n = q.tiedAtFront();
    let c = 0;
    if (n > 1) {
      const labels: string[] = [];
      for (let i = 0; i < n; i++) labels.push(`timer:${q.peek(i).label}`);
      c = this.decide('timer-tie', n, labels, null, false);
    }
    const timer = q.take(c);
    this.nowMs = due;
    this.steps++;
    this.record('timer', '-', `timer:${timer.label}`, undefined, undefined);
    try {
      timer.fire();
    } catch (e) {
      if (e !== STOP_RUN) this.crash(null, e);
    }
    // a timer fires only when no task can run: to DPOR it is a step of no task that every step
    // before it precedes (task 0, unknown footprint)
    this.observer?.step(0, null, -1, false);
    return this.fatal === null;
  }

  private complete(f: NewFinding): Finding {
    // one fixed shape, optional fields added in one order: a spread ({ ...f, step, thread }) made
    // V8 build a fresh hidden class for every finding, in old space
    const out: Finding = { kind: f.kind, name: f.name, message: f.message, step: f.step ?? this.steps, thread: f.thread ?? this.current?.name ?? '-' };
    if (f.code !== undefined) out.code = f.code;
    if (f.subcode !== undefined) out.subcode = f.subcode;
    if (f.irp !== undefined) out.irp = f.irp;
    if (f.stack !== undefined) out.stack = f.stack;
    return out;
  }

  /** records a fatal finding from outside a task's stack (the loop then sees `fatal` and ends) */
  private stop(f: NewFinding): void {
    try {
      this.fail(f);
    } catch {
      // STOP_RUN: recorded
    }
  }

  private crash(t: Task | null, e: unknown): void {
    this.stop(crashFinding(t, e));
  }

  private forgottenYieldStar(t: Task): void {
    const f = forgottenYieldStarFinding(t);
    t.unentered.length = 0;
    this.stop(f);
  }

  private badYield(t: Task, y: unknown): void {
    this.stop(badYieldFinding(t, y));
  }

  private stateSuffix(): string {
    const s = this.options.describeState?.() ?? '';
    return s === '' ? '' : `. ${s}`;
  }

  private deadlock(): void {
    this.stop(deadlockFinding(this.alive, this.stateSuffix()));
  }

  private hang(): void {
    this.nowMs = this.limits.deadlineMs;
    this.stop(hangFinding(this.alive, this.limits.deadlineMs, this.stateSuffix()));
  }

  /** ends every remaining task with return(), so its finally blocks run (bounded) */
  private closeAll(): void {
    for (const t of this.alive.slice()) {
      this.current = t;
      for (let i = 0; i < this.limits.maxCloseSteps; i++) {
        try {
          const r = t.gen.return?.(undefined);
          if (r === undefined || r.done) break;
        } catch {
          break;
        }
      }
      t.unentered.length = 0;
      t.state = DONE;
    }
    this.current = null;
    this.alive.length = 0;
  }
}

const MUTATORS = new Set(['set', 'add', 'delete', 'clear']);
/** the key that stands for which fields an object has (and for all of a Map or Set) */
const SHAPE = Symbol('shape');
const NO_KEYS: ReadonlySet<PropertyKey> = new Set();
/** every view `track` made, so that a view is never wrapped again */
const PROXIES = new WeakSet<object>();

/** sorted, one access per object, a write standing for a read too */
export function normalize(fp: Access[] | null): Access[] | null {
  if (fp === null || fp.length < 2) return fp;
  // accesses are small non-negative integers: a typed array sorts them natively, without a comparator
  const sorted = Int32Array.from(fp).sort();
  let n = 0;
  for (const a of sorted) {
    if (n > 0 && fp[n - 1] >> 1 === a >> 1) fp[n - 1] |= a & 1;
    else fp[n++] = a;
  }
  fp.length = n;
  return fp;
}

/**
 * The fields of one tracked view: each field is an object of its own (so a thread writing its IRQL
 * does not conflict with another reading its IRP list), numbered when first touched; SHAPE stands
 * for the set of fields.
 */
class ViewFields {
  private readonly ids = new Map<PropertyKey, number>();
  constructor(private readonly engine: Engine) {}

  touch(key: PropertyKey, write: boolean): void {
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.engine.newPlainId()));
    this.engine.touchId(id, write);
  }
}

/** a Map or Set is one object: every method reads or writes all of it */
class CollectionView implements ProxyHandler<Map<unknown, unknown> | Set<unknown>> {
  /** one wrapper per method, made on first use (a fresh closure per call was most of DPOR's garbage) */
  private readonly methods = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  constructor(private readonly f: ViewFields) {}

  get(target: Map<unknown, unknown> | Set<unknown>, key: PropertyKey): unknown {
    const v = Reflect.get(target, key, target);
    if (typeof v !== 'function') {
      this.f.touch(SHAPE, false);
      return v;
    }
    let m = this.methods.get(key);
    if (m === undefined) {
      const write = typeof key === 'string' && MUTATORS.has(key);
      const f = this.f;
      m = (...args: unknown[]) => {
        f.touch(SHAPE, write);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
      this.methods.set(key, m);
    }
    return m;
  }
}

/** a plain object or an array: each field read or written touches that field */
class ObjectView implements ProxyHandler<object> {
  constructor(
    private readonly f: ViewFields,
    private readonly identity: ReadonlySet<PropertyKey>,
  ) {}

  private write(target: object, key: PropertyKey): void {
    this.f.touch(key, true);
    if (!Object.hasOwn(target, key)) this.f.touch(SHAPE, true);
  }

  get(target: object, key: PropertyKey, receiver: unknown): unknown {
    const v = Reflect.get(target, key, receiver);
    if (this.identity.has(key)) return v;
    if (Object.hasOwn(target, key)) {
      this.f.touch(key, typeof v === 'object' && v !== null && !PROXIES.has(v));
    } else if (!(key in target)) {
      // a key the object lacks is state someone may add later
      this.f.touch(key, false);
      this.f.touch(SHAPE, false);
    }
    // else a method or accessor on the prototype: code, not state (an accessor's own reads go
    // through this view and touch)
    return v;
  }

  set(target: object, key: PropertyKey, value: unknown, receiver: unknown): boolean {
    this.write(target, key);
    // a data property (own, or not there yet) is set on the object itself: with the view as
    // receiver, Reflect.set would go through defineProperty below and touch it twice. A setter
    // inherited from the prototype runs with the view as `this`, so what it touches counts.
    if (Object.hasOwn(target, key) || !(key in target)) return Reflect.set(target, key, value);
    return Reflect.set(target, key, value, receiver);
  }

  deleteProperty(target: object, key: PropertyKey): boolean {
    this.write(target, key);
    this.f.touch(SHAPE, true);
    return Reflect.deleteProperty(target, key);
  }

  defineProperty(target: object, key: PropertyKey, desc: PropertyDescriptor): boolean {
    this.write(target, key);
    return Reflect.defineProperty(target, key, desc);
  }

  has(target: object, key: PropertyKey): boolean {
    this.f.touch(key, false);
    this.f.touch(SHAPE, false);
    return Reflect.has(target, key);
  }

  ownKeys(target: object): ArrayLike<string | symbol> {
    this.f.touch(SHAPE, false);
    return Reflect.ownKeys(target);
  }
}

/**
 * The view `Engine.track` hands out. Shallow: reading a field that holds a primitive, a function or
 * another tracked object is a read; reading one that holds any other object is a write, because
 * whoever gets that object may change it unseen; writing a field is a write. Nested objects are
 * never wrapped, so their identity (a list entry, a record in a WeakMap) stays what the code made.
 * One handler object per view, its traps on the prototype (closures per view were most of the
 * garbage DPOR runs made).
 */
function trackedView(o: object, fields: ViewFields, identity: ReadonlySet<PropertyKey>): object {
  const view =
    o instanceof Map || o instanceof Set ? new Proxy(o, new CollectionView(fields)) : new Proxy(o, new ObjectView(fields, identity));
  PROXIES.add(view);
  return view;
}
