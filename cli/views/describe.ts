// What every view of a run shares: the lanes (one per thread, in order of first appearance), one
// short text per trace event (an IRP state change reads `irp#3 → pending`), a finding's title, and
// the header a failure report starts with: outcome, scenario, seed, the replay command, the findings
// (STYLE.md 6). Pure functions of the RunResult: the same run always renders the same text.
import type { Finding, RunResult, TraceEvent } from '../../index.ts';
import { failureFileName, hex } from '../failure-file.ts';

export interface ViewMeta {
  scenario: string;
  seed?: number;
  strategy?: string;
  /** the failure file to name in the replay command (default: failureFileName of the first finding) */
  file?: string;
}

/** the engine's name for "no thread" (setup, timer callbacks) */
export const NO_TASK = '-';
/** how a view names the NO_TASK lane */
export const NO_TASK_LANE = 'timers';

/** thread names in order of first appearance in the trace */
export function laneNames(trace: readonly TraceEvent[]): string[] {
  const seen = new Set<string>();
  for (const ev of trace) seen.add(ev.task);
  return [...seen];
}

export function laneTitle(task: string): string {
  return task === NO_TASK ? NO_TASK_LANE : task;
}

/** one event as a short text, e.g. `IoSetCancelRoutine(irp#3)`, `irp#3 → pending`, `dbg: hello` */
export function describeEvent(ev: TraceEvent): string {
  const data = ev.data === undefined ? '' : flat(String(ev.data));
  if (ev.kind !== 'note') return data === '' ? ev.label : `${ev.label}(${data})`;
  const irp = ev.irp === undefined ? '' : `irp#${ev.irp}`;
  switch (ev.label) {
    case 'irp:state':
      return `${irp} → ${data}`;
    case 'irp:create':
      return `${irp} created ${data}`.trim();
    case 'dbg':
      return `dbg: ${data}`;
    case 'finding':
      return `‼ ${data}${irp === '' ? '' : ` (${irp})`}`;
    default:
      return data === '' ? ev.label : `${ev.label}: ${data}`;
  }
}

export function isIrpState(ev: TraceEvent): boolean {
  return ev.kind === 'note' && (ev.label === 'irp:state' || ev.label === 'irp:create');
}

export function isFinding(ev: TraceEvent): boolean {
  return ev.kind === 'note' && ev.label === 'finding';
}

/** e.g. `bugcheck 0xC9/0x07 DRIVER_VERIFIER_IOMANAGER_VIOLATION` */
export function findingTitle(f: Finding): string {
  const code = f.code === undefined ? '' : ` ${hex(f.code)}${f.subcode === undefined ? '' : `/${hex(f.subcode)}`}`;
  return `${f.kind}${code} ${f.name}`;
}

/** e.g. `… at step 41 on worker, irp#3: the IRP was completed twice` */
export function findingLine(f: Finding): string {
  const irp = f.irp === undefined ? '' : `, irp#${f.irp}`;
  return `${findingTitle(f)} at step ${f.step} on ${f.thread}${irp}: ${flat(f.message)}`;
}

/** the exact command that reproduces this run */
export function replayCommand(run: RunResult, meta: ViewMeta): string {
  const first = run.findings[0];
  if (meta.file !== undefined) return `irpsim replay ${meta.file}`;
  if (first !== undefined) return `irpsim replay ${failureFileName(first, meta.scenario)}`;
  const seed = meta.seed === undefined ? '' : ` --seed ${meta.seed}`;
  const strategy = meta.strategy === undefined ? '' : ` --strategy ${meta.strategy}`;
  return `irpsim run ${meta.scenario}${seed}${strategy}`;
}

/** the report header as label/value pairs, in order; each value is one line */
export function headerFields(run: RunResult, meta: ViewMeta): [string, string][] {
  const s = run.stats;
  return [
    ['outcome', run.outcome],
    ['scenario', flat(meta.scenario)],
    ['seed', meta.seed === undefined ? '-' : String(meta.seed)],
    ['strategy', meta.strategy ?? run.schedule.strategy ?? '-'],
    ['replay', replayCommand(run, meta)],
    ['stats', `${s.steps} steps, ${s.decisions} decisions, ${s.preemptions} preemptions, ${s.virtualTimeMs} ms`],
    ['trace hash', run.traceHash],
  ];
}

/** one line: control characters (newlines in DbgPrint text) become spaces */
export function flat(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/** at most `width` characters, with `…` when cut */
export function clip(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}
