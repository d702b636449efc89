// Scenarios and whole runs (API.md "Scenarios", "Running"): a boot thread loads the drivers
// (DriverEntry on a system thread) and then starts the application's processes; the main thread's
// return is ExitProcess, as after WinMain. `simulate` runs one schedule; after the run the kernel
// reports cancelled IRPs that never completed (0xC4/0x135), and the scenario's oracle is asked.
import {
  describeFunction,
  type Engine,
  isGeneratorFunction,
  makeStrategy,
  type RunResult,
  runTasks,
  ScenarioError,
  type StepObserver,
  type Strategy,
  type Routine,
} from '../core/index.ts';
import {
  C4,
  contextOf,
  type DRIVER_OBJECT,
  type EPROCESS,
  installRundown,
  type KernelContext,
  type KThread,
  loadDriverObject,
  NT_SUCCESS,
  NO_FAULTS,
  RACE_WINDOWS,
  NtSystem,
  type Faults,
} from '../kernel/index.ts';
import { AppVerifier } from './appverifier.ts';
import { runUserApcs } from './base.ts';
import type { ThreadFactory } from './threads.ts';
import { Win32Context } from './win32.ts';

export type DriverEntry = (k: KernelContext, DriverObject: DRIVER_OBJECT, RegistryPath: string) => Routine<number>;
export type ThreadBody<S> = (w: Win32Context, state: S) => Routine<unknown>;

export interface ScenarioSpec<S = unknown> {
  name: string;
  description: string;
  drivers?: Record<string, DriverEntry>;
  /** the process's first thread; its return is ExitProcess(return value) */
  main: ThreadBody<S>;
  /** more processes, each with its own handle table */
  processes?: Record<string, ThreadBody<S>>;
  deadlineMs?: number;
  maxSteps?: number;
  /** per-run state handed to every main and to `check` (what the application shows, for oracles) */
  state?: () => S;
  /** oracle: throw, or return a string, to report a finding */
  check?: (run: RunResult, state: S) => string | undefined | void;
}

export interface Scenario<S = unknown> extends ScenarioSpec<S> {
  readonly kind: 'irpsim-scenario';
}

export function defineScenario<S = unknown>(spec: ScenarioSpec<S>): Scenario<S> {
  if (typeof spec.name !== 'string' || spec.name === '') throw new ScenarioError('a scenario needs a name');
  if (!isGeneratorFunction(spec.main)) throw new ScenarioError(`scenario ${spec.name}: main must be a generator function (function* (w) { … })`);
  for (const [n, d] of Object.entries(spec.drivers ?? {})) {
    if (!isGeneratorFunction(d)) throw new ScenarioError(`scenario ${spec.name}: DriverEntry of ${n} must be a generator function`);
  }
  return { ...spec, kind: 'irpsim-scenario' };
}

export interface SimulateOptions {
  strategy?: string | Strategy;
  seed?: number;
  maxSteps?: number;
  deadlineMs?: number;
  /** keep the full trace (default true; explore turns it off) */
  keepTrace?: boolean;
  /** PCT's expected number of decisions */
  pctSteps?: number;
  /** replay: the labels each decision must carry */
  expectLabels?: readonly string[];
  /** told about every step (DPOR) */
  observer?: StepObserver;
  /** fault choices to explore (none by default) */
  faults?: Partial<Faults>;
}

export function strategyOf(options: SimulateOptions): Strategy {
  const s = options.strategy ?? 'random';
  return typeof s === 'string' ? makeStrategy(s, { seed: options.seed ?? 0, pctSteps: options.pctSteps }) : s;
}

export function simulate<S>(scenario: Scenario<S>, options: SimulateOptions = {}): RunResult {
  let sys: NtSystem | null = null;
  let state = scenario.state?.() as S;
  const setup = (engine: Engine) => {
    // under DPOR the threads' shared state is tracked like any kernel object (README "DPOR")
    const raw = scenario.state?.();
    state = (typeof raw === 'object' && raw !== null ? engine.track(raw) : raw) as S;
    sys = boot(engine, scenario, state);
    if (options.faults !== undefined) sys.faults = { ...NO_FAULTS, ...options.faults };
  };
  const result = runTasks(setup, {
    strategy: strategyOf(options),
    seed: options.seed,
    keepTrace: options.keepTrace,
    expectLabels: options.expectLabels,
    limits: {
      maxSteps: options.maxSteps ?? scenario.maxSteps ?? 200_000,
      deadlineMs: options.deadlineMs ?? scenario.deadlineMs ?? 60_000,
    },
    describeState: () => (sys === null ? '' : describeLiveIrps(sys)),
    observer: options.observer,
  });
  if (sys !== null) {
    reportStuckCancels(sys, result);
    const covered = (sys as NtSystem).coverage;
    result.coverage = RACE_WINDOWS.filter((w) => covered.has(w));
  }
  runCheck(scenario, result, state);
  return result;
}

// The run path calls no generator function made inside another function: the first call of each
// such closure gives it an initial map, which V8 allocates in old space and which points back at
// the closure, so everything the closure captured (the whole run) survives every scavenge until the
// next full collection. Module-level generators with arrow closures around them cost nothing
// (README "Performance notes").
function boot<S>(engine: Engine, scenario: Scenario<S>, state: S): NtSystem {
  const sys = new NtSystem(engine);
  installRundown(sys);
  sys.createThread(sys.systemProcess, 'boot', (t) => bootThread(sys, scenario, state, t));
  return sys;
}

