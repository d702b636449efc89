// The failure file: a written file reads back equal; every malformed input — truncated, wrong types,
// wrong format or version, missing fields, random JSON — is a FailureFileError with a one-line message.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import {
  type FailureFile,
  FailureFileError,
  failureFileName,
  parseFailureFile,
  readFailureFile,
  writeFailureFile,
} from '../../cli/failure-file.ts';

const valid: FailureFile = {
  format: 'irpsim-failure',
  formatVersion: 1,
  irpsimVersion: '0.1.0',
  scenario: { name: 'seed/S2', sourceHash: '5f3a9c0d11aa22bb' },
  strategy: 'random',
  seed: 17,
  choices: [0, 2, 1, 0],
  labels: ['thread[2] main@start', 'thread[3] worker@IoSetCancelRoutine(irp#3)', 'thread[2] main@wait', 'x'],
  finding: {
    kind: 'bugcheck',
    code: 0xc9,
    subcode: 0x07,
    name: 'DRIVER_VERIFIER_IOMANAGER_VIOLATION',
    message: 'the IRP was completed twice',
    step: 41,
    thread: 'worker',
    irp: 3,
  },
  traceHash: '0123456789abcdef',
  shrunk: { choices: [0, 1], labels: ['thread[2] main@start', 'thread[3] worker@IoSetCancelRoutine(irp#3)'], preemptions: 1 },
};

const validText = `${JSON.stringify(valid, null, 2)}\n`;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'irpsim-ff-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** the input is rejected with a FailureFileError whose message is one non-empty line */
function expectRejected(text: string): void {
  let caught: unknown;
  try {
    parseFailureFile(text);
  } catch (e) {
    caught = e;
  }
  expect(caught, `accepted: ${text.slice(0, 200)}`).toBeInstanceOf(FailureFileError);
  const message = (caught as Error).message;
  expect(message.length).toBeGreaterThan(0);
  expect(message).not.toMatch(/[\r\n]/);
}

/** a copy of the valid file with the value at `path` replaced (or deleted when value is DELETE) */
const DELETE = Symbol('delete');
function mutate(dotted: string, value: unknown): string {
  const path = dotted.split('.');
  const copy = JSON.parse(validText) as Record<string, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return JSON.stringify(copy);
}

const STRING_FIELDS = [
  'irpsimVersion',
  'scenario.name',
  'scenario.sourceHash',
  'strategy',
  'traceHash',
  'finding.name',
  'finding.message',
  'finding.thread',
];
const NAT_FIELDS = ['finding.step', 'finding.code', 'finding.subcode', 'finding.irp', 'shrunk.preemptions'];
const REQUIRED = [
  'format', 'formatVersion', 'irpsimVersion', 'scenario', 'scenario.name', 'scenario.sourceHash', 'strategy',
  'seed', 'choices', 'labels', 'finding', 'finding.kind', 'finding.name', 'finding.message', 'finding.step',
  'finding.thread', 'traceHash', 'shrunk.choices', 'shrunk.labels', 'shrunk.preemptions',
];
const NOT_A_STRING = [null, 1, true, [], {}, ['a']];
const NOT_A_NAT = [null, '1', 1.5, -1, true, [], {}];

describe('round trip', () => {
  test('a written failure file reads back equal, and no temp file is left behind', () => {
    const dir = tempDir();
    const path = join(dir, failureFileName(valid.finding, valid.scenario.name));
    writeFailureFile(path, valid);
    writeFailureFile(path, { ...valid, seed: 18 });
    expect(readFailureFile(path)).toEqual({ ...valid, seed: 18 });
    expect(readdirSync(dir)).toEqual(['seed-S2-bugcheck-0xC9-0x07.json']);
  });

  test('a file without the optional shrunk schedule and finding fields is valid', () => {
    const { shrunk: _, ...rest } = valid;
    const finding = { kind: 'deadlock' as const, name: 'DEADLOCK', message: 'm', step: 3, thread: 'main' };
    expect(parseFailureFile(JSON.stringify({ ...rest, finding }))).toEqual({ ...rest, finding });
  });

  test('a missing file is a FailureFileError naming the path', () => {
    expect(() => readFailureFile('/nonexistent/dir/x.json')).toThrow(FailureFileError);
    expect(() => readFailureFile('/nonexistent/dir/x.json')).toThrow(/\/nonexistent\/dir\/x\.json/);
  });

  test('a malformed file on disk is a FailureFileError naming the path', () => {
    const path = join(tempDir(), 'bad.json');
    writeFileSync(path, '{"format": "irpsim-failure", "formatVersion": 1');
    expect(() => readFailureFile(path)).toThrow(/bad\.json: not valid JSON/);
  });
});

