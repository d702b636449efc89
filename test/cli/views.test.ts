// The four views of a run, checked for structure on engine-made traces: the timeline has a column
// per thread, Perfetto JSON parses with its tracks, matched async slices and flow pairs, Mermaid names
// every thread and stays bounded, HTML escapes trace text; all of them are deterministic.
import { describe, expect, test } from 'vitest';
import type { RunResult } from '../../core/index.ts';
import { html } from '../../cli/views/html.ts';
import { VIEWS } from '../../cli/views/index.ts';
import { mermaid } from '../../cli/views/mermaid.ts';
import { type PerfettoEvent, type PerfettoTrace, perfetto } from '../../cli/views/perfetto.ts';
import { timeline } from '../../cli/views/timeline.ts';
import { demoMeta, demoRun } from './runs.ts';

const SCRIPT = '<script>window.__pwned=1</script>';
const run = demoRun();
const long = demoRun({ busySteps: 240 });
const lanes = ['main', 'worker', 'timers'];

describe('timeline', () => {
  const text = timeline(run, demoMeta);
  const lines = text.split('\n');

  test('starts with outcome, scenario, seed, the replay command and the findings', () => {
    expect(lines[0]).toMatch(/^outcome: +bugcheck$/);
    expect(text).toContain('scenario:   test/demo');
    expect(text).toContain('seed:       7');
    expect(text).toContain('replay:     irpsim replay test-demo-bugcheck-0x44.json');
    expect(text).toMatch(/!! 1\. bugcheck 0x44 MULTIPLE_IRP_COMPLETE_REQUESTS at step \d+ on worker, irp#3/);
  });

  test('has one column per thread, and each event in its thread column', () => {
    const head = lines.find((l) => l.includes('step') && l.includes('time ms'));
    expect(head?.split('│').map((c) => c.trim())).toEqual(['step   time ms', ...lanes]);
    const pending = lines.find((l) => l.includes('irp#3 → pending'));
    expect(pending?.split('│')[1]).toContain('irp#3 → pending');
    const cancel = lines.find((l) => l.includes('irp#3 → cancel'));
    expect(cancel?.split('│')[2]).toContain('irp#3 → cancel');
  });

  test('has one row per trace event, the finding row marked', () => {
    const rows = lines.filter((l) => /^(!!| {2}) *\d+ +\d+ │/.test(l));
    expect(rows).toHaveLength(run.trace.length);
    expect(rows.filter((l) => l.startsWith('!!'))).toHaveLength(1);
  });

  test('stays readable for 200+ events: cells cut, header repeated, lines bounded', () => {
    const t = timeline(long, demoMeta).split('\n');
    const rows = t.filter((l) => /^(!!| {2}) *\d+ +\d+ │/.test(l));
    expect(rows.length).toBeGreaterThan(200);
    expect(t.filter((l) => l.includes('time ms')).length).toBeGreaterThan(4);
    for (const l of rows) expect(l.length).toBeLessThanOrEqual(2 + 6 + 1 + 9 + 3 * (1 + lanes.length) + 32 * lanes.length);
    expect(t.some((l) => l.includes('Poll(iteration 7 xxx') && l.includes('…'))).toBe(true);
  });
});

describe('perfetto', () => {
  const trace = JSON.parse(perfetto(run, demoMeta)) as PerfettoTrace;
  const events = trace.traceEvents;
  const of = (ph: string) => events.filter((e) => e.ph === ph);

  test('is the JSON Object Format with a process named after the scenario and a named track per thread', () => {
    expect(trace.displayTimeUnit).toBe('ns');
    expect(of('M').find((e) => e.name === 'process_name')?.args).toEqual({ name: 'test/demo' });
    const names = of('M').filter((e) => e.name === 'thread_name');
    expect(names.map((e) => e.args?.name)).toEqual(lanes);
    expect(new Set(names.map((e) => e.tid)).size).toBe(lanes.length);
  });

  test('each step is a 1 µs slice at its step number, so slices on a track never overlap', () => {
    const slices = of('X');
    expect(slices).toHaveLength(run.trace.filter((e) => e.kind !== 'note').length);
    for (const s of slices) expect(s.dur).toBe(1);
    expect(new Set(slices.map((s) => s.ts)).size).toBe(slices.length);
    expect(slices.find((s) => s.name === 'sleep')?.args).toMatchObject({ timeMs: 0 });
  });

  test('IRP async slices are matched b/e pairs, innermost first, whatever order ties sort in', () => {
    const async = [...of('b'), ...of('e')].sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
    expect(new Set(async.map((e) => e.ts)).size).toBe(async.length);
    const stacks = new Map<number, string[]>();
    for (const e of async) {
      expect(e.cat).toBe('irp');
      const stack = stacks.get(e.id ?? -1) ?? [];
      stacks.set(e.id ?? -1, stack);
      if (e.ph === 'b') stack.push(e.name);
      else expect(stack.pop()).toBe(e.name);
    }
    expect([...stacks.keys()]).toEqual([3, 4]);
    for (const s of stacks.values()) expect(s).toEqual([]);
    expect(of('b').filter((e) => e.id === 3).map((e) => e.name)).toEqual([
      'irp#3', 'dispatch', 'pending', 'cancel', 'completed', 'stage-b',
    ]);
  });

  test('an IRP never freed ends with the trace', () => {
    const end = of('e').find((e) => e.name === 'irp#4');
    expect(end?.ts).toBeGreaterThan(run.trace[run.trace.length - 1].step);
  });

  test('a flow arrow goes from the step that created an IRP to the step that completed it', () => {
    const s = of('s');
    const f = of('f');
    expect(s).toHaveLength(1);
    expect(f).toHaveLength(1);
    expect([s[0].id, s[0].name, s[0].cat]).toEqual([f[0].id, f[0].name, f[0].cat]);
    expect(f[0].bp).toBe('e');
    const within = (e: PerfettoEvent, op: string) =>
      of('X').some((x) => x.tid === e.tid && x.name === op && (x.ts ?? 0) <= (e.ts ?? 0) && (e.ts ?? 0) < (x.ts ?? 0) + 1);
    expect(within(s[0], 'DeviceIoControl')).toBe(true);
    expect(within(f[0], 'IoCompleteRequest')).toBe(true);
  });

  test('findings are global instants', () => {
    const findings = of('i').filter((e) => e.s === 'g');
    expect(findings.map((e) => e.name)).toEqual(['bugcheck 0x44 MULTIPLE_IRP_COMPLETE_REQUESTS']);
  });
});

describe('mermaid', () => {
  test('is a sequenceDiagram naming every thread, with Kernel messages and IRP notes', () => {
    const m = mermaid(run, demoMeta);
    const lines = m.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    for (const l of lanes) expect(m).toMatch(new RegExp(`^  participant T\\d as ${l}$`, 'm'));
    expect(m).toContain('participant K as Kernel');
    expect(m).toMatch(/^ {2}T2->>K: IoCompleteRequest\(irp#3\)$/m);
    expect(m).toMatch(/^ {2}T1->>T1: sleep\(5\)$/m);
    expect(m).toMatch(/^ {2}Note over T1: irp#3 → pending$/m);
    expect(m).toMatch(/rect rgb\(255, 205, 205\)\n {4}Note over T2: ‼ MULTIPLE_IRP_COMPLETE_REQUESTS/);
  });

  test('is bounded to 400 lines and says so when it cuts, keeping the end', () => {
    const m = mermaid(demoRun({ busySteps: 500 }), demoMeta);
    expect(m.split('\n').length).toBeLessThanOrEqual(401);
    expect(m).toMatch(/truncated: \d+ earlier events not shown/);
    expect(m).toContain('MULTIPLE_IRP_COMPLETE_REQUESTS');
  });

  test('sanitises thread names and escapes text it would parse', () => {
    const m = mermaid(demoRun({ main: SCRIPT, dbg: 'a;b <i>' }), demoMeta);
    expect(m.replace(/->>/g, '')).not.toMatch(/[<>]/);
    expect(m).toMatch(/^ {2}participant T1 as _script_window.__pwned_1_\/script_$/m);
    expect(m).toContain('dbg: a#59;b #60;i#62;');
  });
});

describe('html', () => {
  const evil = demoRun({ main: SCRIPT, dbg: SCRIPT });
  const page = html(evil, { ...demoMeta, scenario: `s${SCRIPT}` });

  test('escapes <script> in thread names, data and the scenario: only its own two scripts remain', () => {
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(page).not.toContain('window.__pwned=1</script>');
    expect(page).toContain('&#60;script&#62;window.__pwned=1&#60;/script&#62;');
  });

  test('embeds the trace as JSON with < written \\u003c, which parses back to the same text', () => {
    const m = /<script type="application\/json" id="irpsim-trace">([^<]*)<\/script>/.exec(page);
    expect(m).not.toBeNull();
    const data = JSON.parse(m?.[1] ?? '') as { trace: RunResult['trace'] };
    expect(data.trace.map((e) => e.task)).toContain(SCRIPT);
    expect(data.trace.find((e) => e.label === 'dbg')?.data).toBe(SCRIPT);
  });

  test('is self-contained: no external URL, a CSP that allows only its own script', () => {
    expect(page).not.toMatch(/(src|href)=/);
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toMatch(/Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  test('has a lane per thread and the finding highlighted', () => {
    const p = html(run, demoMeta);
    expect(p.match(/<th class="lane"/g)).toHaveLength(lanes.length);
    expect(p).toMatch(/<tr class="finding" data-irp="3">/);
    expect(p).toContain('<li class="finding">bugcheck 0x44 MULTIPLE_IRP_COMPLETE_REQUESTS');
  });
});

describe('every view', () => {
  test.each(Object.keys(VIEWS) as (keyof typeof VIEWS)[])('%s is deterministic: two equal runs render the same', (f) => {
    expect(VIEWS[f](demoRun({ busySteps: 5 }), demoMeta)).toBe(VIEWS[f](demoRun({ busySteps: 5 }), demoMeta));
  });

  test.each(Object.keys(VIEWS) as (keyof typeof VIEWS)[])('%s renders a run without findings or IRPs', (f) => {
    const clean = demoRun({ bugcheck: false });
    expect(VIEWS[f](clean, demoMeta).length).toBeGreaterThan(0);
  });
});
