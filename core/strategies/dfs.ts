// Systematic exploration: depth-first search over the decision tree, bounded by preemptions
// (Musuvathi & Qadeer's iterative context bounding) and, optionally, pruned by dynamic partial-order
// reduction over the footprints each step actually touched (an unknown footprint conflicts with
// everything):
// - races are found over the executed steps with vector clocks; a race e ⋖ e' adds, at the state
//   before e, one initial of notdep(e).e' unless one is there already — source-set DPOR (Abdulla,
//   Aronis, Jonsson and Sagonas, POPL 2014 / JACM 2017, Algorithm 1) — and sleep sets prune what
//   was explored from an equivalent state;
// - with a preemption bound, a race also adds its task at the most recent context switch before
//   e, where running it may cost no preemption: the conservative branch of Bounded Partial-Order
//   Reduction (Coons, Musuvathi and McKinley, OOPSLA 2013), which naive bounded DPOR lacks.
// - or bounded by delays (Emmi, Qadeer and Rakamarić, "Delay-bounded scheduling", POPL 2011): the
//   engine lists a thread decision's options in round-robin order from the running task (it goes
//   on, else the next task by slot), the deterministic scheduler takes option 0, and taking option
//   k costs k delays. DFS only: DPOR with a delay bound is refused.
// Decisions that are not thread choices (timer ties, wake-one, faults) are always fully branched.
import type { Decision, StepObserver, Strategy } from '../strategy.ts';
import { normalize, TASK_BASE } from '../engine.ts';
import { emulatorBug, ScenarioError } from '../errors.ts';
import { type DecisionKind, type Footprint, fpWrite } from '../types.ts';

interface Frame {
  kind: DecisionKind;
  count: number;
  preemptive: boolean;
  /** task ids of the options ('thread'); empty otherwise */
  tasks: number[];
  choice: number;
  /** preemptions in the schedule before this decision */
  preemptionsBefore: number;
  /** delays in the schedule before this decision */
  delaysBefore: number;
  /** DPOR: tasks still to explore here */
  backtrack: Set<number>;
  /** DPOR: tasks explored here */
  done: Set<number>;
  /** the sleep set when the state was first reached: task → the footprint of its next step */
  sleep: Map<number, Footprint | null>;
  /** what the step each explored task took from here touched (null: unknown, or it decided inside) */
  took: Map<number, Footprint | null>;
}

export interface Step {
  /** the task (0: a timer firing) */
  task: number;
  /** what the step touched; null = unknown */
  footprint: Footprint | null;
  /** the 'thread' decision that chose it, or -1 */
  decision: number;
}

export interface DfsOptions {
  /** most preemptions a schedule may have; undefined = unbounded */
  preemptionBound?: number;
  /** most delays a schedule may have (option k of a thread decision costs k); undefined = unbounded; not with dpor */
  delayBound?: number;
  dpor: boolean;
}

/** a strategy that, run after run, walks the whole (bounded and/or reduced) decision tree */
export class SystematicStrategy implements Strategy, StepObserver {
  readonly name: string;
  private readonly stack: Frame[] = [];
  private steps: Step[] = [];
  private depth = 0;
  private preemptions = 0;
  private delays = 0;
  /** the current sleep set: tasks whose next step was explored from an equivalent state */
  private sleeping = new Map<number, Footprint | null>();
  schedules = 0;
  /** this run reached a state where every option sleeps: it repeats an explored equivalence class, and the engine ends it */
  halted = false;

  /**
   * Sleep sets only without a bound: a task sleeps because an equivalent schedule was explored, but
   * under a bound that schedule's continuations may have been cut where this one's are not (a
   * random model found it: test/core/dpor.test.ts).
   */
  private readonly useSleep: boolean;

  constructor(private readonly opts: DfsOptions) {
    if (opts.dpor && opts.delayBound !== undefined) {
      throw new ScenarioError('DPOR with a delay bound is not supported (bounded partial-order reduction is defined for preemption bounds)');
    }
    this.useSleep = opts.dpor && opts.preemptionBound === undefined;
    const b = opts.preemptionBound === undefined ? '' : `:${opts.preemptionBound}`;
    const d = opts.delayBound === undefined ? '' : `:delay${opts.delayBound}`;
    this.name = `${opts.dpor ? 'dpor' : 'dfs'}${b}${d}`;
  }

  /** call before each run */
  begin(): void {
    this.depth = 0;
    this.preemptions = 0;
    this.delays = 0;
    this.steps = [];
    this.sleeping = new Map();
    this.halted = false;
  }

  /** the steps of the last run, for equivalence checks */
  get lastSteps(): readonly Step[] {
    return this.steps;
  }

