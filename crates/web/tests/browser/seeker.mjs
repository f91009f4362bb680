// The job seeker's own pages (issue 13) in a real Chromium (the system's, driven by
// playwright-core), started by the Rust test `pages_own::a_real_browser_walks_the_own_pages`
// with a server of its own (the procedure adopted, the client's register facts recorded, an
// appointment booked). For Finnish and Swedish, then Finnish without JavaScript: log in as the
// job seeker (landing on the own start page), the appointments and the record, the prior
// notice, a registration refused for a question left out and then accepted with its automatic
// statement, the statement's safeguards, a request for reconsideration (refused without
// reasons, then made), the job search ended, a second registration that routes (where it went
// and why), ended again, the statements, who handled the data, and the export downloaded.
// axe-core runs on every page visited and must find 0 violations of the WCAG 2.1 A and AA
// rules; no page may log a console error (a CSP violation is one).
//
// Environment: BASE (server origin), SEEKER, PASSWORD, SHOTS (folder for screenshots),
// CHROMIUM (browser binary, default /usr/bin/chromium).
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { BASE, SEEKER, PASSWORD, SHOTS } = process.env;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
mkdirSync(SHOTS, { recursive: true });

const results = { pages: 0, violations: 0, consoleErrors: [] };
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

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

// HDS draws a radio button under its label: the label is what a person clicks.
async function answer(page, answers) {
  for (const [name, value] of Object.entries(answers)) await page.click(`label[for="${name}-${value}"]`);
}

// The notice first (B14): confirmed, it leads to the form (registration or end).
async function throughNotice(page, { lang, js, audit, tag }, form) {
  await page.goto(`${BASE}/me/job-search`);
  await page.waitForSelector('p.notice');
  await audit(page, `notice ${tag}`);
  if (js) await shot(page, `own-notice-${lang}`);
  check(await page.locator(`form[action="/me/job-search/${form}"]`).count() === 1, `the notice leads to ${form}`);
  await page.click('label[for="acknowledged"]');
  await Promise.all([page.waitForURL(new RegExp(`/me/job-search/${form}\\?acknowledged=yes$`)), page.click('form.form button[type=submit]')]);
}

async function endJobSearch(page, ctx, label) {
  const { lang, js, audit, tag } = ctx;
  await throughNotice(page, ctx, 'end');
  await page.waitForSelector('form[action="/me/job-search/end"]');
  await audit(page, `end form ${label} ${tag}`);
  if (js) await shot(page, `own-end-${label}-${lang}`);
  await page.click('label[for="reason-employed"]');
  await page.click('form[action="/me/job-search/end"] button[type=submit]');
  await page.waitForSelector('p.outcome');
  await audit(page, `end result ${label} ${tag}`);
  if (js) await shot(page, `own-end-result-${label}-${lang}`);
}

const clear = {
  employment: 'none', seeks_full_time_work: 'yes', previous_end: 'fixed_term_ended',
  studies: 'none', business: 'none', in_service: 'none',
};

