// bin/register.mjs, the TypeScript loader the CLI, the bench and explore's workers run under
// (bin/ts-hooks.mjs; README "Performance notes"): what it promises, checked in a child process
// started in another directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const REGISTER = new URL('../../bin/register.mjs', import.meta.url).href;

// line 16 throws; a subclass field declared without an initializer is set by the base constructor
const PROBE = `class Base {
  constructor() {
    this.init();
  }
  init(): void {}
}
class Leaf extends Base {
  value!: number;
  override init(): void {
    this.value = 42;
  }
}
const fast = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
console.log(JSON.stringify({ value: new Leaf().value, leafFast: fast(Leaf) }));
function fail(): never {
  throw new Error('from the probe');
}
if (process.argv.includes('--throw')) fail();
`;

function probe(...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'irpsim-loader-'));
  const file = join(dir, 'probe.ts');
  writeFileSync(file, PROBE);
  return spawnSync(process.execPath, ['--allow-natives-syntax', '--import', REGISTER, file, ...args], { cwd: dir, encoding: 'utf8' });
}

describe('the TypeScript loader', () => {
  test('runs a .ts file from any directory with the project\'s class-field semantics (useDefineForClassFields false), and leaves class constructors in fast mode (no keepNames)', () => {
    const r = probe();
    expect(r.status).toBe(0);
    // with useDefineForClassFields the subclass would redefine `value` as undefined after super();
    // with tsx's keepNames, Leaf's redefined name would leave it in dictionary mode
    expect(JSON.parse(r.stdout)).toEqual({ value: 42, leafFast: true });
  });

  test('stack traces point at the TypeScript source lines (inline source maps)', () => {
    const r = probe('--throw');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/at fail \(.*probe\.ts:16:\d+\)/);
  });
});
