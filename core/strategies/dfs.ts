// Systematic exploration: depth-first search over the decision tree, bounded by preemptions
// (Musuvathi & Qadeer's iterative context bounding) and, optionally, pruned by DPOR — classic
// dynamic partial-order reduction (Flanagan & Godefroid, POPL 2005) with sleep sets — using the
// exact footprints the model gives each step (an unknown footprint conflicts with everything).
// Decisions that are not thread choices (timer ties, wake-one, faults) are always fully branched.
// Limit, stated in every result: DPOR under a preemption bound is not complete (Coons, Musuvathi
// and McKinley, OOPSLA 2013); irpsim runs DPOR unbounded, or DFS with the bound.
import type { Decision, StepObserver, Strategy } from '../strategy.ts';
import type { DecisionKind, Footprint } from '../types.ts';

interface Frame {
  kind: DecisionKind;
  count: number;
  preemptive: boolean;
  /** task ids of the options ('thread'); empty otherwise */
  tasks: number[];
  footprints: (Footprint | null)[];
  choice: number;
  /** DPOR: tasks (or option indices for non-thread decisions) still to explore here */
  backtrack: Set<number>;
  done: Set<number>;
  /** the sleep set when the state was first reached: task → its pending footprint */
  sleep: Map<number, Footprint | null>;
}

export interface Step {
  task: number;
  footprint: Footprint | null;
  decision: number;
}

export interface DfsOptions {
  /** most preemptions a schedule may have (DFS); undefined = unbounded */
  preemptionBound?: number;
  dpor: boolean;
}

/** a strategy that, run after run, walks the whole (bounded or reduced) decision tree */
export class SystematicStrategy implements Strategy, StepObserver {
  readonly name: string;
  private readonly stack: Frame[] = [];
  private steps: Step[] = [];
  private depth = 0;
  /** the current sleep set: tasks whose next step was already explored from an equivalent state */
  private sleeping = new Map<number, Footprint | null>();
  schedules = 0;
  /** this run reached a state where every option sleeps: it repeats an explored equivalence class */
  sleepBlocked = false;

  constructor(private readonly opts: DfsOptions) {
    this.name = opts.dpor ? 'dpor' : `dfs${opts.preemptionBound === undefined ? '' : `:${opts.preemptionBound}`}`;
  }

  /** call before each run */
  begin(): void {
    this.depth = 0;
    this.steps = [];
    this.sleeping = new Map();
    this.sleepBlocked = false;
  }

  /** the steps of the last run (task, footprint), for equivalence checks */
  get lastSteps(): readonly Step[] {
    return this.steps;
  }

  choose(d: Decision): number {
    const i = this.depth++;
    if (i < this.stack.length) {
      const f = this.stack[i];
      if (f.count !== d.count || f.kind !== d.kind) throw new Error(`[irpsim bug] nondeterministic replay at decision ${i}: ${f.kind}[${f.count}] became ${d.kind}[${d.count}]`);
      if (this.opts.dpor && f.kind === 'thread') this.enterSleep(f);
      return f.choice;
    }
    const tasks: number[] = [];
    const footprints: (Footprint | null)[] = [];
    for (let k = 0; k < d.count; k++) {
      tasks.push(d.taskId(k));
      footprints.push(d.footprint(k));
    }
    const sleep = new Map(this.sleeping);
    const frame: Frame = { kind: d.kind, count: d.count, preemptive: d.preemptive, tasks, footprints, choice: 0, backtrack: new Set(), done: new Set(), sleep };
    if (this.opts.dpor && d.kind === 'thread') {
      // the first option not asleep (a sleeping one was explored from an equivalent state)
      const awake = tasks.findIndex((t) => !sleep.has(t));
      if (awake < 0) this.sleepBlocked = true;
      frame.choice = Math.max(awake, 0);
      frame.backtrack.add(tasks[frame.choice]);
    }
    this.stack.push(frame);
    return frame.choice;
  }

  /** Sleep(s') = Sleep(s) ∪ Done(s), then the step taken wakes what it conflicts with (see step) */
  private enterSleep(f: Frame): void {
    this.sleeping = new Map(f.sleep);
    const chosen = f.tasks[f.choice];
    for (const t of f.done) if (t !== chosen) this.sleeping.set(t, f.footprints[f.tasks.indexOf(t)]);
  }

