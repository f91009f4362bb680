// The supervisor's compliance reports 4–6 (issue 14: language quality, statements, access) in a
// real Chromium (the system's, driven by playwright-core), started by the Rust test
// `pages_reports2::a_real_browser_walks_reports_4_to_6` with a server of its own and a small
// dataset whose figures the test knows (the pattern of reports.mjs, which walks reports 1–3). For Finnish and
// Swedish: log in as the supervisor, open the reports from the menu, then each report: read
// its chart (an SVG inside role="img" with a caption and a description) and table, apply a
// filter (one organisation), download each table's CSV, drill down from a row to the clients
// concerned, and try a bad filter (refused, naming the field). axe-core runs on every page
// visited and must find 0 violations of the WCAG 2.1 A and AA rules; no page may log a console
// error (a CSP violation is one).
//
// Environment: BASE (server origin), SUPERVISOR, PASSWORD, ORG_A and ORG_B (the organisations
// to filter on: A's official wrote the entry with findings, B's official read A's client with a
// stated reason), PER_THOUSAND (organisation A's abbreviations per 1 000 entries as the page
// writes it), CHROMIUM (browser binary, default /usr/bin/chromium).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { BASE, SUPERVISOR, PASSWORD, ORG_A, ORG_B, PER_THOUSAND } = process.env;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const results = { pages: 0, violations: 0, downloads: 0, drillDowns: 0, consoleErrors: [] };
const fail = (msg) => { throw new Error(msg); };
const check = (cond, msg) => { if (!cond) fail(msg); };

async function axe(page, label) {
  // Evaluated over the DevTools protocol, so the page's CSP (no inline script) stays as is.
  await page.evaluate(axeSource);
  const r = await page.evaluate(() => globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  results.pages += 1;
  if (r.violations.length > 0) {
    results.violations += r.violations.length;
    for (const v of r.violations) {
      console.error(`axe ${label}: ${v.id} (${v.impact}): ${v.help}`);
      for (const n of v.nodes.slice(0, 3)) console.error(`    ${n.target.join(' ')}: ${n.failureSummary}`);
    }
  }
}

const REPORTS = ['language', 'statements', 'access'];
const ORG_OF = { language: ORG_A, statements: ORG_A, access: ORG_B };

async function flow(browser, lang) {
  const context = await browser.newContext({ locale: lang === 'sv' ? 'sv-FI' : 'fi-FI', acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4(22)/.test(m.text())) results.consoleErrors.push(`${lang}: ${m.text()}`);
  });
  await page.goto(`${BASE}/login?lang=${lang}`);
  await page.fill('#username', SUPERVISOR);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/today$/), page.click('form[action="/login"] button[type=submit]')]);
  await Promise.all([page.waitForURL(/\/reports$/), page.click('nav.main-nav a[href="/reports"]')]);
  check(await page.getAttribute('html', 'lang') === lang, 'the reports in the language chosen');
  await axe(page, `index ${lang}`);

  for (const slug of REPORTS) {
    await page.goto(`${BASE}/reports`);
    await Promise.all([page.waitForURL(new RegExp(`/reports/${slug}$`)), page.click(`a[href="/reports/${slug}"]`)]);
    await page.waitForSelector('form.report-filter');
    await axe(page, `${slug} ${lang}`);

    // The filter: the whole period of the data, organisation A.
    await page.fill('#from', '2026-01-01');
    await page.fill('#to', '2026-03-31');
    const ORG = ORG_OF[slug];
    await page.selectOption('#org', ORG);
    await Promise.all([page.waitForURL(/from=2026-01-01/), page.click('form.report-filter button[type=submit]')]);
    check(page.url().includes(`org=${ORG}`), `${slug}: the filter in the address`);
    await axe(page, `${slug} filtered ${lang}`);
    const tables = await page.locator('table').count();
    check(tables > 0, `${slug}: a table after the filter`);
    const chart = page.locator('.report-chart [role="img"]');
    if (await chart.count() > 0) {
      check(await chart.first().getAttribute('aria-labelledby'), `${slug}: the chart is named`);
      check(await page.locator('.report-chart svg').count() > 0, `${slug}: the chart's SVG`);
    }
    if (slug === 'language') {
      check((await page.textContent('#table-organisations')).includes(PER_THOUSAND), `language: ${PER_THOUSAND} per 1 000`);
    }

    // Each table's CSV.
    const links = page.locator('a.csv-download');
    for (let i = 0; i < await links.count(); i += 1) {
      const [download] = await Promise.all([page.waitForEvent('download'), links.nth(i).click()]);
      check(new RegExp(`^${slug}-[a-z]+\\.csv$`).test(download.suggestedFilename()), `the CSV's name ${download.suggestedFilename()}`);
      const body = readFileSync(await download.path(), 'utf8');
      check(body.split('\r\n').length >= 2, `${slug}: the CSV has a header and rows`);
      if (slug === 'language' && download.suggestedFilename().includes('organisations')) {
        check(body.includes(`"${PER_THOUSAND}"`), `the CSV's figure ${PER_THOUSAND}`);
      }
      results.downloads += 1;
    }

    // Drill down from the first row that has clients.
    const drill = page.locator('a.drill');
    check(await drill.count() > 0, `${slug}: a row with clients to drill down to`);
    {
      await Promise.all([page.waitForURL(new RegExp(`/reports/${slug}/clients`)), drill.first().click()]);
      await page.waitForSelector('table.drill-clients');
      check(await page.locator('table.drill-clients a[href^="/clients/"]').count() > 0, `${slug}: clients listed`);
      await axe(page, `${slug} clients ${lang}`);
      results.drillDowns += 1;
    }

    // A bad filter: the form again with the error, naming the field.
    await page.goto(`${BASE}/reports/${slug}?from=2026-02-30&to=2026-02-01`);
    await page.waitForSelector('#error-summary');
    check(await page.locator('#error-summary a[href="#from"]').count() === 1, `${slug}: the error names the start date`);
    await axe(page, `${slug} bad filter ${lang}`);
  }
  await page.click('form[action="/logout"] button');
  await page.waitForURL('**/login');
  await context.close();
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  for (const lang of ['fi', 'sv']) await flow(browser, lang);
} catch (e) {
  console.error(`browser test failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
if (results.violations > 0 || results.consoleErrors.length > 0) {
  console.error(results.consoleErrors.join('\n'));
  process.exitCode = 1;
}
