// The run loop shared by explore's main thread and its workers: which strategy and seed each run
// index gets (a portfolio rotates random and PCT of depth 1–3 per run), and the first schedule of
// every distinct finding. Deterministic: run i of a scenario is the same on any worker or shard.
import { type Faults, type Finding, makeStrategy, type RunResult, type Scenario, simulate } from '../index.ts';

export const PORTFOLIO = ['random', 'pct:1', 'pct:2', 'pct:3'] as const;

export interface RunPlan {
  strategy: string;
  /** fault choices explored with every run */
  faults?: Partial<Faults>;
  baseSeed: number;
  /** PCT's k, measured once per scenario (see calibrate) */
  pctSteps: number;
}

export function strategyFor(plan: RunPlan, run: number): { name: string; seed: number } {
  const name = plan.strategy === 'portfolio' ? PORTFOLIO[run % PORTFOLIO.length] : plan.strategy;
  return { name, seed: plan.baseSeed + run };
}

/** PCT needs the expected number of decisions: twice what the no-preemption schedule takes */
export function calibrate(scenario: Scenario<unknown>, faults?: Partial<Faults>): number {
  const r = simulate(scenario, { strategy: makeStrategy('replay', { choices: [] }), keepTrace: false, faults });
  return Math.max(20, r.stats.decisions * 2);
}

/** groups findings "by kind, code and site": the site is the thread, without its instance number */
export function findingKey(f: Finding): string {
  const site = f.thread.replace(/#\d+$/, '');
  return [f.kind, f.code?.toString(16) ?? '', f.subcode?.toString(16) ?? '', f.name, site].join('|');
}

export interface FirstHit {
  key: string;
  finding: Finding;
  run: number;
  strategy: string;
  seed: number;
  choices: number[];
  preemptions: number;
}

export function runOne(scenario: Scenario<unknown>, plan: RunPlan, run: number): RunResult {
  const { name, seed } = strategyFor(plan, run);
  return simulate(scenario, { strategy: name, seed, pctSteps: plan.pctSteps, keepTrace: false, faults: plan.faults });
}

/** records the first hit of each key into `hits`; returns the keys that were new */
export function collect(hits: Map<string, FirstHit>, r: RunResult, plan: RunPlan, run: number): FirstHit[] {
  const fresh: FirstHit[] = [];
  for (const f of r.findings) {
    const key = findingKey(f);
    const known = hits.get(key);
    if (known !== undefined && known.run <= run) continue;
    const { name, seed } = strategyFor(plan, run);
    const hit = { key, finding: f, run, strategy: name, seed, choices: r.schedule.choices, preemptions: r.stats.preemptions };
    hits.set(key, hit);
    fresh.push(hit);
  }
  return fresh;
}
