// Drives `arbiter annotate`'s page in Debian's Chromium (issue 17, item 8): starts the server on
// QUEUE (20 traces, one of them hostile), labels 5 traces with the keyboard, kills the server
// with SIGKILL, starts it again and checks that the 5 labels are there and that the page resumes
// at the first unlabeled trace, labels the rest (with an undo on the way), commits with the
// keyboard; checks that the hostile trace ran no code and added no element, that no script or
// style outside the page's own ran (CSP), and screenshots the page at 1400 and 400 px, checking
// through the DOM that nothing makes it scroll sideways.
//
// Usage: node annotate_check.mjs ARBITER QUEUE SUITE LABEL_ROOT SCREENSHOT_PREFIX HOSTILE_INDEX
// Exits 1 naming every failed check, 2 on bad usage.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { sidewaysOverflow } from './layout.mjs';

const [arbiter, queue, suite, root, prefix, hostileArg] = process.argv.slice(2);
if (!arbiter || !queue || !suite || !root || !prefix || hostileArg === undefined) {
  console.error('usage: node annotate_check.mjs ARBITER QUEUE SUITE LABEL_ROOT SHOT_PREFIX HOSTILE_INDEX');
  process.exit(2);
}
const hostileIndex = Number(hostileArg);
const failures = [];
const fail = (message) => failures.push(message);
const MODE = 'invented-citation';
// The queue's traces with the triage signal `refusal` (annotate_browser_test.cc: Queue()).
const SIGNAL_INDEXES = [3, 7, 12];

// Starts the server; resolves with { child, url } once it printed its URL.
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(arbiter, ['annotate', '--queue', queue, '--labels', 'browser', '--reviewer',
      'ana', '--suite', suite, '--root', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/(http:\/\/\S+)\n/);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => reject(new Error(`arbiter annotate exited ${code}: ${err}`)));
  });
}
function kill(server, signal) {
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit');
    server.child.on('exit', (code, sig) => resolve(sig || code));
    server.child.kill(signal);
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
let server = null;

async function openPage(url, width) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') page.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    page.problems.push(`a dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 15000 });
  return page;
}
async function at(page, index) {
  await page.waitForFunction((i) => document.body.dataset.index === String(i), index, { timeout: 10000 });
}
// The verdict the page shows for MODE on the current trace: 'pass', 'fail' or null.
async function shown(page) {
  return page.evaluate((mode) => {
    const div = document.querySelector(`#modes .mode[data-mode="${mode}"]`);
    if (!div) return 'missing';
    if (div.querySelector('.pass-btn.on')) return 'pass';
    if (div.querySelector('.fail-btn.on')) return 'fail';
    return null;
  }, MODE);
}
async function waitShown(page, want) {
  await page.waitForFunction((args) => {
    const div = document.querySelector(`#modes .mode[data-mode="${args.mode}"]`);
    if (!div) return false;
    const v = div.querySelector('.pass-btn.on') ? 'pass' : div.querySelector('.fail-btn.on') ? 'fail' : null;
    return v === args.want;
  }, { mode: MODE, want }, { timeout: 10000 });
}
// Labels the current trace's first failure mode with the keyboard: '1' picks it, p/f judges.
async function label(page, verdict) {
  await page.keyboard.press('1');
  await page.keyboard.press(verdict === 'pass' ? 'p' : 'f');
  await waitShown(page, verdict);
}
const verdictOf = (i) => (i % 3 === 0 ? 'fail' : 'pass');

async function checkLayout(page, width) {
  await page.screenshot({ path: `${prefix}-${width}.png` });
  await page.screenshot({ path: `${prefix}-${width}-full.png`, fullPage: true });
  (await sidewaysOverflow(page, width)).forEach(fail);
  const layout = await page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const visible = (id) => {
      const b = document.getElementById(id).getBoundingClientRect();
      return b.width > 0 && b.left >= -1 && b.right <= viewport + 1;
    };
    return { modes: visible('modes'), output: visible('output'), progress: visible('progress-text') };
  });
  for (const k of ['modes', 'output', 'progress']) if (!layout[k]) fail(`${width} px: #${k} is not within the viewport`);
}

