// irpsim/testing: the schedule arbitrary is total and shrinks toward zero preemptions; runs() and
// expectNoFindings() work in a fast-check property, and the failure message is the timeline.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findBuiltin } from '../../scenarios/index.ts';
import type { Scenario } from '../../index.ts';
import { expectNoFindings, FindingsError, runs, schedules } from '../../testing.ts';

const fixed = findBuiltin('seed/fixed-lock') as Scenario<unknown>;
const s2 = findBuiltin('seed/S2') as Scenario<unknown>;

describe('irpsim/testing', () => {
  test('the corrected seed driver has no findings on any generated schedule', () => {
    fc.assert(fc.property(runs(fixed), (run) => expectNoFindings(run, fixed.name)), { numRuns: 150 });
  });

  test('a buggy scenario fails the property, and the failure message is the rendered timeline', () => {
    const details = fc.check(fc.property(runs(s2), (run) => expectNoFindings(run, s2.name)), { numRuns: 50, seed: 1 });
    expect(details.failed).toBe(true);
    const message = String((details.errorInstance as Error).message);
    expect(details.errorInstance).toBeInstanceOf(FindingsError);
    expect(message).toContain('DRIVER_VERIFIER_IOMANAGER_VIOLATION');
    expect(message).toContain('│ main');
  });

  test('fast-check shrinks a failing schedule toward no preemptions', () => {
    // S3's double completion needs preemptions: the counterexample fast-check settles on is small
    const s3 = findBuiltin('seed/S3') as Scenario<unknown>;
    const details = fc.check(
      fc.property(runs(s3, { maxChoice: 3 }), (run) => !run.findings.some((f) => f.code === 0x44)),
      { numRuns: 2000, seed: 5 },
    );
    expect(details.failed).toBe(true);
    const run = details.counterexample![0];
    expect(run.stats.preemptions).toBeLessThanOrEqual(6);
  });

  test('every generated schedule is a valid one', () => {
    fc.assert(fc.property(schedules(), (s) => s.choices.every((c) => Number.isInteger(c) && c >= 0)));
  });
});
