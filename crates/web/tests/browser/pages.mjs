// Kirjuri's pages in a real Chromium (the system's, driven by playwright-core), started by
// the Rust test `pages::a_real_browser_walks_the_pages_in_finnish_and_swedish` with a server and demo data of its own. For Finnish and
// Swedish: log in, find a client, write an entry with an unexplained abbreviation, see the
// finding at its place, fix it and save, a blocking finding that keeps the entry unsaved, a
// keyboard-only pass through the entry form, an appointment booked, a job search that routes,
// taken from the work queue, previewed and resolved, and its provenance read; the issued
// statement's printable page, a request for its reconsideration taken and resolved from the
// queue (a refused reasoning first), the job search ended from the record, and the client's
// register facts recorded (a missing answer refused first).
// axe-core runs on every page visited and must find 0 violations of the WCAG 2.1 A and AA
// rules; no page may log a console error (a CSP violation is one). Then the same path with JavaScript disabled. Screenshots go to $SHOTS.
//
// Environment: BASE (server origin), USERNAME, PASSWORD, CLIENT_NAME (a last name to search),
// SHOTS (folder for screenshots), CHROMIUM (browser binary, default /usr/bin/chromium).
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, request } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { BASE, USERNAME, PASSWORD, CLIENT_NAME, SHOTS } = process.env;
// The job seeker whose client is CLIENT_NAME's (the test harness's `seeker`).
const SEEKER = process.env.SEEKER || 'seeker';
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

// The record's own forms and summary (issue 12 items 3 and 6): the contact method (A9) and
// the responsible expert recorded through their forms and shown in the record's header, and
// the handover summary (A8), each page checked with axe and photographed.
async function recordForms(page, recordUrl, lang, js, audit) {
  await page.goto(recordUrl);
  await page.click('a[href$="/contact-method/new"]');
  await page.waitForSelector('form[action$="/contact-method"]');
  await audit(page, `contact method ${lang}`);
  if (js) await shot(page, `contact-method-${lang}`);
  await page.selectOption('#method', 'phone');
  await page.fill('#note', `Aamupäivisin (${lang})`);
  await Promise.all([page.waitForURL(/\/clients\/[0-9a-f-]+$/), page.click('form[action$="/contact-method"] button[type=submit]')]);
  check((await page.textContent('dl.record-header')).includes(lang === 'sv' ? 'telefon' : 'puhelin'), 'the contact method in the header');

  await page.click('a[href$="/responsible-expert/new"]');
  await page.waitForSelector('form[action$="/responsible-expert"]');
  await audit(page, `responsible expert ${lang}`);
  if (js) await shot(page, `responsible-expert-${lang}`);
  const official = await page.locator('#official_id option').nth(1).getAttribute('value');
  await page.selectOption('#official_id', official);
  await Promise.all([page.waitForURL(/\/clients\/[0-9a-f-]+$/), page.click('form[action$="/responsible-expert"] button[type=submit]')]);
  await audit(page, `record header ${lang}`);
  if (js) await shot(page, `record-header-${lang}`);

  await page.click('a[href$="/handover"]');
  await page.waitForSelector('section[aria-labelledby=recent-contacts]');
  await audit(page, `handover ${lang}`);
  if (js) await shot(page, `handover-${lang}`);
}

