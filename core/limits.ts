// Every limit in one place (STYLE.md 10): hitting one is an outcome in the report, never a hang.

export interface Limits {
  /** steps (thread resumptions and timer firings) before the run ends with 'step-limit' */
  maxSteps: number;
  /** virtual milliseconds; a run with threads still alive past it is a 'hang' */
  deadlineMs: number;
  /** tasks created in one run */
  maxTasks: number;
  /** resumptions of a task's finally blocks while closing it after an early end */
  maxCloseSteps: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxSteps: 200_000,
  deadlineMs: 60_000,
  maxTasks: 1_000,
  maxCloseSteps: 1_000,
});
