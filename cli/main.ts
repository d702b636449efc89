// The irpsim command (API.md "Command line"). This first version has `list` and `start`; run,
// explore, replay and check arrive with their issues. Bad input: one line on stderr, exit 2.
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { makeStrategy, runTasks } from '../index.ts';
import * as lostUpdate from '../scenarios/demo/lost-update.ts';

const program = new Command('irpsim')
  .description('deterministic emulator of Windows overlapped I/O: find, replay and shrink IRP races')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('list')
  .description('list the built-in scenarios')
  .action(() => {
    console.log(`${lostUpdate.name}  ${lostUpdate.description}`);
  });

program
  .command('start')
  .description('explore the built-in scenarios and print what was found')
  .option('--runs <n>', 'schedules per strategy', '2000')
  .action((opts: { runs: string }) => {
    const runs = Number(opts.runs);
    if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, got '${opts.runs}'`);
    console.log(pc.bold(`${lostUpdate.name}: ${lostUpdate.description}`));
    for (const strategy of ['random', 'pct:2']) {
      let firstHit = -1;
      let hits = 0;
      for (let seed = 0; seed < runs; seed++) {
        const out = { value: 0 };
        runTasks((e) => lostUpdate.setup(e, out), { strategy: makeStrategy(strategy, { seed, pctSteps: 12 }) });
        if (out.value !== lostUpdate.expected) {
          hits++;
          if (firstHit < 0) firstHit = seed + 1;
        }
      }
      console.log(`  ${strategy.padEnd(7)} lost an update in ${hits}/${runs} runs; first at run ${firstHit}`);
    }
  });

function fail(message: string): never {
  process.stderr.write(`irpsim: ${message}\n`);
  process.exit(2);
}

try {
  program.parse();
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  throw e;
}
