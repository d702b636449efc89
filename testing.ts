// irpsim/testing (API.md "Testing helpers"): fast-check arbitraries of schedules and of whole runs,
// and a vitest-friendly assertion whose failure message is the rendered timeline of the run.
import fc from 'fast-check';
import { timeline } from './cli/views/timeline.ts';
import { makeStrategy, type RunResult, type Scenario, type Schedule, type SimulateOptions, simulate } from './index.ts';

export interface ScheduleOptions {
  /** most decisions a generated schedule sets explicitly (the rest are 0) */
  maxLength?: number;
  /** largest choice value; out-of-range values are taken modulo the option count */
  maxChoice?: number;
}

/**
 * Schedules as fast-check values. Every number[] is a valid schedule (missing ⇒ 0, too large ⇒
 * modulo), and 0 is "no preemption", so fast-check's own shrinking (shorter arrays, smaller values)
 * moves a failing schedule toward fewer and earlier preemptions.
 */
export function schedules(opts: ScheduleOptions = {}): fc.Arbitrary<Schedule> {
  return fc
    .array(fc.nat(opts.maxChoice ?? 7), { maxLength: opts.maxLength ?? 64 })
    .map((choices) => ({ choices, labels: [], strategy: 'replay' }));
}

/** one RunResult per generated schedule: `fc.property(runs(scenario), (run) => …)` */
export function runs<S>(scenario: Scenario<S>, opts: ScheduleOptions & Pick<SimulateOptions, 'maxSteps' | 'deadlineMs'> = {}): fc.Arbitrary<RunResult> {
  return schedules(opts).map((s) => {
    const run = simulate(scenario, { ...opts, strategy: makeStrategy('replay', { choices: s.choices }) });
    Object.defineProperty(run, 'toString', { value: () => `schedule [${run.schedule.choices.join(',')}] of ${scenario.name}` });
    return run;
  });
}

export class FindingsError extends Error {
  override name = 'FindingsError';
}

/** throws, with the run's rendered timeline as the message, when the run has any finding */
export function expectNoFindings(run: RunResult, scenario = 'scenario'): void {
  if (run.findings.length === 0) return;
  throw new FindingsError(`expected no findings, got ${run.findings.length}:\n${timeline(run, { scenario })}`);
}
