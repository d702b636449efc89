// The views of a run, by the name `--format` uses (API.md "Command line"): pure functions from a
// RunResult and where it came from to text. `json` is the RunResult itself and needs no view.
import type { RunResult } from '../../index.ts';
import type { ViewMeta } from './describe.ts';
import { html } from './html.ts';
import { mermaid } from './mermaid.ts';
import { perfetto } from './perfetto.ts';
import { timeline } from './timeline.ts';

export type { ViewMeta } from './describe.ts';
export { html, mermaid, perfetto, timeline };

export type ViewFormat = 'text' | 'perfetto' | 'mermaid' | 'html';

export const VIEWS: Readonly<Record<ViewFormat, (run: RunResult, meta: ViewMeta) => string>> = {
  text: (run, meta) => timeline(run, meta),
  perfetto: (run, meta) => perfetto(run, meta),
  mermaid: (run, meta) => mermaid(run, meta),
  html: (run, meta) => html(run, meta),
};