async function flow(browser, lang, js) {
  const context = await browser.newContext({ javaScriptEnabled: js, locale: lang === 'sv' ? 'sv-FI' : 'fi-FI', acceptDownloads: true });
  const page = await context.newPage();
  // Errors other than the intended 4xx answers (a refused form is a 422): a CSP violation or a
  // failed script would show here.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4(04|09|22)/.test(m.text())) results.consoleErrors.push(`${lang}: ${m.text()}`);
  });
  const audit = js ? axe : async () => {};
  const tag = `${lang}${js ? '' : '-nojs'}`;
  const ctx = { lang, js, audit, tag };

  await page.goto(`${BASE}/login?lang=${lang}`);
  await page.fill('#username', SEEKER);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/me$/), page.click('form[action="/login"] button[type=submit]')]);
  check(await page.getAttribute('html', 'lang') === lang, 'the own page in the language chosen');
  await audit(page, `home ${tag}`);
  if (js) await shot(page, `own-home-${lang}`);
  check((await page.content()).includes('Sámegillii'), 'the Sámi notice');

  // A12: the appointment exactly as recorded.
  await page.click('nav.main-nav a[href="/me/appointments"]');
  await page.waitForSelector('table');
  check((await page.textContent('table')).includes('Työkatu 3 B'), 'the address as recorded');
  check((await page.textContent('table')).includes('14.05'), 'the time as recorded');
  await audit(page, `appointments ${tag}`);
  if (js) await shot(page, `own-appointments-${lang}`);
  await page.click('nav.main-nav a[href="/me/record"]');
  await page.waitForSelector('ol.timeline');
  await audit(page, `record ${tag}`);
  if (js) await shot(page, `own-record-${lang}`);

  // Registration: the notice, a question left out refused, then the automatic statement.
  await throughNotice(page, ctx, 'new');
  await page.waitForSelector('form[action="/me/job-search"]');
  await audit(page, `register form ${tag}`);
  if (js) await shot(page, `own-register-${lang}`);
  const { studies, ...allButStudies } = clear;
  await answer(page, allButStudies);
  await page.fill('#previous_end_date', '2026-02-27');
  await page.click('form[action="/me/job-search"] button[type=submit]');
  await page.waitForSelector('#error-summary a[href="#studies-none"]');
  check(await page.isChecked('#employment-none'), 'the answers given are kept');
  await audit(page, `register refused ${tag}`);
  if (js) await shot(page, `own-register-refused-${lang}`);
  await answer(page, { studies });
  await page.click('form[action="/me/job-search"] button[type=submit]');
  await page.waitForSelector('pre.statement');
  await audit(page, `register result ${tag}`);
  if (js) await shot(page, `own-register-result-${lang}`);

  // The statement's safeguards (B8, B13, B15) and a request for reconsideration (B7).
  await Promise.all([page.waitForURL(/\/me\/statements\/[0-9a-f-]+$/), page.click('a[href^="/me/statements/"]')]);
  await page.waitForSelector('section.safeguards ol.rules li');
  check((await page.textContent('section.safeguards')).includes('KEHA/73792/2024'), 'the adoption decision');
  await audit(page, `statement ${tag}`);
  if (js) await shot(page, `own-statement-${lang}`);
  await page.fill('#reasons', '   ');
  await page.click('form[action$="/reconsideration"] button[type=submit]');
  await page.waitForSelector('#error-summary a[href="#reasons"]');
  await audit(page, `reconsideration refused ${tag}`);
  if (js) await shot(page, `own-reconsideration-refused-${lang}`);
  await page.fill('#reasons', `Työsuhteeni päättyi eri päivänä kuin ilmoitin (${tag}).`);
  await Promise.all([page.waitForURL(/#reconsideration$/), page.click('form[action$="/reconsideration"] button[type=submit]')]);
  await page.waitForSelector('dd.reconsideration-state');
  await audit(page, `reconsideration made ${tag}`);
  if (js) await shot(page, `own-reconsideration-${lang}`);

  await endJobSearch(page, ctx, 'automatic');

  // A registration that routes: where it went (the organisation in full) and why.
  await throughNotice(page, ctx, 'new');
  await answer(page, { ...clear, previous_end: 'own_resignation' });
  await page.fill('#previous_end_date', '2026-02-27');
  await page.fill('#free_text', `Irtisanouduin, koska työmatka piteni (${tag}).`);
  await page.click('form[action="/me/job-search"] button[type=submit]');
  await page.waitForSelector('ul.reasons li');
  check((await page.textContent('p.went-to')).length > 20, 'where the case went');
  await audit(page, `routed result ${tag}`);
  if (js) await shot(page, `own-routed-${lang}`);
  await endJobSearch(page, ctx, 'routed');

  await page.goto(`${BASE}/me/statements`);
  await audit(page, `statements ${tag}`);
  if (js) await shot(page, `own-statements-${lang}`);
  await page.click('nav.main-nav a[href="/me/access-log"]');
  await page.waitForSelector('h1');
  await audit(page, `access log ${tag}`);
  if (js) await shot(page, `own-access-${lang}`);
  await page.click('nav.main-nav a[href="/me/export"]');
  await page.waitForSelector('section[aria-labelledby=export-entries]');
  await audit(page, `export ${tag}`);
  if (js) await shot(page, `own-export-${lang}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/me/export.json"]')]);
  check(/^kirjuri-export-\d{4}-\d{2}-\d{2}\.json$/.test(download.suggestedFilename()), `the file's name ${download.suggestedFilename()}`);
  const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
  check(saved.format === 'kirjuri-export/1' && saved.statements.length >= 4, 'the export holds the statements');

  await page.click('form[action="/logout"] button');
  await page.waitForURL('**/login');
  await context.close();
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  for (const lang of ['fi', 'sv']) await flow(browser, lang, true);
  await flow(browser, 'fi', false);
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
