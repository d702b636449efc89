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
import { BLOCKED, DONE, READY, Task, WAKE_POINT } from './task.ts';
import { TraceEntry, TraceHasher } from './trace.ts';
import { badYieldFinding, crashFinding, deadlockFinding, forgottenYieldStarFinding, hangFinding, type NewFinding, notAGenerator, outcomeOf } from './endings.ts';
import type { DecisionKind, Finding, Outcome, RunResult, TraceEvent } from './types.ts';

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
  /** told about every step (DPOR) */
  observer?: StepObserver;
}

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

  constructor(private readonly options: EngineOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.log = new DecisionLog(options.strategy, options.expectLabels, options.keepTrace !== false);
    this.captureStacks = options.captureStacks === true;
    this.keepTrace = options.keepTrace !== false;
    this.observer = options.observer;
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
    return this.decide(kind, count, descriptions, null, false);
  }

  /** which of `tasks` (e.g. waiters of a synchronization event) goes first; option 0 = tasks[0] */
  chooseTask(kind: 'wake-one', tasks: readonly Task[]): number {
    if (tasks.length < 2) return 0;
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
    for (;;) {
      if (this.fatal !== null) return;
      const t = this.pickTask();
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
    if (this.observer !== undefined) this.observer.step(t.id, p.footprint, this.chosenBy);
    this.chosenBy = -1;
    this.current = t;
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
    return this.fatal === null;
  }

  private complete(f: NewFinding): Finding {
    return { ...f, step: f.step ?? this.steps, thread: f.thread ?? this.current?.name ?? '-' };
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
