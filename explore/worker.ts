// An explore worker (worker_threads): loads the scenario, then takes run indices from the counter it
// shares with the main thread and the other workers (runs.ts SharedRuns), posts the first hit of
// every finding as soon as it is seen, its run count after every batch, and its coverage when no
// index is left. Orchestration: async is fine.
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from './load.ts';
import { type FirstHit, newUnit, type RunPlan, runBatch, SharedRuns, type Split } from './runs.ts';

export interface WorkerTask {
  scenario: string;
  plan: RunPlan;
  split: Split;
  /** this worker's unit number (the main thread is unit 0) */
  unit: number;
  /** epoch milliseconds (runs.ts epochNow); Infinity for none */
  deadline: number;
  shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'hit'; hit: FirstHit }
  | { type: 'progress'; runs: number }
  | { type: 'done'; runs: number; coverage: Record<string, number> }
  | { type: 'error'; name: string; message: string; stack?: string };

async function main(task: WorkerTask): Promise<void> {
  const port = parentPort!;
  const scenario = await loadScenario(task.scenario);
  const shared = new SharedRuns(task.shared);
  const unit = newUnit();
  if (shared.begin(task.unit)) {
    const post = (hits: FirstHit[]) => {
      for (const hit of hits) port.postMessage({ type: 'hit', hit } satisfies WorkerMessage);
      return false;
    };
    let more = true;
    while (more) {
      more = runBatch(scenario, task.plan, task.split, task.deadline, shared, unit, post);
      port.postMessage({ type: 'progress', runs: unit.runs } satisfies WorkerMessage);
    }
  }
  port.postMessage({ type: 'done', runs: unit.runs, coverage: unit.coverage } satisfies WorkerMessage);
}

if (parentPort !== null) {
  main(workerData as WorkerTask).catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    parentPort!.postMessage({ type: 'error', name: err.name, message: err.message, stack: err.stack } satisfies WorkerMessage);
  });
}
