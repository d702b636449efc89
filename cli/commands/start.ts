// npm start (issue 5 item 5): explores every seed scenario and prints one table — scenario, the
// finding (code and name), runs to its first hit, preemptions in the shrunk schedule — and the
// corrected versions' result under the combined click script.
import { stripVTControlCharacters } from 'node:util';
import pc from 'picocolors';
import { io } from '../common.ts';

const say = (line: string) => io.out(`${line}\n`);
import { explore } from '../../explore/explore.ts';
import { RACE_WINDOWS, type Scenario, simulate, systematic } from '../../index.ts';
import { builtinScenarios, matchesExpected } from '../../scenarios/index.ts';
import type { SeedScenario } from '../../scenarios/seed/bugs.ts';

const matches = matchesExpected;

const codeOf = (f: { code?: number; subcode?: number }) =>
  f.code === undefined ? '' : `0x${f.code.toString(16).toUpperCase()}${f.subcode === undefined ? '' : `/0x${f.subcode.toString(16).toUpperCase().padStart(2, '0')}`} `;

export async function startCommand(o: { runs?: string }): Promise<number> {
  const budget = o.runs === undefined ? 2000 : Number(o.runs);
  const fixed = builtinScenarios.filter((s) => s.name === 'seed/fixed-lock' || s.name === 'seed/fixed-csq');
  const fixedResults: string[] = [];
  let dirty = 0;
  const windows: string[] = [];
  for (const s of fixed) {
    const r = await explore(s, { runs: Math.min(budget, 1000), shrink: false });
    dirty += r.findings.length;
    const missed = RACE_WINDOWS.filter((w) => r.coverage[w] === undefined);
    windows.push(`${s.name}: ${RACE_WINDOWS.length - missed.length} of ${RACE_WINDOWS.length} race windows reached${missed.length === 0 ? '' : ` (not: ${missed.join('; ')})`}`);
    fixedResults.push(`${s.name.slice(11)} ${r.findings.length === 0 ? 'clean' : `${r.findings.length} finding(s)!`} (${r.runs} runs)`);
  }
  const corrected = fixedResults.join('; ');
  const exhaustive: string[] = [];
  for (const name of ['seed/fixed-lock-check', 'seed/fixed-csq-check']) {
    const s = builtinScenarios.find((x) => x.name === name)!;
    const res = systematic((st) => simulate(s, { strategy: st, keepTrace: false }), { dpor: false, preemptionBound: 2, maxSchedules: 20_000 });
    dirty += res.findings.length;
    exhaustive.push(`${name}: ${res.complete ? 'complete' : 'stopped'}, ${res.schedules} schedules, ${res.findings.length} findings`);
  }
  const rows: string[][] = [['scenario', 'finding', 'runs to first hit', 'shrunk preemptions', 'corrected version']];
  let missed = 0;
  for (const s of builtinScenarios.filter((x) => /^seed\/S\d+$/.test(x.name)) as SeedScenario[]) {
    const want = matches(s.expected);
    const r = await explore(s as unknown as Scenario<unknown>, { runs: budget, until: want, shrink: true });
    const hit = r.findings.find((f) => want(f.finding));
    if (hit === undefined) missed++;
    rows.push([
      s.name,
      hit === undefined ? pc.red(`not found (${s.expected.name})`) : `${codeOf(hit.finding)}${hit.finding.name}`,
      hit === undefined ? `> ${r.runs}` : String(hit.firstRun + 1),
      hit?.shrunk === undefined ? '-' : String(hit.shrunk.preemptions),
      corrected,
    ]);
  }
  printTable(rows);
  say(`\nExhaustive check to preemption bound 2 (irpsim check): ${exhaustive.join('; ')}.`);
  say(`Race windows the corrected versions' schedules exercised — ${windows.join('. ')}.`);
  say(`The corrected driver and application (${fixed.map((s) => s.name).join(', ')}) run the combined click script: ${corrected}.`);
  say('Look at one: irpsim run seed/S2 --format html --out s2.html; irpsim explore seed/S3 writes replayable failure files.');
  return missed === 0 && dirty === 0 ? 0 : 1;
}

function printTable(rows: string[][]): void {
  const plain = (s: string) => stripVTControlCharacters(s);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => plain(r[c]).length)));
  for (const [i, r] of rows.entries()) {
    const line = r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - plain(cell).length))).join('  ');
    say(i === 0 ? pc.bold(line) : line);
  }
}
