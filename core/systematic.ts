// Exhaustive checking (issue 7): runs a model again and again under a SystematicStrategy until the
// decision tree — bounded by preemptions (DFS) or reduced by DPOR — is exhausted or a budget runs
// out. Generic over how one run is made, so it serves core models and whole scenarios alike.
import { type DfsOptions, SystematicStrategy } from './strategies/dfs.ts';
import type { Finding, RunResult } from './types.ts';

export interface SystematicOptions extends DfsOptions {
  /** stop after this many schedules (complete = false) */
  maxSchedules?: number;
  /** stop at the first run with a finding */
  stopAtFinding?: boolean;
  /** called after every run (not for sleep-blocked repeats), e.g. to check equivalence classes; `distinct`: the distinct findings so far */
  onRun?: (r: RunResult, s: SystematicStrategy, distinct: number) => void;
}

export interface SystematicResult {
  complete: boolean;
  /** distinct schedules run (runs that only repeated an explored class are not counted) */
  schedules: number;
  /** every run, including sleep-blocked ones */
  runs: number;
  findings: { finding: Finding; choices: number[] }[];
  /** what the exploration does and does not guarantee, in one sentence */
  limit: string;
}

export function systematic(runOnce: (strategy: SystematicStrategy) => RunResult, opts: SystematicOptions): SystematicResult {
  const s = new SystematicStrategy(opts);
  const findings: SystematicResult['findings'] = [];
  const seen = new Set<string>();
  let runs = 0;
  const max = opts.maxSchedules ?? 100_000;
  for (;;) {
    s.begin();
    const r = runOnce(s);
    runs++;
    for (const f of r.findings) {
      const key = `${f.kind}|${f.code}|${f.subcode}|${f.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push({ finding: f, choices: r.schedule.choices });
    }
    if (!s.halted) opts.onRun?.(r, s, findings.length);
    const more = s.next();
    const stop = (opts.stopAtFinding === true && findings.length > 0) || s.schedules >= max;
    if (!more || stop) return { complete: !more, schedules: s.schedules, runs, findings, limit: limitOf(opts) };
  }
}

function limitOf(o: DfsOptions): string {
  if (o.dpor && o.preemptionBound === undefined) return 'source-set DPOR with sleep sets over every schedule, without a preemption bound';
  if (o.dpor) return `bounded partial-order reduction (BPOR) over every schedule with at most ${o.preemptionBound} preemption(s), no sleep sets`;
  const bounds = [
    ...(o.preemptionBound === undefined ? [] : [`at most ${o.preemptionBound} preemption(s)`]),
    ...(o.delayBound === undefined ? [] : [`at most ${o.delayBound} delay(s) of the round-robin scheduler`]),
  ];
  return bounds.length === 0 ? 'DFS over every schedule' : `DFS over every schedule with ${bounds.join(' and ')}`;
}
