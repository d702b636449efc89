// usermode/: the Win32 surface and whole runs. Imports kernel/ and core/ only.
export * from './constants.ts';
export * from './errors.ts';
export { HasOverlappedIoCompleted, OVERLAPPED } from './overlapped.ts';
export type { OVERLAPPED_ENTRY } from './ports.ts';
export {
  defineScenario,
  type DriverEntry,
  type Scenario,
  type ScenarioSpec,
  type SimulateOptions,
  simulate,
  strategyOf,
  type ThreadBody,
} from './scenario.ts';
export { Win32Context } from './win32.ts';
