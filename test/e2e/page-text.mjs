// Opens a page in headless Chromium (Debian's /usr/bin/chromium, driven by puppeteer-core) and prints, as JSON,
// the text of an element once it matches a pattern: `node page-text.mjs <url> <selector> <pattern> <timeout ms>`.
// A separate ESM process, because puppeteer-core is an ES module and the tests run as CommonJS under ts-jest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const [url, selector, pattern, timeout = '20000'] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'chs-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  // This closed network refuses Chromium's own connections: none are attempted.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  timeout: Number(timeout),
});
// Script errors of the page; failed loads (S3's 403 for a favicon the app does not have) are the console's.
const errors = [];
const consoleErrors = [];
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  const response = await page.goto(url, { waitUntil: 'load', timeout: Number(timeout) });
  const matches = new RegExp(pattern);
  let text = '';
  try {
    await page.waitForFunction((sel, source) => new RegExp(source).test(document.querySelector(sel)?.textContent ?? ''),
      { timeout: Number(timeout) }, selector, pattern);
  } finally {
    text = await page.$eval(selector, (element) => element.textContent ?? '').catch(() => '');
  }
  console.log(JSON.stringify({ status: response?.status(), title: await page.title(), text, matched: matches.test(text), errors, consoleErrors }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error), errors }));
  process.exitCode = 1;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