  step(taskId: number, footprint: Footprint | null, decision: number): void {
    this.steps.push({ task: taskId, footprint, decision });
    if (!this.opts.dpor || this.sleeping.size === 0) return;
    if (this.sleeping.has(taskId)) this.sleepBlocked = true;
    for (const [t, fp] of this.sleeping) if (t === taskId || conflicts(fp, footprint)) this.sleeping.delete(t);
  }

  /** call after each run; false when the tree is exhausted */
  next(): boolean {
    if (!this.sleepBlocked) this.schedules++;
    if (this.opts.dpor) this.addBacktracks();
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i];
      const alt = this.opts.dpor ? this.nextDpor(f) : this.nextDfs(i, f);
      if (alt >= 0) {
        f.choice = alt;
        this.stack.length = i + 1;
        return true;
      }
    }
    this.stack.length = 0;
    return false;
  }

  private preemptionsBefore(i: number): number {
    let n = 0;
    for (let k = 0; k < i; k++) if (this.stack[k].preemptive && this.stack[k].choice !== 0) n++;
    return n;
  }

  private nextDfs(i: number, f: Frame): number {
    if (f.choice + 1 >= f.count) return -1;
    const bound = this.opts.preemptionBound;
    if (bound !== undefined && f.preemptive && this.preemptionsBefore(i) + 1 > bound) return -1;
    return f.choice + 1;
  }

  private nextDpor(f: Frame): number {
    if (f.kind !== 'thread') return f.choice + 1 < f.count ? f.choice + 1 : -1;
    f.done.add(f.tasks[f.choice]);
    for (const t of f.backtrack) {
      if (f.done.has(t) || f.sleep.has(t)) continue;
      return f.tasks.indexOf(t);
    }
    return -1;
  }

  /** Flanagan–Godefroid: for each step, the last earlier dependent step of another task not already ordered before it */
  private addBacktracks(): void {
    const clocks = new Map<number, Map<number, number>>(); // per task: vector clock of its last step
    const stepClock: Map<number, number>[] = [];
    const local = new Map<number, number>(); // task -> own step counter
    for (let j = 0; j < this.steps.length; j++) {
      const sj = this.steps[j];
      const mine = clocks.get(sj.task) ?? new Map<number, number>();
      let vc = new Map(mine);
      for (let i = j - 1; i >= 0; i--) {
        const si = this.steps[i];
        if (si.task === sj.task || !conflicts(si.footprint, sj.footprint)) continue;
        const ci = stepClock[i].get(si.task) ?? 0;
        // already ordered before p: an earlier dependent step (say, a read beside this read) may not be
        if ((mine.get(si.task) ?? 0) >= ci) continue;
        this.race(si, sj);
        break;
      }
      for (let i = 0; i < j; i++) {
        const si = this.steps[i];
        if (si.task !== sj.task && conflicts(si.footprint, sj.footprint)) vc = join(vc, stepClock[i]);
      }
      const n = (local.get(sj.task) ?? 0) + 1;
      local.set(sj.task, n);
      vc.set(sj.task, n);
      stepClock.push(vc);
      clocks.set(sj.task, vc);
    }
  }

  /**
   * step `si` races with `sj`: at the decision before `si`, try every option not asleep. Flanagan and
   * Godefroid add only `sj`'s task when it is enabled there, reasoning over each state's pending
   * transitions; over executed steps (where `sj`'s task may first run other steps, its start among
   * them) that choice missed equivalence classes on random models (test/core/dpor.test.ts), so this
   * takes the superset, still far from full DFS because only racing states branch.
   */
  private race(si: Step, _sj: Step): void {
    if (si.decision < 0 || si.decision >= this.stack.length) return;
    const f = this.stack[si.decision];
    if (f.kind !== 'thread') return;
    for (const t of f.tasks) if (!f.sleep.has(t)) f.backtrack.add(t);
  }
}

function join(a: Map<number, number>, b: Map<number, number>): Map<number, number> {
  const out = new Map(a);
  for (const [k, v] of b) if ((out.get(k) ?? 0) < v) out.set(k, v);
  return out;
}

/** two steps are dependent when they touch a common object and one of them writes it */
export function conflicts(a: Footprint | null, b: Footprint | null): boolean {
  if (a === null || b === null) return true;
  for (const x of a) {
    for (const y of b) if (x >> 1 === y >> 1 && ((x | y) & 1) === 1) return true;
  }
  return false;
}