async function checkHostile(page) {
  await page.evaluate((i) => { location.hash = '#' + i; }, hostileIndex);
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await at(page, hostileIndex);
  const dom = await page.evaluate(() => ({
    images: document.querySelectorAll('img').length,
    scripts: document.querySelectorAll('script').length,
    output: document.getElementById('output').textContent,
    pwned: window.__pwned === true,
  }));
  if (dom.images) fail(`the hostile trace made ${dom.images} <img> elements`);
  if (dom.scripts !== 1) fail(`${dom.scripts} <script> elements, not 1`);
  if (dom.pwned) fail('the hostile trace ran code');
  if (!dom.output.includes('<img src=x onerror=alert(1)>') || !dom.output.includes('</script>')) {
    fail(`the hostile output is not shown as text: ${dom.output.slice(0, 200)}`);
  }
}

try {
  server = await startServer();
  let page = await openPage(server.url, 1400);
  await at(page, 0);
  for (let i = 0; i < 5; ++i) {
    await label(page, verdictOf(i));
    await page.keyboard.press('j');
    await at(page, i + 1);
  }
  page.problems.forEach((p) => fail(`before kill: ${p}`));
  await page.close();
  const signal = await kill(server, 'SIGKILL');
  if (signal !== 'SIGKILL') fail(`the server ended by ${signal}, not SIGKILL`);

  server = await startServer();
  page = await openPage(server.url, 1400);
  // It resumes at the first trace not labeled, and the 5 labels are there.
  await at(page, 5);
  for (let i = 4; i >= 0; --i) {
    await page.keyboard.press('k');
    await at(page, i);
    const v = await shown(page);
    if (v !== verdictOf(i)) fail(`after kill -9, trace ${i} shows ${v}, not ${verdictOf(i)}`);
  }
  for (let i = 0; i < 5; ++i) {
    await page.keyboard.press('j');
    await at(page, i + 1);
  }
  // The rest, with an undo on the first of them.
  await page.keyboard.press('1');
  await page.keyboard.press('f');
  await waitShown(page, 'fail');
  await page.keyboard.press('u');
  await waitShown(page, null);
  for (let i = 5; i < 20; ++i) {
    await label(page, verdictOf(i));
    if (i < 19) {
      await page.keyboard.press('j');
      await at(page, i + 1);
    }
  }
  // The progress line follows the last label's save.
  const complete = await page
    .waitForFunction(() => document.getElementById('progress-text').textContent.includes('20 / 20'),
      null, { timeout: 10000 })
    .then(() => true, () => false);
  if (!complete) fail(`progress shows "${await page.textContent('#progress-text')}", not 20 / 20`);
  await page.keyboard.press('Shift+C');
  await page.waitForFunction(() => document.body.dataset.committed, null, { timeout: 10000 });
  const committed = await page.evaluate(() => document.body.dataset.committed);
  if (committed !== 'browser@v1') fail(`the commit made ${committed}, not browser@v1`);
  // The filter by triage signal: j and k step through the signal's traces only.
  await page.selectOption('#filter', 'refusal');
  await at(page, SIGNAL_INDEXES[0]);
  for (const i of SIGNAL_INDEXES.slice(1)) {
    await page.keyboard.press('j');
    await at(page, i);
  }
  await page.keyboard.press('j');  // past the last: stays, and says so
  const last = await page
    .waitForFunction(() => document.getElementById('status').textContent.includes('no later trace'),
      null, { timeout: 10000 })
    .then(() => true, () => false);
  if (!last) fail('past the last filtered trace, the page did not say so');
  await at(page, SIGNAL_INDEXES[2]);
  await page.keyboard.press('k');
  await at(page, SIGNAL_INDEXES[1]);
  const options = await page.$$eval('#filter option', (os) => os.map((o) => o.textContent));
  if (!options.includes('refusal (3)')) fail(`the filter offers ${JSON.stringify(options)}`);
  await page.selectOption('#filter', '');
  await page.keyboard.press('j');
  await at(page, SIGNAL_INDEXES[1] + 1);
  await checkHostile(page);
  await checkLayout(page, 1400);
  page.problems.forEach((p) => fail(`1400 px: ${p}`));
  await page.close();

  const phone = await openPage(server.url + '#' + hostileIndex, 400);
  await at(phone, hostileIndex);
  await checkLayout(phone, 400);
  phone.problems.forEach((p) => fail(`400 px: ${p}`));
  await phone.close();
} catch (e) {
  fail(`stopped: ${e.stack || e}`);
} finally {
  await browser.close();
  if (server) await kill(server, 'SIGTERM');
}

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log('ok: labeled 20 traces across a kill -9 and committed browser@v1');
