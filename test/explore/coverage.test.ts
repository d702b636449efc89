// Race-window coverage (issue 7 item 3): explore and check report which (IRP state × event)
// windows the explored schedules reached — the planted ones are reported, and a race-free driver
// never reaches the double-completion window.
import { describe, expect, test } from 'vitest';
import { explore } from '../../explore/explore.ts';
import { type Scenario, simulate, systematic } from '../../index.ts';
import { findBuiltin } from '../../scenarios/index.ts';

const get = (name: string) => findBuiltin(name) as Scenario<unknown>;

describe('race-window coverage', () => {
  test('seed/S3 reaches "completion while its cancel routine runs", the window of its double completion', async () => {
    const r = await explore(get('seed/S3'), { runs: 300, shrink: false });
    expect(r.coverage['completion while its cancel routine runs']).toBeGreaterThan(0);
    expect(r.coverage['cancel while pending with a cancel routine set']).toBeGreaterThan(0);
  });

  test('the corrected driver exercises cancellation in every state but never completes under a running cancel routine', async () => {
    const r = await explore(get('seed/fixed-lock'), { runs: 300, shrink: false });
    expect(r.findings).toEqual([]);
    for (const w of ['cancel during dispatch (before the IRP is pending)', 'cancel while pending with a cancel routine set', 'cancel between completion stage A and stage B', 'stage B delivered into a wait']) {
      expect(r.coverage[w], w).toBeGreaterThan(0);
    }
    expect(r.coverage['completion while its cancel routine runs']).toBeUndefined();
  });

  test('races/12 (cleanup vs cancel) reaches "cleanup while a cancel is in flight"', async () => {
    const r = await explore(get('races/12-cleanup-vs-cancel'), { runs: 300, shrink: false });
    expect(r.coverage['cleanup while a cancel is in flight']).toBeGreaterThan(0);
  });

  test('an exhaustive check collects the windows of every schedule it ran', () => {
    const seen = new Set<string>();
    const res = systematic((s) => simulate(get('seed/fixed-csq-check'), { strategy: s, keepTrace: false }), {
      dpor: false,
      preemptionBound: 1,
      onRun: (r) => {
        for (const w of r.coverage ?? []) seen.add(w);
      },
    });
    expect(res.complete).toBe(true);
    expect(seen.has('cancel between completion stage A and stage B')).toBe(true);
  });
});