/** the system's boot thread: loads every driver (DriverEntry), then starts the processes */
function* bootThread<S>(sys: NtSystem, scenario: Scenario<S>, state: S, t: KThread): Routine<void> {
  const k = contextOf(sys, t);
  for (const [name, entry] of Object.entries(scenario.drivers ?? {})) {
    const drv = loadDriverObject(sys, name);
    let status: number;
    try {
      status = yield* entry(k, drv, `\\Registry\\Machine\\System\\CurrentControlSet\\Services\\${name}`);
    } catch (e) {
      throw sys.kernelException(e, `DriverEntry of ${name}`);
    }
    if (!NT_SUCCESS(status >>> 0)) {
      sys.engine.fail({ kind: 'check', name: 'DRIVER_LOAD_FAILED', message: `DriverEntry of ${name} returned 0x${(status >>> 0).toString(16)}` });
    }
  }
  startProcess(sys, 'app.exe', scenario.main, state);
  for (const [image, main] of Object.entries(scenario.processes ?? {})) startProcess(sys, image, main, state);
}

function startProcess<S>(sys: NtSystem, image: string, main: ThreadBody<S>, state: S): void {
  const p = sys.createProcess(image);
  const verifier = new AppVerifier();
  const factory = threadFactory(sys, p, verifier);
  startThread(sys, p, verifier, factory, processMain, { main, state }, image === 'app.exe' ? 'main' : `${image}:main`);
}

/** a process's first thread: the scenario's main, whose return value is the ExitProcess code */
function* processMain(w: Win32Context, start: { main: ThreadBody<unknown>; state: unknown }): Routine<unknown> {
  const code = yield* start.main(w, start.state);
  return yield* w.ExitProcess(typeof code === 'number' ? code : 0);
}

function threadFactory(sys: NtSystem, p: EPROCESS, verifier: AppVerifier): ThreadFactory {
  const factory: ThreadFactory = {
    start: (_w, body, param, name) => startThread(sys, p, verifier, factory, body, param, name),
  };
  return factory;
}

function startThread(sys: NtSystem, p: EPROCESS, verifier: AppVerifier, factory: ThreadFactory, body: Function, param: unknown, name: string): KThread {
  if (!isGeneratorFunction(body)) {
    sys.engine.fail({
      kind: 'determinism',
      name: 'NOT_A_GENERATOR',
      message: `thread start routine ${body.name || '(anonymous)'} must be a generator function (function* (w, param) { … }), got ${describeFunction(body)}`,
    });
  }
  return sys.createThread(p, name, (t) => {
    const w = new Win32Context(sys, t, verifier, factory);
    t.win32 = w;
    return win32Thread(w, verifier, body as (w: Win32Context, p: unknown) => Routine<unknown>, param);
  });
}

/** a Win32 thread: APCs queued before it began, then its start routine */
function* win32Thread(w: Win32Context, verifier: AppVerifier, body: (w: Win32Context, p: unknown) => Routine<unknown>, param: unknown): Routine<unknown> {
  // an APC queued before the thread began running runs before its start routine (spec/usermode.md §6.1)
  if (w.thread.userApcs.length > 0) yield* runUserApcs(w);
  const code = yield* body(w, param);
  verifier.threadExit(w);
  return code;
}

function describeLiveIrps(sys: NtSystem): string {
  const live = sys.irps.filter((s) => s.phase !== 'freed' && s.internalDone === null);
  if (live.length === 0) return 'no IRP is outstanding';
  const parts = live.map((s) => {
    const who = s.thread?.name ?? 'no thread';
    const cr = s.cancelRoutine === null ? 'no cancel routine' : `cancel routine ${s.cancelRoutine.name || 'set'}`;
    return `${s.label} (${s.phase}, from ${who}, ${s.cancel ? 'cancelled, ' : ''}${cr})`;
  });
  return `outstanding IRPs: ${parts.join('; ')}`;
}

/** a cancelled IRP still not completed when the run ended in a hang or deadlock (0xC4/0x135) */
function reportStuckCancels(sys: NtSystem, r: RunResult): void {
  if (r.outcome !== 'hang' && r.outcome !== 'deadlock') return;
  for (const s of sys.irps) {
    if (!s.cancel || s.completedStatus !== null || s.internalDone !== null || s.stuckCancelReported) continue;
    s.stuckCancelReported = true;
    r.findings.push({
      kind: 'verifier',
      code: 0xc4,
      subcode: C4.CANCELED_IRP_NOT_COMPLETED,
      name: 'DRIVER_VERIFIER_DETECTED_VIOLATION',
      message: `${s.label} was cancelled at ${s.cancelRequestedAtMs} ms and never completed (the cancel was lost or the driver ignores it)`,
      step: r.stats.steps,
      thread: s.thread?.name ?? '-',
      irp: s.id,
    });
  }
}

function runCheck<S>(scenario: Scenario<S>, r: RunResult, state: S): void {
  if (scenario.check === undefined || r.outcome === 'crash') return;
  let message: string | undefined;
  try {
    const m = scenario.check(r, state);
    if (typeof m === 'string') message = m;
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  }
  if (message === undefined) return;
  const f = { kind: 'check' as const, name: 'CHECK_FAILED', message, step: r.stats.steps, thread: '-' };
  if (r.outcome === 'ok' || r.outcome === 'step-limit') {
    r.outcome = 'check-failed';
    r.findings.unshift(f);
  } else r.findings.push(f);
}
