// A run as a Mermaid sequence diagram: one participant per thread (plus `Kernel` when a step enters
// it), one message per step (to Kernel for DDI calls and the Win32 calls that send IRPs, otherwise
// to itself), notes for IRP state changes and DbgPrint lines, findings in red boxes. Bounded to 400
// lines: a longer run keeps its last events (where a fatal finding is) and says what it left out.
import type { RunResult, TraceEvent } from '../../index.ts';
import { clip, describeEvent, findingLine, isFinding, laneNames, laneTitle, type ViewMeta } from './describe.ts';

export interface MermaidOptions {
  /** most lines in the diagram (default 400) */
  maxLines?: number;
}

const KERNEL = 'K';
const DDI = /^(Io|Ke|Ex|Ob|Ps|Zw|Nt|Mm|Rtl|Kd|Dbg|Hal|Po|Cm|Se|Flt|Wdf)[A-Z]/;
const SYSCALLS = new Set([
  'CreateFile',
  'DeviceIoControl',
  'ReadFile',
  'WriteFile',
  'ReadFileEx',
  'WriteFileEx',
  'CloseHandle',
  'CancelIo',
  'CancelIoEx',
  'CancelSynchronousIo',
]);
const FINDING_BOX = 'rect rgb(255, 205, 205)';
const TEXT_WIDTH = 80;

export function isKernelOperation(ev: TraceEvent): boolean {
  return ev.kind === 'step' && (DDI.test(ev.label) || SYSCALLS.has(ev.label));
}

export function mermaid(run: RunResult, meta: ViewMeta, opts: MermaidOptions = {}): string {
  const lanes = laneNames(run.trace);
  const id = new Map(lanes.map((l, i) => [l, `T${i + 1}`]));
  const kernel = run.trace.some(isKernelOperation);
  const head = ['sequenceDiagram'];
  for (const l of lanes) head.push(`  participant ${id.get(l)} as ${participantName(laneTitle(l))}`);
  if (kernel) head.push(`  participant ${KERNEL} as Kernel`);
  const span = lanes.length === 0 ? '' : spanOf(lanes, id, kernel);
  if (span !== '') head.push(`  Note over ${span}: ${text(`${run.outcome} — ${meta.scenario}`)}`);
  const tail = findingsBox(run, span);
  const budget = Math.max(10, opts.maxLines ?? 400) - head.length - tail.length - 1;
  const body = run.trace.map((ev) => eventLines(ev, id.get(ev.task) ?? 'T1'));
  const kept = keepLast(body, budget);
  if (kept.length < body.length && span !== '') {
    head.push(`  Note over ${span}: ${text(`truncated: ${body.length - kept.length} earlier events not shown`)}`);
  }
  return `${[...head, ...kept.flat(), ...tail].join('\n')}\n`;
}

function spanOf(lanes: readonly string[], id: Map<string, string>, kernel: boolean): string {
  const first = id.get(lanes[0]) ?? 'T1';
  const last = kernel ? KERNEL : (id.get(lanes[lanes.length - 1]) ?? first);
  return first === last ? first : `${first},${last}`;
}

function eventLines(ev: TraceEvent, who: string): string[] {
  const what = text(describeEvent(ev));
  if (isFinding(ev)) return [`  ${FINDING_BOX}`, `    Note over ${who}: ${what}`, '  end'];
  if (ev.kind === 'note') return [`  Note over ${who}: ${what}`];
  const to = isKernelOperation(ev) ? KERNEL : who;
  return [`  ${who}->>${to}: ${what}`];
}

/** the last events whose lines fit in `budget` */
function keepLast(body: readonly string[][], budget: number): string[][] {
  let used = 0;
  let i = body.length;
  while (i > 0 && used + body[i - 1].length <= budget) used += body[--i].length;
  return body.slice(i);
}

function findingsBox(run: RunResult, span: string): string[] {
  if (run.findings.length === 0 || span === '') return [];
  const notes = run.findings.slice(0, 5).map((f) => `    Note over ${span}: ${text(`‼ ${findingLine(f)}`)}`);
  return [`  ${FINDING_BOX}`, ...notes, '  end'];
}

/** participant names: letters, digits and a few safe signs */
function participantName(s: string): string {
  const safe = s.replace(/[^A-Za-z0-9_.@/ -]+/g, '_').trim();
  return clip(safe === '' ? '_' : safe, 40);
}

/**
 * Message and note text: one line, with Mermaid entity codes (#60;) for `<`, `>` and `;` — with no
 * raw `;` left, a `#` can no longer start an entity, so `irp#3` stays as it is.
 */
function text(s: string): string {
  return clip(s, TEXT_WIDTH).replace(/[;<>\r\n]/g, (c) => `#${c.charCodeAt(0)};`);
}