// The client's register facts (issue 12 item 7, B4): the form reached from the record, a
// question left unanswered refused with the error summary linking to it (the answers kept),
// then every question answered and saved, and the facts in force shown with who recorded them.
// Correcting an entry (A5): the form opens filled with the entry, a reason is required, the
// correction is saved as a new entry and the old one is shown corrected.
async function correctEntry(page, recordUrl, lang, js, audit) {
  await page.goto(recordUrl);
  const link = page.locator('a[href*="/entries/new?corrects="]').first();
  await link.click();
  await page.waitForSelector('#correction_reason');
  await audit(page, `correct entry ${lang}`);
  if (js) await shot(page, `correct-entry-${lang}`);
  const text = `Korjattu kirjaus (${lang}, ${js ? 'js' : 'no-js'}).`;
  await page.fill('#text', text);
  await page.fill('#correction_reason', lang === 'sv' ? 'Fel antal platser.' : 'Paikkojen määrä väärin.');
  await Promise.all([page.waitForURL(/#entry-/), page.click('form[action$="/entries"] button[value=save]')]);
  check((await page.content()).includes(text), 'the correction is on the record');
  check(await page.locator('li.entry--corrected').count() > 0, 'the corrected entry is marked');
}

async function registerFacts(page, recordUrl, lang, js, audit) {
  await page.goto(recordUrl);
  await Promise.all([page.waitForURL(/\/register-facts\/new$/), page.click('a[href$="/register-facts/new"]')]);
  await page.waitForSelector('form[action$="/register-facts"]');
  await audit(page, `register facts ${lang}`);
  if (js) await shot(page, `register-facts-${lang}`);
  const answers = {
    employment_continues: 'no', active_degree_studies: 'no', active_business: 'no',
    resides_in_finland: 'yes', vocational_qualification: 'yes', partial_disability_pension: 'no',
  };
  // HDS draws the radio button under its label: the label is what a person clicks.
  for (const [name, value] of Object.entries(answers)) await page.click(`label[for="${name}-${value}"]`);
  // The facts an earlier flow saved are pre-filled: the right to work is cleared (by the
  // test, over DevTools) to leave it unanswered; without JavaScript the refusal is skipped.
  const inForce = await page.isChecked('#right_to_work-eu_eea');
  if (inForce && js) {
    await page.$$eval('input[name=right_to_work]', (els) => els.forEach((e) => { e.checked = false; }));
  }
  if (!inForce || js) {
    await page.click('form[action$="/register-facts"] button[type=submit]');
    await page.waitForSelector('#error-summary a[href="#right_to_work-citizen"]');
    check(await page.isChecked('#resides_in_finland-yes'), 'the answers given are kept');
    await audit(page, `register facts refused ${lang}`);
    if (js) await shot(page, `register-facts-refused-${lang}`);
  }
  await page.click('label[for="right_to_work-eu_eea"]');
  await Promise.all([page.waitForURL(/\/clients\/[0-9a-f-]+$/), page.click('form[action$="/register-facts"] button[type=submit]')]);
  await page.click('a[href$="/register-facts/new"]');
  await page.waitForSelector('p.facts-in-force');
  check(await page.isChecked('#right_to_work-eu_eea'), 'the facts in force are shown');
}

async function flow(browser, lang, js) {
  const context = await browser.newContext({ javaScriptEnabled: js, locale: lang === 'sv' ? 'sv-FI' : 'fi-FI' });
  const page = await context.newPage();
  // Errors other than the intended 4xx answers (a blocked entry is a 422, an unknown page a
  // 404): a CSP violation or a failed script would show here.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4(04|22)/.test(m.text())) results.consoleErrors.push(`${lang}: ${m.text()}`);
  });
  const audit = js ? axe : async () => {};
  const tag = `${lang}${js ? '' : '-nojs'}`;

  await page.goto(`${BASE}/login?lang=${lang}`);
  check(await page.getAttribute('html', 'lang') === lang, 'login page language');
  await audit(page, `login ${lang}`);
  if (js) await shot(page, `login-${lang}`);
  await page.fill('#username', USERNAME);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL('**/today'), page.click('form[action="/login"] button[type=submit]')]);
  await audit(page, `today ${lang}`);
  if (js) await shot(page, `today-${lang}`);

  await page.click('a[href="/clients"]');
  await page.fill('#q', CLIENT_NAME);
  await Promise.all([page.waitForURL('**/clients?q=*'), page.click('form[action="/clients"] button[type=submit]')]);
  await audit(page, `find ${lang}`);
  if (js) await shot(page, `find-${lang}`);
  const link = page.locator('ul.results a').first();
  await Promise.all([page.waitForURL(/\/clients\/[0-9a-f-]+$/), link.click()]);
  const recordUrl = page.url();
  await audit(page, `record ${lang}`);

  // Write an entry with an unexplained abbreviation; the check shows it at its place.
  await page.click(`a[href$="/entries/new"]`);
  await audit(page, `entry form ${lang}`);
  if (js) {
    // Keyboard alone: from the type, Tab reaches every field and both buttons in order.
    await page.focus('#entry_type');
    // A date or time field takes a Tab per part (day, month, year): count each field once.
    const order = [];
    for (let i = 0; i < 30 && order[order.length - 1] !== 'save'; i++) {
      const at = await page.evaluate(() => document.activeElement.id || document.activeElement.value);
      if (order[order.length - 1] !== at) order.push(at);
      await page.keyboard.press('Tab');
    }
    const want = ['entry_type', 'event_date', 'event_time', 'text', 'follow_up', 'service', 'check', 'save'];
    check(JSON.stringify(order) === JSON.stringify(want), `tab order ${JSON.stringify(order)}`);
  }
  const marker = tag;
  await page.selectOption('#entry_type', 'contact');
  await page.fill('#text', `Asiakas ohjattiin TTV:lle selvitystä varten (${marker}).`);
  await page.click('button[value=check]');
  await page.waitForSelector('mark#at-1');
  check((await page.textContent('mark#at-1')).startsWith('TTV'), 'the finding marks the abbreviation');
  check((await page.textContent('#finding-1')).includes('työttömyysturvan vastuualue'), 'the suggestion');
  await audit(page, `entry checked ${lang}`);
  if (js) await shot(page, `entry-checked-${lang}`);
  const fixed = `Asiakas ohjattiin työttömyysturvan vastuualueelle selvitystä varten (${marker}).`;
  await page.fill('#text', fixed);
  await Promise.all([page.waitForURL(/\/clients\/[0-9a-f-]+(#.*)?$/), page.click('button[value=save]')]);
  check((await page.content()).includes(fixed), 'the saved entry is on the timeline');
  await audit(page, `record with entry ${lang}`);
  if (js) await shot(page, `record-${lang}`);

  // A blocking finding keeps the entry unsaved with the text intact.
  await page.goto(`${recordUrl}/entries/new`);
  await page.selectOption('#entry_type', 'safety');
  const blocked = `Asiakas on laiska ja hankala (${marker}).`;
  await page.fill('#text', blocked);
  await page.click('button[value=save]');
  await page.waitForSelector('.finding--block');
  check(await page.inputValue('#text') === blocked, 'the blocked text is intact');
  await audit(page, `entry blocked ${lang}`);
  if (js) await shot(page, `entry-blocked-${lang}`);
  await page.goto(recordUrl);
  check(!(await page.content()).includes(blocked), 'the blocked entry was not saved');

  // Book an appointment (A12).
  await page.goto(`${recordUrl}/appointments/new`);
  await audit(page, `appointment ${lang}`);
  if (js) await shot(page, `appointment-${lang}`);
  await page.fill('#date', '2026-03-10');
  await page.fill('#time', '14:00');
  await page.selectOption('#mode', 'visit');
  const address = `Esimerkkikatu 1 (${tag})`;
  await page.fill('#place', address);
  await Promise.all([page.waitForURL(/#appointments$/), page.click('form[action$="/appointments"] button[type=submit]')]);
  check((await page.content()).includes(address), 'the appointment is on the record');

  await recordForms(page, recordUrl, lang, js, audit);
  await page.goto(recordUrl);

  // Start a job search (whenever the client has none: the flows end it again): the prior notice shown, the case routes and
  // the result page says where and why.
  const start = page.locator('a[href$="/job-search/new"]');
  if (await start.count() > 0) {
    await start.click();
    await audit(page, `job search ${lang}`);
    if (js) await shot(page, `jobsearch-${lang}`);
    await page.check('#acknowledged_notice');
    await page.click('form[action$="/job-search"] button[type=submit]');
    await page.waitForSelector('ul.reasons li');
    await audit(page, `job search result ${lang}`);
    if (js) await shot(page, `jobsearch-result-${lang}`);
    await page.click('a[href$="/provenance"]');
    await page.waitForSelector('ol.steps li');
    await audit(page, `provenance ${lang}`);
    if (js) await shot(page, `provenance-${lang}`);
  }

  // The work queue: take the routed case, preview the statement, issue it.
  await page.goto(`${BASE}/queue`);
  await audit(page, `queue ${lang}`);
  if (js) await shot(page, `queue-${lang}`);
  const take = page.locator('form[action^="/queue/"][action$="/take"] button');
  let issued = false;
  if (await take.count() > 0) {
    await Promise.all([page.waitForURL(/\/queue\/[0-9a-f-]+$/), take.first().click()]);
    await audit(page, `resolve ${lang}`);
    await page.fill('#reasoning', 'Asiakas on ilmoittautunut työnhakijaksi eikä työnhaulle ole estettä.');
    await page.fill('#basis', 'JTYPL 2 luku 3 §');
    await page.click('button[value=preview]');
    await page.waitForSelector('section.preview pre.statement');
    await audit(page, `resolve preview ${lang}`);
    if (js) await shot(page, `resolve-preview-${lang}`);
    await page.click('button[value=resolve]');
    await page.waitForSelector('pre.statement');
    check(!(await page.isVisible('section.preview')), 'issued, not a preview');
    await audit(page, `issued ${lang}`);
    issued = true;
  }
  await statementsAndEnd(page, { lang, js, audit, tag, issued, recordUrl });
  await registerFacts(page, recordUrl, lang, js, audit);
  await correctEntry(page, recordUrl, lang, js, audit);

  // An error page, in the language.
  await page.goto(`${BASE}/no-such-page`);
  check(await page.getAttribute('html', 'lang') === lang, 'error page language');
  await audit(page, `error ${lang}`);

  await page.goto(`${BASE}/today`);
  await page.click('form[action="/logout"] button');
  await page.waitForURL('**/login');
  await context.close();
}

// Issue 12 items 7–8 and the printable statement: the statement just issued from the queue
// on its printable page; the client asks for its reconsideration (through the API, as the
// job seeker), and the official takes the request from the queue, has a belittling reasoning
// refused with the finding shown, and resolves it; then the job search is ended from the
// record and the result page read.
async function statementsAndEnd(page, { lang, js, audit, tag, issued, recordUrl }) {
  if (issued) {
    const printable = page.locator('a[href$="/statement"]');
    check(await printable.count() > 0, 'the issued statement links to its printable page');
    await Promise.all([page.waitForURL(/\/decisions\/[0-9a-f-]+\/statement$/), printable.first().click()]);
    await page.waitForSelector('pre.statement');
    await audit(page, `statement ${lang}`);
    if (js) await shot(page, `statement-${lang}`);
    const decision = page.url().match(/\/decisions\/([0-9a-f-]+)\/statement$/)[1];

    const api = await request.newContext({ baseURL: BASE });
    const login = await api.post('/api/login', { data: { username: SEEKER, password: PASSWORD } });
    check(login.ok(), `the job seeker logs in: ${login.status()}`);
    const asked = await api.post(`/api/me/decisions/${decision}/reconsideration`, {
      data: { reasons: `Lausunto on mielestäni väärä (${tag}).` },
    });
    check(asked.status() === 201, `reconsideration asked: ${asked.status()} ${await asked.text()}`);
    await api.dispose();

    await page.goto(`${BASE}/queue`);
    await audit(page, `queue with reconsideration ${lang}`);
    if (js) await shot(page, `queue-reconsideration-${lang}`);
    const takeRequest = page.locator('form[action^="/reconsiderations/"][action$="/take"] button');
    check(await takeRequest.count() > 0, 'the request is in the queue');
    await Promise.all([page.waitForURL(/\/reconsiderations\/[0-9a-f-]+$/), takeRequest.first().click()]);
    await audit(page, `reconsideration ${lang}`);
    await page.fill('#reasoning', 'Asiakas on laiska eikä hae töitä.');
    await page.fill('#basis', 'TTL 2:1');
    await page.click('button[value=resolve]');
    await page.waitForSelector('.finding--block');
    check((await page.inputValue('#reasoning')).includes('laiska'), 'the refused text is kept');
    await audit(page, `reconsideration refused ${lang}`);
    if (js) await shot(page, `reconsideration-refused-${lang}`);
    await page.fill('#reasoning', 'Lausunnolle ei ole esitetty uutta selvitystä, joten sitä ei muuteta.');
    await page.click('button[value=resolve]');
    await page.waitForSelector('pre.statement');
    check(!(await page.isVisible('.finding--block')), 'issued');
    await audit(page, `reconsideration issued ${lang}`);
  }

  // End the job search from the record.
  await page.goto(recordUrl);
  const end = page.locator('a[href$="/job-search/end"]');
  if (await end.count() > 0) {
    await Promise.all([page.waitForURL(/\/job-search\/end$/), end.click()]);
    await audit(page, `job search end ${lang}`);
    if (js) await shot(page, `jobsearch-end-${lang}`);
    // The radio button as a person chooses it: by its label (hds-core draws the button).
    await page.click('label[for="reason-employed"]');
    check(await page.isChecked('#reason-employed'), 'the reason is chosen');
    await page.check('#acknowledged_notice');
    await page.click('form[action$="/job-search/end"] button[type=submit]');
    await page.waitForSelector('p.outcome');
    await audit(page, `job search end result ${lang}`);
    if (js) await shot(page, `jobsearch-end-result-${lang}`);
  }
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
