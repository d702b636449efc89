// Mechanism asks, policy decides (STYLE.md 2): the engine never chooses; at every decision point
// with two or more enabled options it asks a Strategy. Option 0 is always the least surprising one
// (continue the running task, the earliest timer, the first waiter, no fault).
import type { DecisionKind, Footprint } from './types.ts';

/** What a strategy sees at a decision point. Valid only during the `choose` call. */
export interface Decision {
  readonly kind: DecisionKind;
  /** number of options, at least 2 */
  readonly count: number;
  /** index of this decision in the run (0-based) */
  readonly index: number;
  /** the engine's step counter */
  readonly step: number;
  /** 'thread' decisions: option 0 is a task that could go on running, so any other choice preempts it */
  readonly preemptive: boolean;
  /** the task id behind option i ('thread' and 'wake-one'), or -1 */
  taskId(i: number): number;
  /** a short description of option i, e.g. 'worker@IoSetCancelRoutine(irp#3)' */
  describe(i: number): string;
}

export interface Strategy {
  /** e.g. 'random', 'pct:2', 'replay' */
  readonly name: string;
  /** returns an index in [0, d.count) */
  choose(d: Decision): number;
  /** set by a systematic strategy when the rest of the run can only repeat explored schedules: the engine ends the run */
  readonly halted?: boolean;
}

/** told about every task step, for strategies that reason about dependence (DPOR) */
export interface StepObserver {
  /**
   * Task `taskId` (0: a timer firing) ran a step that touched `footprint` (null = unknown, it
   * conflicts with everything): what its Point declared plus what it touched while it ran.
   * `decision` is the index of the 'thread' decision that chose it, or -1; `decided` says the step
   * took a decision inside it (a fault, a waiter to wake).
   */
  step(taskId: number, footprint: Footprint | null, decision: number, decided: boolean): void;
}
