// replay (API.md "Running"): runs a scenario on a saved schedule — a Schedule or a failure file —
// strictly: a decision whose label differs from the saved one throws ReplayDivergenceError.
import { type Faults, makeStrategy, type RunResult, type Scenario, type Schedule, simulate } from '../index.ts';

export interface Replayable {
  choices: readonly number[];
  labels?: readonly string[];
  /** a failure file's fault choices */
  faults?: Partial<Faults>;
}

export function replay<S>(scenario: Scenario<S>, saved: Schedule | Replayable): RunResult {
  const labels = saved.labels !== undefined && saved.labels.length > 0 ? saved.labels : undefined;
  const faults = 'faults' in saved ? saved.faults : undefined;
  return simulate(scenario, { strategy: makeStrategy('replay', { choices: saved.choices }), expectLabels: labels, faults });
}
