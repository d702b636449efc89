// The text timeline of a run: the report header (outcome, scenario, seed, replay command, findings),
// then one row per trace event in order with its step and virtual time and one column per thread;
// notes sit in their thread's column (`irp#3 → pending`), finding rows are marked `!!`. Long cells
// are cut and the column header repeats, so 200+ events stay readable; very long runs keep the end.
import type { RunResult, TraceEvent } from '../../index.ts';
import { clip, describeEvent, findingLine, headerFields, isFinding, laneNames, laneTitle, type ViewMeta } from './describe.ts';

export interface TimelineOptions {
  /** widest thread column (default 32) */
  cellWidth?: number;
  /** the column header repeats every this many rows (default 50) */
  headerEvery?: number;
  /** most rows shown; a longer trace shows its last rows (default 5000) */
  maxRows?: number;
}

const STEP_W = 6;
const TIME_W = 9;

export function timeline(run: RunResult, meta: ViewMeta, opts: TimelineOptions = {}): string {
  const out = header(run, meta);
  const lanes = laneNames(run.trace);
  if (lanes.length === 0) return `${out.join('\n')}\n\n(no trace events)\n`;
  const widths = columnWidths(run.trace, lanes, opts.cellWidth ?? 32);
  const maxRows = Math.max(1, opts.maxRows ?? 5000);
  const every = Math.max(1, opts.headerEvery ?? 50);
  const skipped = Math.max(0, run.trace.length - maxRows);
  out.push('');
  if (skipped > 0) out.push(`(${skipped} earlier events not shown)`);
  const column = new Map(lanes.map((l, i) => [l, i]));
  for (let i = skipped; i < run.trace.length; i++) {
    if ((i - skipped) % every === 0) out.push(...columnHeader(lanes, widths));
    out.push(row(run.trace[i], column.get(run.trace[i].task) ?? 0, widths));
  }
  return `${out.join('\n')}\n`;
}

function header(run: RunResult, meta: ViewMeta): string[] {
  const out = headerFields(run, meta).map(([k, v]) => `${`${k}:`.padEnd(12)}${v}`);
  if (run.findings.length === 0) {
    out.push('findings:   none');
    return out;
  }
  out.push(`findings:   ${run.findings.length}`);
  run.findings.forEach((f, i) => {
    out.push(`  !! ${i + 1}. ${findingLine(f)}`);
  });
  return out;
}

function columnWidths(trace: readonly TraceEvent[], lanes: readonly string[], max: number): number[] {
  const widths = lanes.map((l) => Math.min(max, Math.max(6, laneTitle(l).length)));
  const index = new Map(lanes.map((l, i) => [l, i]));
  for (const ev of trace) {
    const i = index.get(ev.task) ?? 0;
    widths[i] = Math.min(max, Math.max(widths[i], describeEvent(ev).length));
  }
  return widths;
}

function columnHeader(lanes: readonly string[], widths: readonly number[]): string[] {
  const names = lanes.map((l, i) => clip(laneTitle(l), widths[i]).padEnd(widths[i]));
  const rules = widths.map((w) => '─'.repeat(w));
  return [
    `  ${'step'.padStart(STEP_W)} ${'time ms'.padStart(TIME_W)} │ ${names.join(' │ ')}`,
    `  ${'─'.repeat(STEP_W)} ${'─'.repeat(TIME_W)} ┼─${rules.join('─┼─')}`,
  ];
}

function row(ev: TraceEvent, column: number, widths: readonly number[]): string {
  const cells = widths.map((w, i) => (i === column ? clip(describeEvent(ev), w) : '').padEnd(w));
  const mark = isFinding(ev) ? '!!' : '  ';
  return `${mark}${String(ev.step).padStart(STEP_W)} ${String(ev.timeMs).padStart(TIME_W)} │ ${cells.join(' │ ')}`.trimEnd();
}