describe('malformed failure files are one-line FailureFileErrors', () => {
  test('every truncation of a valid file is rejected', () => {
    const end = validText.trimEnd().length;
    for (let n = 0; n < end; n++) expectRejected(validText.slice(0, n));
    expect(end).toBeGreaterThan(500);
  });

  test.each(STRING_FIELDS)('%s: a non-string is rejected', (path) => {
    for (const v of NOT_A_STRING) expectRejected(mutate(path, v));
  });

  test.each(NAT_FIELDS)('%s: anything but a non-negative integer is rejected', (path) => {
    for (const v of NOT_A_NAT) expectRejected(mutate(path, v));
  });

  test.each(REQUIRED)('%s: a missing required field is rejected', (path) => {
    expectRejected(mutate(path, DELETE));
  });

  test('wrong types in seed, arrays, objects and the finding kind are rejected', () => {
    for (const v of [null, '17', 1.5, true, []]) expectRejected(mutate('seed', v));
    for (const f of ['choices', 'labels'] as const) {
      for (const v of [null, 'x', 1, {}, [null], f === 'choices' ? ['1'] : [1]]) expectRejected(mutate(f, v));
    }
    for (const v of [[0, -1, 0, 0], [0, 1.5, 0, 0], [0, 1, 2]]) expectRejected(mutate('choices', v));
    for (const v of [null, 'x', [], 1]) for (const f of ['scenario', 'finding', 'shrunk']) expectRejected(mutate(f, v));
    for (const v of ['oops', '', null, 3]) expectRejected(mutate('finding.kind', v));
    expectRejected(mutate('shrunk.labels', []));
  });

  test('a wrong format name or version is rejected and says so', () => {
    for (const v of ['irpsim-failur', 'IRPSIM-FAILURE', '', null, 1, {}]) expectRejected(mutate('format', v));
    for (const v of [0, 2, '1', 1.5, null, [1]]) expectRejected(mutate('formatVersion', v));
    expect(() => parseFailureFile(mutate('formatVersion', 2))).toThrow(/unsupported failure file version 2/);
    expect(() => parseFailureFile(mutate('format', 'x'))).toThrow(/not an irpsim failure file/);
  });

  test('random JSON values are rejected', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => expectRejected(JSON.stringify(v) ?? 'undefined')),
      { numRuns: 300, seed: 1 },
    );
  });

  test('random text is rejected', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => expectRejected(s)), { numRuns: 200, seed: 2 });
  });

  test('any value put anywhere in a valid file either parses or is a one-line FailureFileError', () => {
    const paths = [...REQUIRED, ...NAT_FIELDS, 'shrunk'];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, v) => {
        try {
          parseFailureFile(mutate(path, v));
        } catch (e) {
          expect(e).toBeInstanceOf(FailureFileError);
          expect((e as Error).message).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('failureFileName', () => {
  test('names a bug check by scenario, kind, code and subcode', () => {
    expect(failureFileName(valid.finding, 'seed/S2')).toBe('seed-S2-bugcheck-0xC9-0x07.json');
  });

  test('names a finding without a code by its name', () => {
    const f = { kind: 'deadlock' as const, name: 'DEADLOCK', message: '', step: 1, thread: 'main' };
    expect(failureFileName(f, 'seed/S7')).toBe('seed-S7-deadlock-DEADLOCK.json');
  });

  test('is filesystem-safe and bounded for any scenario and finding name', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (scenario, name) => {
        const f = { kind: 'check' as const, name, message: '', step: 0, thread: '-' };
        const file = failureFileName(f, scenario);
        expect(file).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/);
        expect(file.length).toBeLessThanOrEqual(125);
        expect(failureFileName(f, scenario)).toBe(file);
      }),
      { seed: 4 },
    );
  });
});
