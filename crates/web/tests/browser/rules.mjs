// The rules author's pages (issue 14) in a real Chromium (the system's, driven by
// playwright-core), started by the Rust test `pages_rules::a_real_browser_walks_the_rules_pages`
// with a server of its own. For Finnish and Swedish: log in as the rules author, the rule sets
// with their hashes, an adoption decision refused for no rule set chosen and then registered,
// then retired; the planned test cases run on the test page with every case passed. axe-core
// runs on every page visited and must find 0 violations of the WCAG 2.1 A and AA rules; no page
// may log a console error (a CSP violation is one).
//
// Environment: BASE (server origin), USERNAME, PASSWORD, CASES_FILE (planned test cases, JSON
// lines), START_HASH (the shipped start rules' hash), CHROMIUM (default /usr/bin/chromium).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { BASE, USERNAME, PASSWORD, CASES_FILE, START_HASH } = process.env;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const cases = readFileSync(CASES_FILE, 'utf8');
const caseCount = cases.split('\n').filter((l) => l.trim() !== '').length;

const results = { pages: 0, violations: 0, consoleErrors: [] };
const check = (cond, msg) => { if (!cond) throw new Error(msg); };

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

async function flow(browser, lang, number) {
  const context = await browser.newContext({ locale: lang === 'sv' ? 'sv-FI' : 'fi-FI' });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4(03|22)/.test(m.text())) results.consoleErrors.push(`${lang}: ${m.text()}`);
  });
  await page.goto(`${BASE}/login?lang=${lang}`);
  await page.fill('#username', USERNAME);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/today$/), page.click('form[action="/login"] button[type=submit]')]);
  await page.goto(`${BASE}/rules`);
  check(await page.getAttribute('html', 'lang') === lang, 'the page in the language chosen');
  check((await page.content()).includes(START_HASH), 'the start rules with their hash');
  await axe(page, `rules ${lang}`);

  // Refused: no rule set chosen; the answers kept and the error at its field.
  await page.fill('#adoption-number', number);
  await page.fill('#adoption-decided_on', '2026-03-01');
  await page.fill('#adoption-quality_owner', 'Laura Laatu');
  await page.fill('#adoption-error_owner', 'Veikko Virhe');
  await page.fill('#adoption-url', 'https://tyomarkkinatori.fi/kayttoonottopaatos');
  await page.click('form[action="/rules/adoption-decisions"] button[type=submit]');
  await page.waitForSelector('#error-summary a[href="#adoption-rule_set_hashes"]');
  check(await page.inputValue('#adoption-number') === number, 'the answers are kept');
  await axe(page, `register refused ${lang}`);
  await page.click('label[for="adopt_start"]');
  await page.click('label[for="adopt_end"]');
  await Promise.all([page.waitForURL(/\/rules$/), page.click('form[action="/rules/adoption-decisions"] button[type=submit]')]);
  const form = page.locator(`form[id="retire-${number}"]`);
  check(await form.count() === 1, 'the decision is listed in force with its retire form');
  await axe(page, `registered ${lang}`);
  await Promise.all([page.waitForURL(/\/rules$/), form.locator('button[type=submit]').click()]);
  check(await page.locator(`form[id="retire-${number}"]`).count() === 0, 'retired: no retire form');
  await axe(page, `retired ${lang}`);

  // The planned test cases.
  await Promise.all([page.waitForURL(/\/rules\/test$/), page.click('a[href="/rules/test"]')]);
  await axe(page, `test form ${lang}`);
  await page.fill('#cases', cases);
  await page.click('form[action="/rules/test"] button[type=submit]');
  await page.waitForSelector('#results');
  const passed = lang === 'sv' ? `Godkända ${caseCount}, underkända 0.` : `Hyväksyttyjä ${caseCount}, hylättyjä 0.`;
  check((await page.content()).includes(passed), `every case passed (${passed})`);
  await axe(page, `test results ${lang}`);
  await context.close();
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  await flow(browser, 'fi', 'KEHA/200/2026');
  await flow(browser, 'sv', 'KEHA/201/2026');
} finally {
  await browser.close();
}
check(results.consoleErrors.length === 0, `console errors: ${results.consoleErrors.join('; ')}`);
console.log(JSON.stringify(results));
