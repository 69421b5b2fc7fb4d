// Checks the gate's report.html in Debian's Chromium (issue 12, item 7): at 400 and 1280 px
// wide it screenshots the page and checks through the DOM that nothing makes the page scroll
// sideways and that the decision, the headline and every evaluator's verdict lie within the
// viewport; that the page's one script ran under its Content-Security-Policy with no error;
// that no markup from the data became an element; and that the search box filters the
// regressed-trace rows.
//
// Usage: node gate_report_check.mjs REPORT.html SCREENSHOT_PREFIX [SEARCH_TEXT]
// Writes SCREENSHOT_PREFIX-400.png and -1280.png (the first screen), -400-full.png and
// -1280-full.png (the whole page) and -400-search.png (after a search). SEARCH_TEXT (default: the
// first regressed row's trace id) is typed into the search box; it must also appear in the
// page as text. Exits 1 naming every failed check, 2 on bad usage.
import { finish, launchChromium, openReport, reportArgs } from './report_page.mjs';
import { sidewaysOverflow } from './layout.mjs';

const [report, prefix, searchArg] = reportArgs('gate_report_check.mjs', 'SEARCH_TEXT');

const failures = [];
const fail = (message) => failures.push(message);

const browser = await launchChromium();
try {
  for (const width of [400, 1280]) {
    const problems = [];
    const page = await openReport(browser, report, width, problems);
    const ready = await page
      .waitForSelector('body[data-ready]', { timeout: 10000 })
      .then(() => true, () => false);
    if (!ready) fail(`${width} px: the page's script did not run (no data-ready on body)`);
    // What a reader sees first, then the whole page.
    await page.screenshot({ path: `${prefix}-${width}.png` });
    await page.screenshot({ path: `${prefix}-${width}-full.png`, fullPage: true });

    (await sidewaysOverflow(page, width)).forEach(fail);
    const layout = await page.evaluate(() => {
      const viewport = document.documentElement.clientWidth;
      const inView = (el) => {
        if (!el) return 'missing';
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) return 'not shown';
        if (box.left < -1 || box.right > viewport + 1) {
          return `at ${Math.round(box.left)}..${Math.round(box.right)}`;
        }
        return '';
      };
      const verdicts = [...document.querySelectorAll('table.verdicts tr[data-evaluator]')].map(
        (row) => ({
          id: row.getAttribute('data-evaluator'),
          where: inView(row.querySelector('.verdict')),
        }),
      );
      return {
        decision: inView(document.getElementById('decision')),
        headline: inView(document.getElementById('headline')),
        verdicts,
        sections: document.querySelectorAll('section[data-evaluator]').length,
        images: document.querySelectorAll('img').length,
        scripts: document.querySelectorAll('script').length,
        text: document.body.textContent,
      };
    });
    if (layout.decision) fail(`${width} px: the decision badge is ${layout.decision}`);
    if (layout.headline) fail(`${width} px: the headline is ${layout.headline}`);
    if (layout.verdicts.length === 0 || layout.verdicts.length !== layout.sections) {
      fail(`${width} px: ${layout.verdicts.length} verdict rows for ${layout.sections} evaluators`);
    }
    for (const v of layout.verdicts) {
      if (v.where) fail(`${width} px: ${v.id}'s verdict is ${v.where}`);
    }
    // Markup in the data (trace ids, reasons) must stay text.
    if (layout.images !== 0) fail(`${width} px: ${layout.images} <img> elements from the data`);
    if (layout.scripts !== 1) fail(`${width} px: ${layout.scripts} <script> elements, not 1`);
    if (searchArg && !layout.text.includes(searchArg)) {
      fail(`${width} px: "${searchArg}" is not shown as text`);
    }

    // A report with no regressed trace has nothing to search, unless the caller expects one.
    const listed = await page.$$eval('tr[data-trace]', (rows) => rows.length);
    if (width === 400 && (listed > 0 || searchArg)) {
      const search = await page.$('#trace-search');
      if (!search) {
        fail('no search box (#trace-search) for the regressed traces');
      } else {
        const visibleRows = () =>
          page.$$eval('tr[data-trace]', (rows) =>
            rows.filter((r) => getComputedStyle(r).display !== 'none').map((r) => r.textContent),
          );
        const all = await page.$$eval('tr[data-trace]', (rows) => rows.length);
        const needle =
          searchArg || (await page.$eval('tr[data-trace] td', (td) => td.textContent));
        await search.fill(needle);
        const shown = await visibleRows();
        if (shown.length === 0) fail(`searching "${needle}" shows no row`);
        if (shown.some((t) => !t.toLowerCase().includes(needle.toLowerCase()))) {
          fail(`searching "${needle}" shows rows without it`);
        }
        if (all > 1 && shown.length >= all) fail(`searching "${needle}" hid none of ${all} rows`);
        await page.screenshot({ path: `${prefix}-400-search.png` });
        await search.fill('');
        const back = (await visibleRows()).length;
        if (back !== all) fail(`clearing the search shows ${back} of ${all} rows`);
      }
    }
    for (const p of problems) fail(`${width} px: ${p}`);
    await page.close();
  }
} finally {
  await browser.close();
}

finish(report, failures);
