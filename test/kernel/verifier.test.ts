// Every verifier rule the kernel implements (issue 3 "Tests"; spec/kernel.md §6): a driver that
// breaks the rule gets exactly that finding (kind, code, subcode, name), and the same driver doing
// the job correctly gets none. Each run uses the schedule that never preempts.
import { describe, expect, test } from 'vitest';
import { describeFindings, run, shape } from './harness.ts';
import { defaultMain, ruleCases } from './rules.ts';
import { moreRuleCases } from './rules-extra.ts';

describe('verifier rules (spec/kernel.md §6)', () => {
  for (const c of [...ruleCases, ...moreRuleCases]) {
    test(`a driver that ${c.rule}`, () => {
      const r = run('verifier/buggy', c.driver(true), c.main ?? defaultMain);
      if (c.fatal) {
        expect(shape(r.findings[0]), describeFindings(r)).toEqual(c.expected);
      } else {
        expect(r.findings.map(shape), describeFindings(r)).toContainEqual(c.expected);
        expect(r.outcome, describeFindings(r)).toBe('ok');
      }
      expect(r.findings.filter((f) => f.name === c.expected.name && f.subcode === c.expected.subcode)).toHaveLength(1);
    });

    test(`the same driver done right gets no finding (${c.expected.name}${c.expected.subcode === undefined ? '' : ` 0x${c.expected.subcode.toString(16)}`})`, () => {
      const r = run('verifier/fixed', c.driver(false), c.main ?? defaultMain);
      expect(r.findings, describeFindings(r)).toEqual([]);
      expect(r.outcome).toBe('ok');
    });
  }
});
