// A run as Chrome/Perfetto trace-event JSON (the JSON Object Format; open it in ui.perfetto.dev):
// one process named after the scenario, one track per thread, each step a 1 µs slice at ts = its
// step number (virtual time in args), so slices never overlap; notes as instants inside their step;
// each IRP an async slice (cat 'irp', id = IRP number) with its states nested inside, from its first
// note to 'freed' (or the end); a flow arrow from the step that created it to the one that completed
// it; findings as global instants.
import type { RunResult, TraceEvent } from '../../index.ts';
import { describeEvent, findingLine, findingTitle, laneNames, laneTitle, type ViewMeta } from './describe.ts';
import { irpLifecycles, noteTimes, type IrpLifecycle } from './irps.ts';

export interface PerfettoEvent {
  name: string;
  ph: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  s?: string;
  bp?: string;
  args?: Record<string, unknown>;
}

export interface PerfettoTrace {
  displayTimeUnit: 'ns' | 'ms';
  traceEvents: PerfettoEvent[];
  otherData: Record<string, string>;
}

const PID = 1;
/** flow ends sit just after their step begins, before any note, so they bind to the step's slice */
const FLOW_OFFSET = 0.05;

export function perfetto(run: RunResult, meta: ViewMeta): string {
  return `${JSON.stringify(perfettoTrace(run, meta))}\n`;
}

export function perfettoTrace(run: RunResult, meta: ViewMeta): PerfettoTrace {
  const lanes = laneNames(run.trace);
  const tid = new Map(lanes.map((l, i) => [l, i + 1]));
  const events: PerfettoEvent[] = [{ name: 'process_name', ph: 'M', pid: PID, args: { name: meta.scenario } }];
  lanes.forEach((l, i) => {
    events.push({ name: 'thread_name', ph: 'M', pid: PID, tid: i + 1, args: { name: laneTitle(l) } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid: i + 1, args: { sort_index: i + 1 } });
  });
  const times = noteTimes(run.trace);
  run.trace.forEach((ev, i) => {
    const t = tid.get(ev.task) ?? 0;
    if (ev.kind !== 'note') events.push(stepSlice(ev, t));
    else if (ev.label !== 'finding') events.push(noteInstant(ev, t, times[i]));
  });
  const end = lastStep(run.trace) + 1;
  for (const irp of irpLifecycles(run.trace, times, end)) events.push(...irpSlices(irp), ...irpFlow(irp, tid));
  for (const f of run.findings) events.push(findingInstant(f, times, run.trace));
  const otherData = { scenario: meta.scenario, outcome: run.outcome, traceHash: run.traceHash };
  return { displayTimeUnit: 'ns', traceEvents: events, otherData };
}

function stepSlice(ev: TraceEvent, tid: number): PerfettoEvent {
  const args: Record<string, unknown> = { step: ev.step, timeMs: ev.timeMs };
  if (ev.data !== undefined) args.data = ev.data;
  return { name: ev.label, cat: ev.kind, ph: 'X', pid: PID, tid, ts: ev.step, dur: 1, args };
}

function noteInstant(ev: TraceEvent, tid: number, ts: number): PerfettoEvent {
  const args: Record<string, unknown> = { step: ev.step, timeMs: ev.timeMs, label: ev.label };
  if (ev.data !== undefined) args.data = ev.data;
  if (ev.irp !== undefined) args.irp = ev.irp;
  return { name: describeEvent(ev), cat: 'note', ph: 'i', s: 't', pid: PID, tid, ts, args };
}

/**
 * The IRP's slice, with one nested slice per state. Each state ends 1 ns before the next begins and
 * the IRP's slice 5 ns after its last state, so no end shares a timestamp with another event of the
 * track: ends always match the innermost open slice, whatever order a viewer sorts ties in.
 */
function irpSlices(irp: IrpLifecycle): PerfettoEvent[] {
  const name = `irp#${irp.irp}`;
  const base = { cat: 'irp', id: irp.irp, pid: PID };
  const out: PerfettoEvent[] = [{ ...base, name, ph: 'b', ts: irp.begin, args: { request: irp.request } }];
  irp.states.forEach((s, i) => {
    const until = round((irp.states[i + 1]?.ts ?? irp.end) - 0.001);
    out.push({ ...base, name: s.state, ph: 'b', ts: s.ts, args: { step: s.step, thread: laneTitle(s.task) } });
    out.push({ ...base, name: s.state, ph: 'e', ts: until });
  });
  out.push({ ...base, name, ph: 'e', ts: round(irp.end + 0.005) });
  return out;
}

/** an arrow from the step that created the IRP to the step that completed it */
function irpFlow(irp: IrpLifecycle, tid: Map<string, number>): PerfettoEvent[] {
  const from = irp.created;
  const to = irp.completed;
  if (from === null || to === null) return [];
  const base = { name: `irp#${irp.irp}`, cat: 'irp-flow', id: irp.irp, pid: PID };
  return [
    { ...base, ph: 's', tid: tid.get(from.task) ?? 0, ts: round(from.step + FLOW_OFFSET) },
    { ...base, ph: 'f', bp: 'e', tid: tid.get(to.task) ?? 0, ts: round(to.step + FLOW_OFFSET) },
  ];
}

function findingInstant(
  f: RunResult['findings'][number],
  times: readonly number[],
  trace: readonly TraceEvent[],
): PerfettoEvent {
  const i = trace.findIndex((ev) => ev.kind === 'note' && ev.label === 'finding' && ev.data === f.name && ev.step === f.step);
  const ts = i >= 0 ? times[i] : f.step + 0.9;
  const args = { finding: findingLine(f), kind: f.kind, thread: f.thread, step: f.step, irp: f.irp ?? null };
  return { name: findingTitle(f), cat: 'finding', ph: 'i', s: 'g', pid: PID, ts, args };
}

function lastStep(trace: readonly TraceEvent[]): number {
  return trace.length === 0 ? 0 : trace[trace.length - 1].step;
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
