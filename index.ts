// The public API (API.md): the engine, the kernel model, the Win32 surface, scenarios.
export * from './core/index.ts';
export * from './kernel/index.ts';
export * from './usermode/index.ts';
export { type ExploreFinding, type ExploreOptions, type ExploreReport, explore } from './explore/explore.ts';
export { type Replayable, replay } from './explore/replay.ts';
