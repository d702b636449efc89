// core/: the engine, knowing nothing of Windows. Other folders import from here only.
export { Call, trackCalls } from './call.ts';
export { Timer } from './clock.ts';
export type { EngineOptions } from './engine.ts';
export { Engine, normalize, touchObject, tracked } from './engine.ts';
export { describeFunction, emulatorBug, isGeneratorFunction, ReplayDivergenceError, ScenarioError, STOP_RUN } from './errors.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
export { Block, block, Point, type Routine, type Yield } from './point.ts';
export type { Decision, StepObserver, Strategy } from './strategy.ts';
export { PctStrategy, type PctOptions } from './strategies/pct.ts';
export { RandomStrategy } from './strategies/random.ts';
export { ReplayStrategy } from './strategies/replay.ts';
export { Task } from './task.ts';
export {
  type Access,
  type DecisionKind,
  EMPTY_FOOTPRINT,
  type Finding,
  type FindingKind,
  type Footprint,
  fpRead,
  fpWrite,
  type Outcome,
  type Ref,
  type RunResult,
  type RunStats,
  type Schedule,
  type TraceEvent,
} from './types.ts';
export { makeStrategy, type StrategyName, type StrategySpec, DEFAULT_PCT_DEPTH } from './strategies/make.ts';
export { runTasks } from './run.ts';
export { ChunkedList } from './chunked.ts';
export { DEFAULT_SHRINK_RUNS, type ShrinkOptions, type ShrinkProbe, shrinkSchedule } from './shrink.ts';
export { conflicts, type DfsOptions, type Step, SystematicStrategy } from './strategies/dfs.ts';
export { type SystematicOptions, type SystematicResult, systematic } from './systematic.ts';