  choose(d: Decision): number {
    const i = this.depth++;
    let f: Frame;
    if (i < this.stack.length) {
      f = this.stack[i];
      if (f.count !== d.count || f.kind !== d.kind) throw emulatorBug(`nondeterministic replay at decision ${i}: ${f.kind}[${f.count}] became ${d.kind}[${d.count}]`);
      if (this.useSleep && f.kind === 'thread') this.enterSleep(f);
    } else {
      const tasks: number[] = [];
      if (d.kind === 'thread') for (let k = 0; k < d.count; k++) tasks.push(d.taskId(k));
      f = {
        kind: d.kind,
        count: d.count,
        preemptive: d.preemptive,
        tasks,
        choice: 0,
        preemptionsBefore: this.preemptions,
        delaysBefore: this.delays,
        backtrack: new Set(),
        done: new Set(),
        sleep: new Map(this.sleeping),
        took: new Map(),
      };
      if (this.opts.dpor && d.kind === 'thread') {
        // the first option that is awake (a sleeping one was explored from an equivalent state)
        // and within the bound; none: this run can only repeat explored classes
        let c = -1;
        for (let k = 0; k < tasks.length && c < 0; k++) if (!f.sleep.has(tasks[k]) && this.allowed(f, k)) c = k;
        if (c < 0) this.halted = true;
        f.choice = Math.max(c, 0);
        f.backtrack.add(tasks[f.choice]);
      }
      this.stack.push(f);
    }
    if (f.kind === 'thread') {
      if (f.preemptive && f.choice !== 0) this.preemptions++;
      this.delays += f.choice;
    }
    return f.choice;
  }

  /** option k of thread decision f keeps the schedule within the bounds (options cost more as k grows) */
  private allowed(f: Frame, k: number): boolean {
    const b = this.opts.preemptionBound;
    const d = this.opts.delayBound;
    if (d !== undefined && f.delaysBefore + k > d) return false;
    return b === undefined || !f.preemptive || k === 0 || f.preemptionsBefore + 1 <= b;
  }

  /** Sleep(s') = Sleep(s) ∪ Done(s) without the task that runs; `step` then wakes what its step conflicts with */
  private enterSleep(f: Frame): void {
    this.sleeping = new Map(f.sleep);
    const chosen = f.tasks[f.choice];
    for (const t of f.done) if (t !== chosen) this.sleeping.set(t, f.took.get(t) ?? null);
    this.sleeping.delete(chosen);
  }

  step(taskId: number, footprint: Footprint | null, decision: number, decided: boolean): void {
    this.steps.push({ task: taskId, footprint, decision });
    if (!this.useSleep) return;
    if (decision >= 0) {
      // a step that decided inside (a fault, a waiter) has every variant explored below this frame
      // before the frame moves on: the task sleeps with what all of them touched
      const took = this.stack[decision].took;
      took.set(taskId, decided && took.has(taskId) ? union(took.get(taskId)!, footprint) : footprint);
    }
    if (this.sleeping.size === 0) return;
    // a sleeping task that runs anyway (it was the only one that could) repeats an explored class
    if (this.sleeping.has(taskId)) this.halted = true;
    for (const [t, fp] of this.sleeping) if (t === taskId || conflicts(fp, footprint)) this.sleeping.delete(t);
  }

