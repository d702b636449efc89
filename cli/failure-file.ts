// The failure file (DESIGN.md "A schedule is data"): one JSON document holding everything needed to
// replay a finding — format and versions, scenario and source hash, strategy and seed, the choices
// with their labels, the finding, the trace hash and the shrunk schedule. Validated with zod on load;
// every malformed file is a FailureFileError with a one-line message (exit 2 in the CLI). Written
// atomically: a temp file in the same directory, then a rename.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { Finding } from '../index.ts';

export const FAILURE_FORMAT = 'irpsim-failure';
export const FAILURE_FORMAT_VERSION = 1;

export interface FailureFile {
  format: typeof FAILURE_FORMAT;
  formatVersion: typeof FAILURE_FORMAT_VERSION;
  irpsimVersion: string;
  scenario: { name: string; sourceHash: string };
  strategy: string;
  seed: number;
  choices: number[];
  labels: string[];
  finding: Finding;
  traceHash: string;
  shrunk?: { choices: number[]; labels: string[]; preemptions: number };
  /** the fault choices the run explored (a replay must offer the same decisions) */
  faults?: { forcePending?: boolean; allocationFailure?: boolean; processExit?: boolean };
}

export class FailureFileError extends Error {
  override name = 'FailureFileError';
  constructor(message: string) {
    super(oneLine(message));
  }
}

const int = z.number().int();
const nat = int.nonnegative();
const text = z.string();

const findingSchema = z.object({
  kind: z.enum(['bugcheck', 'verifier', 'appverifier', 'deadlock', 'hang', 'crash', 'check', 'determinism']),
  code: nat.optional(),
  subcode: nat.optional(),
  name: text.min(1),
  message: text,
  step: nat,
  thread: text,
  irp: nat.optional(),
  stack: text.optional(),
});

const sameLength = (s: { choices: number[]; labels: string[] }) => s.labels.length === s.choices.length;
const SAME_LENGTH = { message: 'labels must have one entry per choice', path: ['labels'] };

const failureSchema: z.ZodType<FailureFile> = z.object({
  format: z.literal(FAILURE_FORMAT),
  formatVersion: z.literal(FAILURE_FORMAT_VERSION),
  irpsimVersion: text.min(1),
  scenario: z.object({ name: text.min(1), sourceHash: text }),
  strategy: text.min(1),
  seed: int,
  choices: z.array(nat),
  labels: z.array(text),
  finding: findingSchema,
  traceHash: text,
  faults: z.object({ forcePending: z.boolean(), allocationFailure: z.boolean(), processExit: z.boolean() }).partial().strict().optional(),
  shrunk: z
    .object({ choices: z.array(nat), labels: z.array(text), preemptions: nat })
    .refine(sameLength, SAME_LENGTH)
    .optional(),
}).refine(sameLength, SAME_LENGTH);

/** parses and validates the text of a failure file; throws FailureFileError */
export function parseFailureFile(source: string): FailureFile {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    if (source.trim() === '') throw new FailureFileError('the failure file is empty');
    throw new FailureFileError(`not valid JSON (${errorText(e)}): truncated, or not a failure file`);
  }
  checkHeader(value);
  const r = failureSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new FailureFileError(`malformed failure file: ${describePath(issue?.path ?? [])}: ${issue?.message}`);
  }
  return r.data;
}

/** the format and version first, so an unrelated or newer file gets a message that says so */
function checkHeader(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new FailureFileError(`not a failure file: expected a JSON object, got ${got}`);
  }
  const { format, formatVersion } = value as Record<string, unknown>;
  if (format !== FAILURE_FORMAT) {
    const got = format === undefined ? 'missing' : clip(JSON.stringify(format) ?? String(format), 40);
    throw new FailureFileError(`not an irpsim failure file: format is ${got}, expected "${FAILURE_FORMAT}"`);
  }
  if (formatVersion !== FAILURE_FORMAT_VERSION) {
    const got = formatVersion === undefined ? 'missing' : clip(JSON.stringify(formatVersion) ?? '?', 40);
    throw new FailureFileError(
      `unsupported failure file version ${got} (this irpsim reads version ${FAILURE_FORMAT_VERSION})`,
    );
  }
}

/** reads and validates a failure file; throws FailureFileError naming the file */
export function readFailureFile(path: string): FailureFile {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FailureFileError(`cannot read failure file ${path}: ${errorText(e)}`);
  }
  try {
    return parseFailureFile(source);
  } catch (e) {
    throw new FailureFileError(`${path}: ${errorText(e)}`);
  }
}

/** writes the file atomically: a temp file in the same directory, renamed over the target */
export function writeFailureFile(path: string, data: FailureFile): void {
  const json = `${JSON.stringify(data, null, 2)}\n`;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, json, { encoding: 'utf8', flag: 'w' });
    renameSync(temp, path);
  } catch (e) {
    if (existsSync(temp)) rmSync(temp, { force: true });
    throw new FailureFileError(`cannot write failure file ${path}: ${errorText(e)}`);
  }
}

/** a stable, filesystem-safe name, e.g. seed-S2-bugcheck-0xC9-0x07.json */
export function failureFileName(finding: Finding, scenario: string): string {
  const parts = [safe(scenario) || 'scenario', safe(finding.kind) || 'finding'];
  if (finding.code !== undefined) parts.push(hex(finding.code));
  if (finding.subcode !== undefined) parts.push(hex(finding.subcode));
  if (finding.code === undefined) parts.push(safe(finding.name) || 'unnamed');
  return `${clip(parts.join('-'), 120, '').replace(/[-._]+$/, '')}.json`;
}

/** 0xC9, 0x07, 0x11B: upper-case hex, at least two digits */
export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).toUpperCase().padStart(2, '0')}`;
}

function safe(s: string): string {
  return s
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
}

function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the document';
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function oneLine(s: string): string {
  return clip(s.replace(/\s+/g, ' ').trim(), 300);
}

function clip(s: string, max: number, ellipsis = '…'): string {
  return s.length <= max ? s : s.slice(0, max - ellipsis.length) + ellipsis;
}
