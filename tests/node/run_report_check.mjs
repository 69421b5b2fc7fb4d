// Checks a run's report.html in Debian's Chromium (issue 15, item 6): at 400 and 1280 px wide it
// screenshots the page and checks through the DOM that nothing makes the page scroll sideways;
// that the pass-rate table, the strata tables and every evaluator's section are shown, one rate
// row per section; that small strata cells are shown muted; that the page made no request, logged
// no error and has no script; and that no markup from the data became an element.
//
// Usage: node run_report_check.mjs REPORT.html SCREENSHOT_PREFIX [TEXT]
// Writes SCREENSHOT_PREFIX-400.png, -1280.png (the first screen) and -400-full.png,
// -1280-full.png (the whole page). TEXT (say, a hostile trace id) must appear in the page as
// text. Exits 1 naming every failed check, 2 on bad usage.
import { finish, launchChromium, openReport, reportArgs } from './report_page.mjs';
import { sidewaysOverflow } from './layout.mjs';

const [report, prefix, text] = reportArgs('run_report_check.mjs', 'TEXT');

const failures = [];
const fail = (message) => failures.push(message);

const browser = await launchChromium();
try {
  for (const width of [400, 1280]) {
    const problems = [];
    const page = await openReport(browser, report, width, problems);
    await page.screenshot({ path: `${prefix}-${width}.png` });
    await page.screenshot({ path: `${prefix}-${width}-full.png`, fullPage: true });

    (await sidewaysOverflow(page, width)).forEach(fail);
    const dom = await page.evaluate(() => {
      const shown = (el) => {
        if (!el) return false;
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
      };
      const rates = document.querySelector('table#rates');
      const small = document.querySelector('td.small-n');
      const plain = document.querySelector('table.strata td.num:not(.small-n)');
      return {
        title: document.title,
        summary: shown(document.getElementById('summary')),
        rates: shown(rates),
        rateRows: rates ? rates.querySelectorAll('tbody tr[data-evaluator]').length : 0,
        strata: [...document.querySelectorAll('table.strata')].filter(shown).length,
        sections: [...document.querySelectorAll('section[data-evaluator]')].filter(shown).length,
        reasonRows: [...document.querySelectorAll('tr[data-reason]')].filter(shown).length,
        smallColor: small ? getComputedStyle(small).color : null,
        plainColor: plain ? getComputedStyle(plain).color : null,
        images: document.querySelectorAll('img').length,
        scripts: document.querySelectorAll('script').length,
        text: document.body.textContent,
      };
    });
    if (!dom.title.startsWith('arbiter run: ')) fail(`${width} px: title "${dom.title}"`);
    if (!dom.summary) fail(`${width} px: the summary is not shown`);
    if (!dom.rates) fail(`${width} px: the pass-rate table is not shown`);
    if (dom.rateRows === 0 || dom.rateRows !== dom.sections) {
      fail(`${width} px: ${dom.rateRows} pass-rate rows for ${dom.sections} evaluator sections`);
    }
    if (dom.strata === 0) fail(`${width} px: no strata table shown`);
    if (dom.reasonRows === 0) fail(`${width} px: no failing-reason row shown`);
    if (!dom.smallColor) fail(`${width} px: no small stratum cell (td.small-n)`);
    else if (dom.smallColor === dom.plainColor) {
      fail(`${width} px: small cells are not muted (${dom.smallColor})`);
    }
    if (dom.images !== 0) fail(`${width} px: ${dom.images} <img> elements from the data`);
    if (dom.scripts !== 0) fail(`${width} px: ${dom.scripts} <script> elements`);
    if (text && !dom.text.includes(text)) fail(`${width} px: "${text}" is not shown as text`);
    for (const p of problems) fail(`${width} px: ${p}`);
    await page.close();
  }
} finally {
  await browser.close();
}

finish(report, failures);
