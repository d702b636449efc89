// The engine's vocabulary: what a task yields, what a run returns, what a finding is.
// Knows nothing of Windows (DESIGN.md "Layers"); the kernel and Win32 layers fill in codes and names.

/** One object a step touches: `objectId * 2`, plus 1 when the step writes it (see fpRead/fpWrite). */
export type Access = number;
/** The set of objects the next step of a task touches; DPOR (a later issue) compares these. */
export type Footprint = readonly Access[];

export const fpRead = (id: number): Access => id * 2;
export const fpWrite = (id: number): Access => id * 2 + 1;
export const EMPTY_FOOTPRINT: Footprint = Object.freeze([]) as Footprint;

/** A closed union: every decision the engine asks a strategy for has one of these kinds. */
export type DecisionKind = 'thread' | 'timer-tie' | 'wake-one' | 'fault';

export type FindingKind =
  | 'bugcheck'
  | 'verifier'
  | 'appverifier'
  | 'deadlock'
  | 'hang'
  | 'crash'
  | 'check'
  | 'determinism';

export interface Finding {
  kind: FindingKind;
  /** Windows bug-check code, e.g. 0x44 */
  code?: number;
  /** e.g. 0xC9's first parameter */
  subcode?: number;
  name: string;
  /** one plain sentence */
  message: string;
  step: number;
  thread: string;
  irp?: number;
  /** for crashes: the JavaScript stack of the error */
  stack?: string;
}

export type Outcome = 'ok' | 'bugcheck' | 'deadlock' | 'hang' | 'crash' | 'check-failed' | 'step-limit';

export interface Schedule {
  choices: number[];
  labels: string[];
  seed?: number;
  strategy?: string;
}

/**
 * One trace event. 'step': a task resumed at a scheduling point (label = the operation, data = its
 * argument); 'timer': a timer fired; 'note': a fact the layer above recorded within a step (an IRP
 * state change, a DbgPrint line, a finding), with `irp` set when it concerns an IRP.
 */
export interface TraceEvent {
  step: number;
  timeMs: number;
  kind: 'step' | 'timer' | 'note';
  task: string;
  label: string;
  data?: string | number;
  irp?: number;
}

export interface RunStats {
  steps: number;
  decisions: number;
  preemptions: number;
  virtualTimeMs: number;
}

export interface RunResult {
  outcome: Outcome;
  /** first = the one that ended the run, when one did */
  findings: Finding[];
  schedule: Schedule;
  trace: TraceEvent[];
  traceHash: string;
  stats: RunStats;
  /** race windows the layer above saw this run reach (irpsim: kernel/coverage.ts) */
  coverage?: string[];
}

/** an out-parameter written through a pointer in C (API.md "Win32 side") */
export interface Ref<T> {
  value: T;
}
