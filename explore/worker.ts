// An explore worker (worker_threads): loads the scenario, runs its share of run indices, and posts
// the first hit of every finding as soon as it is seen, plus progress. Orchestration: async is fine.
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from './load.ts';
import { collect, type FirstHit, type RunPlan, runOne } from './runs.ts';

export interface WorkerTask {
  scenario: string;
  plan: RunPlan;
  /** run indices start + k·stride, k = 0, 1, … while below end */
  start: number;
  stride: number;
  end: number;
  deadline: number;
}

export type WorkerMessage =
  | { type: 'hit'; hit: FirstHit }
  | { type: 'progress'; runs: number }
  | { type: 'done'; runs: number; coverage: Record<string, number> }
  | { type: 'error'; message: string };

async function main(task: WorkerTask): Promise<void> {
  const port = parentPort!;
  const scenario = await loadScenario(task.scenario);
  const hits = new Map<string, FirstHit>();
  const coverage: Record<string, number> = {};
  let runs = 0;
  for (let run = task.start; run < task.end; run += task.stride) {
    if (performance.now() > task.deadline) break;
    const r = runOne(scenario, task.plan, run);
    runs++;
    for (const w of r.coverage ?? []) coverage[w] = (coverage[w] ?? 0) + 1;
    for (const hit of collect(hits, r, task.plan, run)) port.postMessage({ type: 'hit', hit } satisfies WorkerMessage);
    if (runs % 25 === 0) port.postMessage({ type: 'progress', runs } satisfies WorkerMessage);
  }
  port.postMessage({ type: 'done', runs, coverage } satisfies WorkerMessage);
}

if (parentPort !== null) {
  main(workerData as WorkerTask).catch((e: unknown) => {
    parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
  });
}
