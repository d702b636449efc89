// One whole run of a set of tasks: build an engine, let `setup` spawn the tasks, run it. When the
// run ends on a forgotten yield*, it is run again with call-site capture on (runs are
// deterministic, so the second run ends the same way) to name the line.
import { Engine, type EngineOptions } from './engine.ts';
import { ReplayStrategy } from './strategies/replay.ts';
import type { RunResult } from './types.ts';

export function runTasks(setup: (engine: Engine) => void, options: EngineOptions): RunResult {
  const engine = new Engine(options);
  setup(engine);
  const result = engine.run();
  const first = result.findings[0];
  if (first?.name === 'FORGOTTEN_YIELD_STAR' && options.captureStacks !== true) {
    const strategy = new ReplayStrategy(result.schedule.choices);
    const again = new Engine({ ...options, strategy, captureStacks: true, keepTrace: false });
    setup(again);
    const located = again.run();
    if (located.traceHash === result.traceHash && located.findings[0]?.name === first.name) {
      result.findings[0] = located.findings[0];
    }
  }
  return result;
}
