// irpsim explore <scenario>: many schedules, distinct findings, shrunk schedules, failure files.
import pc from 'picocolors';
import { io } from '../common.ts';

const say = (line: string) => io.out(`${line}\n`);
import { loadScenario } from '../../explore/load.ts';
import { explore, type ExploreReport } from '../../explore/explore.ts';
import { RACE_WINDOWS } from '../../index.ts';
import { int, parseFaults, parseShard, progressBar, UsageError } from '../common.ts';

export interface ExploreCliOptions {
  strategy?: string;
  runs?: string;
  time?: string;
  workers?: string;
  shard?: string;
  out?: string;
  json?: boolean;
  shrink?: boolean;
  seed?: string;
  faults?: string;
}

export async function exploreCommand(name: string, o: ExploreCliOptions): Promise<number> {
  const runs = int('--runs', o.runs, 1, 1000);
  const workers = int('--workers', o.workers, 1, 1);
  const seed = int('--seed', o.seed, 0, 0);
  const time = o.time === undefined ? undefined : Number(o.time);
  if (time !== undefined && !(time > 0)) throw new UsageError(`--time must be a positive number of seconds, got '${o.time}'`);
  const scenario = await loadScenario(name);
  const bar = o.json ? progressBar('') : progressBar(scenario.name);
  const report = await explore(scenario, {
    strategy: o.strategy ?? 'portfolio',
    runs,
    seed,
    workers,
    shard: parseShard(o.shard),
    timeLimitMs: time === undefined ? undefined : time * 1000,
    outDir: o.out ?? 'failures',
    shrink: o.shrink !== false,
    scenarioRef: name,
    faults: parseFaults(o.faults),
    onProgress: (done, total, findings) => bar.update(done, total, findings),
  });
  bar.stop();
  if (o.json) io.out(`${JSON.stringify(report)}\n`);
  else printReport(report);
  return report.findings.length > 0 ? 1 : 0;
}

export function printReport(r: ExploreReport): void {
  const secs = (r.elapsedMs / 1000).toFixed(1);
  say(`${pc.bold(r.scenario)}: ${r.runs} runs in ${secs} s, ${r.findings.length} distinct finding(s)`);
  printCoverage(r.coverage);
  for (const f of r.findings) {
    const code = f.finding.code === undefined ? '' : ` 0x${f.finding.code.toString(16).toUpperCase()}${f.finding.subcode === undefined ? '' : `/0x${f.finding.subcode.toString(16).toUpperCase()}`}`;
    const shrunk = f.shrunk === undefined ? '' : `, shrunk to ${f.shrunk.preemptions} preemption(s) in ${f.shrunk.choices.length} decisions`;
    say(`  ${pc.red(f.finding.kind)}${code} ${f.finding.name} — first at run ${f.firstRun + 1}${shrunk}`);
    say(`    ${f.finding.message}`);
    if (f.file !== undefined) say(`    replay: irpsim replay ${f.file}`);
  }
}

/** "no bug found" comes with "and these windows were exercised" (issue 7 item 3) */
export function printCoverage(coverage: Record<string, number>): void {
  const hit = RACE_WINDOWS.filter((w) => coverage[w] !== undefined).map((w) => [w, coverage[w]] as const);
  const missed = RACE_WINDOWS.filter((w) => coverage[w] === undefined);
  say(`  race windows reached: ${hit.length === 0 ? 'none' : hit.map(([w, n]) => `${w} (${n} runs)`).join('; ')}`);
  if (missed.length > 0) say(`  never reached: ${missed.join('; ')}`);
}
