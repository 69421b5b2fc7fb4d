// What the report checks share (gate_report_check.mjs, run_report_check.mjs): their arguments,
// Debian's Chromium, and a page that records every console error or warning, page error, dialog
// and request for anything but a local file as a problem.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// [REPORT, SCREENSHOT_PREFIX, OPTIONAL] from the command line; exits 2 on bad usage.
export function reportArgs(script, optional) {
  const [report, prefix, extra] = process.argv.slice(2);
  if (!report || !prefix) {
    console.error(`usage: node ${script} REPORT.html SCREENSHOT_PREFIX [${optional}]`);
    process.exit(2);
  }
  if (!existsSync(report)) {
    console.error(`${report}: no such file`);
    process.exit(2);
  }
  return [report, prefix, extra];
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
}

// A page `width` px wide showing `report`; what goes wrong on it is pushed to `problems`.
export async function openReport(browser, report, width, problems) {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) {
      problems.push(`fetched ${r.url()}`);
    }
  });
  await page.goto(pathToFileURL(resolve(report)).href);
  return page;
}

// Prints every failure and exits 1, or says the report is fine.
export function finish(report, failures) {
  if (failures.length) {
    for (const f of failures) console.error(`FAIL ${f}`);
    process.exit(1);
  }
  console.log(`ok: ${report}`);
}
