// A run as one self-contained HTML report: inline CSS and JS, no network, no external fonts. A header
// (outcome, scenario, seed, replay command, findings), then one lane (column) per thread with the
// events in order, IRP state changes inline, finding rows in red. Every string from the trace is
// HTML-escaped; the trace is embedded as JSON with `<` written \u003c; a Content-Security-Policy
// allows only the report's own script (by hash), so text from a trace can never run.
import { createHash } from 'node:crypto';
import type { RunResult, TraceEvent } from '../../index.ts';
import {
  describeEvent,
  findingLine,
  headerFields,
  isFinding,
  isIrpState,
  laneNames,
  laneTitle,
  type ViewMeta,
} from './describe.ts';

export interface HtmlOptions {
  /** most rows; a longer trace shows its last rows (default 20000) */
  maxRows?: number;
}

const CSS = `
:root { color-scheme: light; --line: #d0d4da; --finding: #ffd0d0; --irp: #eef4ff; --hl: #fff3b0; }
body { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 0; color: #1b1f24; }
header { padding: 12px 16px; border-bottom: 1px solid var(--line); background: #f6f8fa; }
h1 { font-size: 16px; margin: 0 0 8px; }
h2 { font-size: 14px; margin: 10px 0 4px; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 0; }
dt { color: #57606a; } dd { margin: 0; }
.outcome { padding: 1px 6px; border-radius: 3px; background: #d1f0d8; }
.outcome.bad { background: var(--finding); }
ol.findings { margin: 0; padding-left: 22px; } ol.findings li { background: var(--finding); padding: 2px 6px; }
.controls { margin-top: 8px; color: #57606a; }
table.lanes { border-collapse: collapse; margin: 8px 16px; }
table.lanes th { position: sticky; top: 0; background: #fff; border-bottom: 2px solid var(--line); text-align: left; }
table.lanes td, table.lanes th { padding: 1px 8px; border-right: 1px solid var(--line); vertical-align: top; }
td.cell { max-width: 34em; overflow-wrap: anywhere; }
td.num { text-align: right; color: #57606a; }
tr.note td.cell { font-style: italic; }
tr.irp td.cell { background: var(--irp); }
tr.finding td { background: var(--finding); font-weight: bold; }
tr.hl td { background: var(--hl); }
body.notes-only tr.step, body.notes-only tr.timer { display: none; }
`;

/** click an IRP row to highlight that IRP's rows; a box hides plain steps */
const JS = `(() => {
  const data = JSON.parse(document.getElementById('irpsim-trace').textContent);
  const rows = document.querySelectorAll('tr[data-irp]');
  document.querySelector('table.lanes').addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-irp]');
    const irp = tr ? tr.dataset.irp : null;
    for (const r of rows) r.classList.toggle('hl', irp !== null && r.dataset.irp === irp);
  });
  const box = document.getElementById('notes-only');
  box.addEventListener('change', () => document.body.classList.toggle('notes-only', box.checked));
  document.getElementById('event-count').textContent = String(data.trace.length);
})();`;

const SCRIPT_HASH = createHash('sha256').update(JS).digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:`;

export function html(run: RunResult, meta: ViewMeta, opts: HtmlOptions = {}): string {
  const lanes = laneNames(run.trace);
  const title = `irpsim — ${meta.scenario} — ${run.outcome}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    header(run, meta),
    '<main>',
    table(run.trace, lanes, Math.max(1, opts.maxRows ?? 20_000)),
    '</main>',
    `<script type="application/json" id="irpsim-trace">${embedJson(run, meta)}</script>`,
    `<script>${JS}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(run: RunResult, meta: ViewMeta): string {
  const bad = run.outcome === 'ok' && run.findings.length === 0 ? '' : ' bad';
  const fields = headerFields(run, meta)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd${k === 'replay' ? ' class="replay"' : ''}>${esc(v)}</dd>`)
    .join('');
  const findings =
    run.findings.length === 0
      ? '<p class="no-findings">No findings.</p>'
      : `<ol class="findings">${run.findings.map((f) => `<li class="finding">${esc(findingLine(f))}</li>`).join('')}</ol>`;
  return [
    '<header>',
    `<h1>irpsim: <span class="outcome${bad}">${esc(run.outcome)}</span> in <code>${esc(meta.scenario)}</code></h1>`,
    `<dl>${fields}</dl>`,
    `<h2>Findings (${run.findings.length})</h2>`,
    findings,
    '<div class="controls"><span id="event-count"></span> events · ',
    '<label><input type="checkbox" id="notes-only"> notes only</label> · click an IRP row to highlight it</div>',
    '</header>',
  ].join('\n');
}

function table(trace: readonly TraceEvent[], lanes: readonly string[], maxRows: number): string {
  const index = new Map(lanes.map((l, i) => [l, i]));
  const ths = lanes.map((l, i) => `<th class="lane" data-lane="${i}">${esc(laneTitle(l))}</th>`).join('');
  const skipped = Math.max(0, trace.length - maxRows);
  const out = [`<table class="lanes"><thead><tr><th>step</th><th>ms</th>${ths}</tr></thead><tbody>`];
  if (skipped > 0) out.push(`<tr class="skipped"><td colspan="${lanes.length + 2}">${skipped} earlier events not shown</td></tr>`);
  for (let i = skipped; i < trace.length; i++) out.push(row(trace[i], index.get(trace[i].task) ?? 0, lanes.length));
  out.push('</tbody></table>');
  return out.join('\n');
}

function row(ev: TraceEvent, lane: number, laneCount: number): string {
  const cls = isFinding(ev) ? 'finding' : isIrpState(ev) ? 'note irp' : ev.kind;
  const irp = ev.irp === undefined ? '' : ` data-irp="${ev.irp}"`;
  const cells: string[] = [];
  for (let i = 0; i < laneCount; i++) {
    cells.push(i === lane ? `<td class="cell">${esc(describeEvent(ev))}</td>` : '<td></td>');
  }
  return `<tr class="${cls}"${irp}><td class="num">${ev.step}</td><td class="num">${ev.timeMs}</td>${cells.join('')}</tr>`;
}

/** the run as JSON that is safe inside <script>: no `<`, `>`, `&` or line separators left raw */
function embedJson(run: RunResult, meta: ViewMeta): string {
  const data = {
    meta,
    outcome: run.outcome,
    findings: run.findings,
    stats: run.stats,
    traceHash: run.traceHash,
    schedule: { choices: run.schedule.choices, strategy: run.schedule.strategy, seed: run.schedule.seed },
    trace: run.trace,
  };
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** text and attribute values */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
