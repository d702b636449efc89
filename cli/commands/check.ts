// irpsim check <scenario> --bound N: exhaustive exploration (issue 7) — DFS over every schedule
// with at most N preemptions (or, with --delay-bound D, at most D delays of the round-robin
// scheduler), or DPOR (--dpor) over every schedule up to equivalence. Ends with one line:
// "complete: 1,284 schedules, 0 findings (preemption bound 2)", or the first finding and its
// failure file.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, systematic } from '../../index.ts';
import { loadScenario, scenarioSourceHash } from '../../explore/load.ts';
import { addCoverage, IRPSIM_VERSION, replayChoices } from '../../explore/explore.ts';
import { printCoverage } from './explore.ts';
import { findBuiltin } from '../../scenarios/index.ts';
import { int, io, parseFaults, progressBar, UsageError } from '../common.ts';
import { failureFileName, writeFailureFile } from '../failure-file.ts';

export interface CheckOptions {
  bound?: string;
  delayBound?: string;
  dpor?: boolean;
  max?: string;
  out?: string;
  json?: boolean;
  /** go on after the first finding, to collect every distinct one */
  all?: boolean;
  faults?: string;
}

export async function checkCommand(name: string, o: CheckOptions): Promise<number> {
  // --bound none: every schedule (DFS) or every equivalence class (DPOR); with a bound, DPOR is BPOR.
  // The preemption bound is 2 unless given, or a delay bound is given (then none unless given).
  const delayBound = o.delayBound === undefined ? undefined : int('--delay-bound', o.delayBound, 0, 0);
  if (delayBound !== undefined && o.dpor) throw new UsageError('--delay-bound works with DFS only, not with --dpor (BPOR is defined for preemption bounds)');
  const bound = o.bound === 'none' || (o.bound === undefined && delayBound !== undefined) ? undefined : int('--bound', o.bound, 0, 2);
  const max = int('--max', o.max, 1, 200_000);
  const scenario = await loadScenario(name);
  const t0 = performance.now();
  const coverage: Record<string, number> = {};
  const faults = parseFaults(o.faults);
  const bar = o.json ? progressBar('') : progressBar(scenario.name, 'budget');
  const res = systematic((s) => simulate(scenario, { strategy: s, observer: o.dpor ? s : undefined, keepTrace: false, faults }), {
    dpor: o.dpor === true,
    preemptionBound: bound,
    delayBound,
    maxSchedules: max,
    stopAtFinding: o.all !== true,
    onRun: (r, st, distinct) => {
      addCoverage(coverage, r.coverage);
      // the run is counted once onRun returns
      bar.update(st.schedules + 1, max, distinct);
    },
  });
  bar.stop();
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  const bounds = [
    ...(bound === undefined && delayBound === undefined ? ['no preemption bound'] : []),
    ...(bound === undefined ? [] : [`preemption bound ${bound}`]),
    ...(delayBound === undefined ? [] : [`delay bound ${delayBound}`]),
  ];
  const what = `${o.dpor ? 'DPOR, ' : ''}${bounds.join(', ')}`;
  if (o.json) {
    io.out(`${JSON.stringify({ complete: res.complete, schedules: res.schedules, findings: res.findings.map((f) => f.finding), limit: res.limit, coverage })}\n`);
    return res.findings.length > 0 ? 1 : 0;
  }
  printCoverage(coverage);
  const state = res.complete ? 'complete' : `stopped (budget of ${max} schedules)`;
  if (res.findings.length === 0) {
    io.out(`${state}: ${res.schedules.toLocaleString('en-US')} schedules, 0 findings (${what}) in ${secs} s\n`);
    return 0;
  }
  const first = res.findings[0];
  const dir = o.out ?? 'failures';
  mkdirSync(dir, { recursive: true });
  const file = join(dir, failureFileName(first.finding, scenario.name));
  const r = replayChoices(scenario, first.choices, true, faults);
  writeFailureFile(file, {
    format: 'irpsim-failure',
    formatVersion: 1,
    irpsimVersion: IRPSIM_VERSION,
    scenario: { name, sourceHash: scenarioSourceHash(scenario, findBuiltin(name) === undefined ? name : undefined) },
    strategy: `${o.dpor ? 'dpor' : 'dfs'}${bound === undefined ? '' : `:${bound}`}${delayBound === undefined ? '' : `:delay${delayBound}`}`,
    seed: 0,
    choices: r.schedule.choices,
    labels: r.schedule.labels,
    finding: first.finding,
    traceHash: r.traceHash,
    ...(faults === undefined ? {} : { faults }),
  });
  io.out(`${state === 'complete' && o.all ? 'complete' : 'found'} after ${res.schedules.toLocaleString('en-US')} schedules (${what}): ${res.findings.length} distinct finding(s)\n`);
  for (const f of res.findings) io.out(`  ${f.finding.kind} ${f.finding.name}: ${f.finding.message}\n`);
  io.out(`  replay the first: irpsim replay ${file}\n`);
  return 1;
}
