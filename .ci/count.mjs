// Prints "N passed, N failed" from vitest's JSON report; a lint or type-check failure counts as
// one more failure. Exits non-zero when anything failed.
import { existsSync, readFileSync } from 'node:fs';

const [file, status] = process.argv.slice(2);
let passed = 0;
let failed = Number(status) === 0 ? 0 : 1;
if (existsSync(file)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  if (report.numTotalTests === 0) failed += 1;
} else {
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
