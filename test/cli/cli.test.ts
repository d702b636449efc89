// The irpsim command in-process (issue 6): exit status 0 / 1 / 2, one line on stderr for every bad
// input, explore → failure file → replay round trip, strict replay divergence, and 200+ generated
// malformed failure files each rejected with exit 2 and one line.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { io } from '../../cli/common.ts';
import { runCli } from '../../cli/main.ts';

let out = '';
let err = '';
const saved = { ...io };
beforeEach(() => {
  out = '';
  err = '';
  io.out = (s) => {
    out += s;
  };
  io.err = (s) => {
    err += s;
  };
});
afterEach(() => {
  io.out = saved.out;
  io.err = saved.err;
});

const oneLine = () => err.trim().split('\n').length === 1 && !err.includes('    at ');

describe('irpsim command', () => {
  test('list shows every built-in seed scenario and the corrected versions', async () => {
    expect(await runCli(['list'])).toBe(0);
    for (let i = 1; i <= 12; i++) expect(out).toContain(`seed/S${i} `);
    expect(out).toContain('seed/fixed-lock');
  });

  test.each([
    [['run', 'no-such-scenario']],
    [['run', 'seed/S2', '--format', 'pdf']],
    [['run', 'seed/S2', '--seed', '-1']],
    [['explore', 'seed/S2', '--runs', '0']],
    [['explore', 'seed/S2', '--shard', '3/2']],
    [['explore', 'seed/S2', '--strategy', 'bogus']],
    [['replay', '/nonexistent/file.json']],
    [['frobnicate']],
    [['run']],
    [['check', 'seed/S2', '--bound', 'many']],
    [['check', 'seed/S2', '--delay-bound', '-1']],
    [['check', 'seed/S2', '--delay-bound', '1', '--dpor']],
  ])('bad input %j exits 2 with one line on stderr', async (argv) => {
    expect(await runCli(argv)).toBe(2);
    expect(oneLine()).toBe(true);
  });

  test('check --dpor is bounded DPOR by default and ends with the one summary line (issue 7)', async () => {
    expect(await runCli(['check', 'seed/fixed-lock-check', '--dpor'])).toBe(0);
    expect(out).toMatch(/^complete: [\d,]+ schedules, 0 findings \(DPOR, preemption bound 2\) in [\d.]+ s$/m);
    out = '';
    expect(await runCli(['check', 'seed/fixed-lock-check', '--dpor', '--bound', 'none', '--max', '5'])).toBe(0);
    expect(out).toMatch(/^stopped \(budget of 5 schedules\): 5 schedules, 0 findings \(DPOR, no preemption bound\)/m);
  });

  test('check --delay-bound is DFS bounded by delays alone, unless --bound is given too; a seed bug is found within 2 delays', async () => {
    expect(await runCli(['check', 'seed/fixed-lock-check', '--delay-bound', '1'])).toBe(0);
    expect(out).toMatch(/^complete: [\d,]+ schedules, 0 findings \(delay bound 1\) in [\d.]+ s$/m);
    out = '';
    expect(await runCli(['check', 'seed/fixed-lock-check', '--delay-bound', '3', '--bound', '1', '--max', '5'])).toBe(0);
    expect(out).toMatch(/\(preemption bound 1, delay bound 3\)/);
    out = '';
    expect(await runCli(['check', 'seed/S10', '--delay-bound', '2', '--out', mkdtempSync(join(tmpdir(), 'irpsim-'))])).toBe(1);
    expect(out).toMatch(/^found after [\d,]+ schedules \(delay bound 2\)/m);
  });

  test('run prints the timeline and exits 1 when the run has findings', async () => {
    expect(await runCli(['run', 'seed/S2', '--seed', '3'])).toBe(1);
    expect(out).toContain('DRIVER_VERIFIER_IOMANAGER_VIOLATION');
    expect(out).toContain('WaitForNotify#1');
  });

  test('run of the corrected version exits 0, and --json prints a RunResult', async () => {
    expect(await runCli(['run', 'seed/fixed-lock', '--json'])).toBe(0);
    const r = JSON.parse(out);
    expect(r.outcome).toBe('ok');
    expect(r.findings).toEqual([]);
  });

  test('explore writes a failure file whose replay gives the identical trace hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irpsim-'));
    expect(await runCli(['explore', 'seed/S4', '--runs', '20', '--out', dir])).toBe(1);
    const files = readdirSync(dir).filter((f) => f.includes('0xD5'));
    expect(files.length).toBe(1);
    const file = join(dir, files[0]);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    out = '';
    expect(await runCli(['replay', file, '--json'])).toBe(1);
    expect(JSON.parse(out).traceHash).toBe(saved.traceHash);
    out = '';
    expect(await runCli(['replay', file, '--shrunk', '--json'])).toBe(1);
    expect(JSON.parse(out).findings.some((f: { code?: number }) => f.code === 0xd5)).toBe(true);
  });

  test('a replay whose labels no longer match stops with a divergence: exit 2, one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irpsim-'));
    await runCli(['explore', 'seed/S2', '--runs', '5', '--out', dir, '--no-shrink']);
    const file = join(dir, readdirSync(dir).find((f) => f.includes('0xC9'))!);
    const ff = JSON.parse(readFileSync(file, 'utf8'));
    ff.labels[0] = 'thread[2] somebody-else@start';
    writeFileSync(file, JSON.stringify(ff));
    err = '';
    expect(await runCli(['replay', file])).toBe(2);
    expect(err).toContain('diverged at decision 0');
    expect(oneLine()).toBe(true);
  });

  test('200 generated malformed failure files each give exit 2 and one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irpsim-'));
    await runCli(['explore', 'seed/S2', '--runs', '3', '--out', dir, '--no-shrink']);
    const good = readFileSync(join(dir, readdirSync(dir)[0]), 'utf8');
    const mutants = fc.sample(
      fc.oneof(
        fc.nat(good.length - 1).map((n) => good.slice(0, n)),
        fc.constantFrom('choices', 'labels', 'finding', 'seed', 'formatVersion', 'scenario').chain((key) =>
          fc.anything().map((v) => JSON.stringify({ ...JSON.parse(good), [key]: v === undefined ? null : v })),
        ),
        fc.integer({ min: 2, max: 99 }).map((v) => JSON.stringify({ ...JSON.parse(good), formatVersion: v })),
        fc.string().map((name) => JSON.stringify({ ...JSON.parse(good), scenario: { name: `nope/${name}`, sourceHash: 'x' } })),
        fc.json(),
      ),
      { numRuns: 220, seed: 7 },
    );
    let rejected = 0;
    for (const [i, text] of mutants.entries()) {
      const file = join(dir, `bad-${i}.json`);
      writeFileSync(file, text);
      err = '';
      const code = await runCli(['replay', file, '--format', 'json']);
      if (code === 2) {
        expect(oneLine(), `file ${i}: ${err}`).toBe(true);
        rejected++;
      } else expect(code).toBe(1); // a mutation that left a valid failure file replays normally
    }
    expect(rejected).toBeGreaterThanOrEqual(200);
  });
});
