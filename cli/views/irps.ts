// The life of each IRP, read from the trace's notes ('irp:create', then 'irp:state' with dispatch,
// pending, cancel, completed, stage-b, freed), and a time for every trace event on the step axis: a
// step at its step number, the notes of a step spread inside it, so nothing shares a timestamp.
import type { TraceEvent } from '../../index.ts';

export interface IrpState {
  state: string;
  ts: number;
  step: number;
  task: string;
}

export interface IrpLifecycle {
  irp: number;
  /** the request, from the 'irp:create' note (e.g. 'IRP_MJ_DEVICE_CONTROL 0x222000') */
  request: string;
  begin: number;
  /** the 'freed' note's time, or the end of the trace */
  end: number;
  states: IrpState[];
  created: { step: number; task: string } | null;
  completed: { step: number; task: string } | null;
}

/** ts of each event: steps at their step number, the n notes of a step at step + 0.1 … step + 0.9 */
export function noteTimes(trace: readonly TraceEvent[]): number[] {
  const perStep = new Map<number, number>();
  for (const ev of trace) if (ev.kind === 'note') perStep.set(ev.step, (perStep.get(ev.step) ?? 0) + 1);
  const seen = new Map<number, number>();
  return trace.map((ev) => {
    if (ev.kind !== 'note') return ev.step;
    const j = seen.get(ev.step) ?? 0;
    seen.set(ev.step, j + 1);
    const n = perStep.get(ev.step) ?? 1;
    return Math.round((ev.step + 0.1 + (0.8 * j) / n) * 1000) / 1000;
  });
}

/** the IRPs in order of their first 'irp:create' or 'irp:state' note; states after 'freed' are left out */
export function irpLifecycles(trace: readonly TraceEvent[], times: readonly number[], end: number): IrpLifecycle[] {
  const byIrp = new Map<number, IrpLifecycle>();
  const freed = new Set<number>();
  trace.forEach((ev, i) => {
    if (ev.kind !== 'note' || ev.irp === undefined || freed.has(ev.irp)) return;
    if (ev.label !== 'irp:create' && ev.label !== 'irp:state') return;
    let life = byIrp.get(ev.irp);
    if (life === undefined) {
      life = { irp: ev.irp, request: '', begin: times[i], end, states: [], created: null, completed: null };
      byIrp.set(ev.irp, life);
    }
    record(life, ev, times[i]);
    if (ev.label === 'irp:state' && ev.data === 'freed') freed.add(ev.irp);
  });
  return [...byIrp.values()];
}

function record(life: IrpLifecycle, ev: TraceEvent, ts: number): void {
  const at = { step: ev.step, task: ev.task };
  if (ev.label === 'irp:create') {
    life.request = ev.data === undefined ? '' : String(ev.data);
    life.created ??= at;
    return;
  }
  const state = String(ev.data ?? '?');
  if (state === 'freed') {
    life.end = ts;
    return;
  }
  if (state === 'completed') life.completed ??= at;
  life.states.push({ state, ts, ...at });
}
