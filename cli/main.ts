// The irpsim command (API.md "Command line"): list, run, explore, replay, start. Exit status 0 when
// nothing was found, 1 on findings, 2 on bad input with one line on stderr and no stack trace.
import { Command, CommanderError } from 'commander';
import { builtinScenarios } from '../scenarios/index.ts';
import { checkCommand } from './commands/check.ts';
import { exploreCommand } from './commands/explore.ts';
import { replayCommand } from './commands/replay.ts';
import { runCommand } from './commands/run.ts';
import { startCommand } from './commands/start.ts';
import { badInputLine, io, isBadInput } from './common.ts';
import { fileURLToPath } from 'node:url';

/** runs the command line `argv` (without node and script); returns the exit status */
export async function runCli(argv: readonly string[]): Promise<number> {
  let status = 0;
  const done = (p: Promise<number>) =>
    p.then((code) => {
      status = code;
    });
  const program = buildProgram(done);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isBadInput(e)) {
      io.err(badInputLine(e.message));
      return 2;
    }
    throw e;
  }
}

function buildProgram(done: (p: Promise<number>) => Promise<void>): Command {
  const program = new Command('irpsim')
    .description('deterministic emulator of Windows overlapped I/O: find, replay and shrink IRP races')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(s) });
  program
    .command('list')
    .description('list the built-in scenarios')
    .action(() => {
    for (const s of builtinScenarios) io.out(`${s.name.padEnd(18)} ${s.description}\n`);
  });

  program
    .command('run <scenario>')
    .description('run one schedule of a scenario and show it')
    .option('--seed <n>', 'seed of the strategy', '0')
    .option('--strategy <s>', 'random, pct, pct:<d>', 'random')
    .option('--format <f>', 'text, json, perfetto, mermaid or html', 'text')
    .option('--out <file>', 'write the view to a file')
    .option('--json', 'print the RunResult as JSON')
    .option('--check-determinism', 'run the schedule in two other processes and compare trace hashes')
    .option('--hash-only', 'print only the trace hash')
    .option('--faults <list>', 'fault choices to explore: pending, alloc, exit (comma-separated)')
    .action((name, o) => done(runCommand(name, o)));

  program
    .command('explore <scenario>')
    .description('explore schedules, shrink every distinct finding, write failure files')
    .option('--strategy <s>', 'portfolio, random, pct, pct:<d>', 'portfolio')
    .option('--runs <n>', 'schedules to run', '1000')
    .option('--time <s>', 'stop after this many seconds')
    .option('--workers <n>', 'worker threads', '1')
    .option('--shard <i/n>', 'run only shard i of n (disjoint seeds)')
    .option('--seed <n>', 'base seed', '0')
    .option('--out <dir>', 'directory for failure files', 'failures')
    .option('--no-shrink', 'keep the first schedule of each finding as found')
    .option('--faults <list>', 'fault choices to explore: pending, alloc, exit (comma-separated)')
    .option('--json', 'print the ExploreReport as JSON')
    .action((name, o) => done(exploreCommand(name, o)));

  program
    .command('replay <failure>')
    .description('replay a failure file exactly (stops at the first diverging decision)')
    .option('--format <f>', 'text, json, perfetto, mermaid or html', 'text')
    .option('--out <file>', 'write the view to a file')
    .option('--shrunk', 'replay the shrunk schedule')
    .option('--json', 'print the RunResult as JSON')
    .action((file, o) => done(replayCommand(file, o)));

  program
    .command('check <scenario>')
    .description('explore every schedule up to a preemption or delay bound (DFS), or one per equivalence class (--dpor)')
    .option('--bound <n>', 'most preemptions per schedule, or none (default 2; none with --delay-bound)')
    .option('--delay-bound <n>', 'most delays per schedule: taking the k-th task after the round-robin choice costs k (DFS only)')
    .option('--dpor', 'dynamic partial-order reduction (bounded: BPOR; with --bound none: source-set DPOR with sleep sets)')
    .option('--max <n>', 'stop after this many schedules', '200000')
    .option('--out <dir>', 'directory for the failure file', 'failures')
    .option('--all', 'go on after the first finding and collect every distinct one')
    .option('--faults <list>', 'fault choices to explore: pending, alloc, exit (comma-separated)')
    .option('--json', 'print { complete, schedules, findings }')
    .action((name, o) => done(checkCommand(name, o)));

  program
    .command('start')
    .description('explore every seed scenario and print what was found')
    .option('--runs <n>', 'run budget per scenario', '2000')
    .action((o) => done(startCommand(o)));

  return program;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = await runCli(process.argv.slice(2));
}
