// The HTML report in a real browser (Debian's chromium, driven by playwright-core; never a browser
// downloaded by playwright): a run whose thread name and DbgPrint text hold a <script> shows one lane
// per thread, the finding, and the script as visible text — and the script never runs.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { html } from '../../cli/views/html.ts';
import { demoMeta, demoRun } from './runs.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCRIPT = '<script>window.__pwned=1</script>';

let dir = '';
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (.ci/run does this before npm ci)`,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'irpsim-html-'));
  // a plain launch starts from a fresh temporary profile of its own
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('the HTML report in chromium', () => {
  test('shows one lane per thread, the finding and the <script> text, and never runs it', async () => {
    const run = demoRun({ main: SCRIPT, dbg: SCRIPT });
    const file = join(dir, 'report.html');
    writeFileSync(file, html(run, demoMeta));
    const page = await (browser as Browser).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);

    const lanes = await page.locator('th.lane').allTextContents();
    expect(lanes).toEqual([SCRIPT, 'worker', 'timers']);
    await expect.poll(() => page.locator('li.finding').first().isVisible()).toBe(true);
    expect(await page.locator('li.finding').first().textContent()).toContain('MULTIPLE_IRP_COMPLETE_REQUESTS');
    expect(await page.locator('tr.finding').count()).toBe(1);
    expect(await page.getByText(`dbg: ${SCRIPT}`, { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('th.lane').first().isVisible()).toBe(true);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#event-count').textContent()).toBe(String(run.trace.length));
    expect(errors).toEqual([]);
    await page.close();
  });
});