  /** call after each run; false when the tree is exhausted */
  next(): boolean {
    if (!this.halted) this.schedules++;
    if (this.opts.dpor) this.addBacktracks();
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i];
      const alt = this.opts.dpor ? this.nextDpor(f) : this.nextDfs(f);
      if (alt >= 0) {
        f.choice = alt;
        this.stack.length = i + 1;
        return true;
      }
    }
    this.stack.length = 0;
    return false;
  }

  private nextDfs(f: Frame): number {
    if (f.choice + 1 >= f.count) return -1;
    if (f.kind === 'thread' && !this.allowed(f, f.choice + 1)) return -1;
    return f.choice + 1;
  }

  private nextDpor(f: Frame): number {
    if (f.kind !== 'thread') return f.choice + 1 < f.count ? f.choice + 1 : -1;
    f.done.add(f.tasks[f.choice]);
    for (const t of f.backtrack) {
      if (f.done.has(t) || f.sleep.has(t)) continue;
      const k = f.tasks.indexOf(t);
      if (k >= 0 && this.allowed(f, k)) return k;
    }
    return -1;
  }

  /**
   * Happens-before over the executed steps (program order plus conflicting footprints, a timer
   * ordered after everything before it) with vector clocks, then every race e ⋖ e': a conflicting
   * earlier step of another task not already ordered before e' through other steps.
   */
  private addBacktracks(): void {
    const steps = this.steps;
    const n = steps.length;
    let width = 1;
    for (const s of steps) if (s.task + 1 > width) width = s.task + 1;
    const clock = new Int32Array(n * width);
    const local = new Int32Array(n);
    const count = new Int32Array(width);
    const last = new Int32Array(width).fill(-1);
    /** task → the last step by another task that woke or spawned it (tasks that never ran included) */
    const lastEnable = new Map<number, number>();
    const races: number[] = [];
    const acc = new Int32Array(width);
    for (let j = 0; j < n; j++) {
      const sj = steps[j];
      const p = sj.task;
      local[j] = ++count[p];
      const base = j * width;
      if (p === 0) {
        // a timer: after every step before it
        acc.fill(0);
        for (let q = 0; q < width; q++) {
          const l = last[q] * width;
          if (l >= 0) for (let x = 0; x < width; x++) if (clock[l + x] > acc[x]) acc[x] = clock[l + x];
        }
      } else {
        // the step that made this one possible: the last wake or spawn of its task by another
        const own = fpWrite(TASK_BASE + p);
        const enabler = sj.footprint?.includes(own) ? (lastEnable.get(p) ?? -1) : -1;
        acc.fill(0);
        if (last[p] >= 0) acc.set(clock.subarray(last[p] * width, last[p] * width + width));
        for (let i = j - 1; i >= 0; i--) {
          const q = steps[i].task;
          if (q === p || acc[q] >= local[i]) continue;
          if (!conflicts(steps[i].footprint, sj.footprint)) continue;
          // a wake (or a spawn) and the step it enables are ordered, never co-enabled: no race
          if (q !== 0 && i !== enabler && conflicts(steps[i].footprint, sj.footprint, TASK_BASE)) races.push(i, j);
          const bi = i * width;
          for (let x = 0; x < width; x++) if (clock[bi + x] > acc[x]) acc[x] = clock[bi + x];
        }
      }
      acc[p] = local[j];
      clock.set(acc, base);
      last[p] = j;
      const fp = sj.footprint;
      if (fp !== null) for (const a of fp) if (a >= TASK_BASE * 2 && (a & 1) === 1 && a >> 1 !== TASK_BASE + p) lastEnable.set((a >> 1) - TASK_BASE, j);
    }
    for (let r = 0; r < races.length; r += 2) this.race(races[r], races[r + 1], clock, local, width);
  }

  /** e = step i races with e' = step j: make sure the state before e explores an initial of notdep(e).e' */
  private race(i: number, j: number, clock: Int32Array, local: Int32Array, width: number): void {
    const steps = this.steps;
    const d = steps[i].decision;
    if (d < 0) return; // only one task could run before e: nothing to reverse there
    const f = this.stack[d];
    const ti = steps[i].task;
    const hbAfterI = (k: number) => clock[k * width + ti] >= local[i];
    // the initials of v = notdep(e).e': tasks whose first step in v has no predecessor in v
    const first = new Int32Array(width);
    const initials: number[] = [];
    const visit = (k: number) => {
      const r = steps[k].task;
      if (first[r] !== 0) return;
      let initial = true;
      for (let x = 0; x < width && initial; x++) if (x !== r && first[x] !== 0 && clock[k * width + x] >= first[x]) initial = false;
      if (initial) initials.push(r);
      first[r] = local[k];
    };
    for (let k = i + 1; k < j; k++) if (!hbAfterI(k)) visit(k);
    visit(j);
    const here = initials.filter((t) => f.tasks.includes(t));
    const bounded = this.opts.preemptionBound !== undefined;
    if (here.length === 0) {
      // an initial that cannot run there (the model under-reported a dependence): every option
      for (const t of f.tasks) if (!f.sleep.has(t)) f.backtrack.add(t);
    } else if (bounded) {
      // under a bound one initial may be cut where another is not: all of them
      for (const t of here) f.backtrack.add(t);
    } else if (!here.some((t) => f.backtrack.has(t))) {
      f.backtrack.add(here.find((t) => !f.sleep.has(t)) ?? here[0]);
    }
    if (bounded) this.conservative(i, [steps[j].task, ...initials]);
  }

  /**
   * BPOR's conservative branch: the bound makes otherwise independent steps dependent. Reversing
   * the race at step i preempts its task when i runs in the middle of that task's run of steps, so
   * also try the racing task and the initials where that run began (a context switch, or the first
   * step), where it costs no more than the switch already there; if none could run there, the
   * switch before, and so on.
   */
  private conservative(i: number, candidates: readonly number[]): void {
    const steps = this.steps;
    let m = i;
    while (m > 0 && steps[m - 1].task === steps[i].task) m--;
    if (m === i) return;
    for (; m >= 0; m--) {
      if (m > 0 && steps[m].task === steps[m - 1].task) continue;
      const d = steps[m].decision;
      if (d < 0) continue;
      const f = this.stack[d];
      const here = candidates.filter((t) => f.tasks.includes(t));
      if (here.length === 0) continue;
      for (const t of here) f.backtrack.add(t);
      return;
    }
  }
}

function union(a: Footprint | null, b: Footprint | null): Footprint | null {
  return a === null || b === null ? null : normalize([...a, ...b]);
}

/**
 * Two steps are dependent when they touch a common object (below object id `below`) and one of them
 * writes it. Footprints are sorted by object with one access each, as the engine reports them
 * (`normalize`).
 */
export function conflicts(a: Footprint | null, b: Footprint | null, below = Number.POSITIVE_INFINITY): boolean {
  if (a === null || b === null) return true;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] >> 1;
    const y = b[j] >> 1;
    if (x >= below || y >= below) return false;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      if (((a[i] | b[j]) & 1) === 1) return true;
      i++;
      j++;
    }
  }
  return false;
}
