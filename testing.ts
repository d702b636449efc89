// irpsim/testing: fast-check arbitraries for schedules (API.md "Testing helpers").
import fc from 'fast-check';
import type { Schedule } from './core/index.ts';

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
