// Secure messages (issue 13, A18) in a real Chromium (the system's, driven by playwright-core),
// started by the Rust test `messages::a_real_browser_walks_the_messages_in_finnish_and_swedish`
// with a server of its own in which OFFICIAL is the responsible expert of CLIENT_ID's client,
// whose own account is SEEKER. For Finnish and Swedish: the client logs in and writes from
// their own messages page; the official finds the client under the new messages on "my work
// today", sees the messages link on the record, opens the conversation, has a reply with an
// unexplained abbreviation refused (the text kept, the finding shown), replies; the client
// reads the reply. axe-core runs on every page visited and must find 0 violations of the
// WCAG 2.1 A and AA rules; no page may log a console error (a CSP violation is one). Then the
// same walk in both languages with JavaScript disabled.
//
// Environment: BASE (server origin), OFFICIAL, SEEKER, PASSWORD, CLIENT_ID, CHROMIUM (browser
// binary, default /usr/bin/chromium).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { BASE, OFFICIAL, SEEKER, PASSWORD, CLIENT_ID } = process.env;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

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

async function login(browser, lang, js, username) {
  const context = await browser.newContext({ javaScriptEnabled: js, locale: lang === 'sv' ? 'sv-FI' : 'fi-FI' });
  const page = await context.newPage();
  // Errors other than the intended 4xx answers (a refused message is a 422).
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4(04|22)/.test(m.text())) results.consoleErrors.push(`${lang}: ${m.text()}`);
  });
  await page.goto(`${BASE}/login?lang=${lang}`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/(today|me)$/), page.click('form[action="/login"] button[type=submit]')]);
  check(await page.getAttribute('html', 'lang') === lang, `${username}: page language ${lang}`);
  return { context, page };
}

async function send(page, text) {
  await page.fill('#text', text);
  await Promise.all([
    page.waitForURL(/\/messages\?sent=1/),
    page.click('form#message-form button[type=submit]'),
  ]);
  check((await page.textContent('ol.messages')).includes(text), `the message is in the conversation: ${text}`);
  check(await page.isVisible('[role=status]'), 'the page says the message was sent');
}

async function walk(browser, lang, js) {
  const audit = js ? axe : async () => {};
  const tag = `${lang}${js ? '' : '-nojs'}`;
  const messagesPath = `/clients/${CLIENT_ID}/messages`;

  // The client writes.
  const seeker = await login(browser, lang, js, SEEKER);
  await seeker.page.goto(`${BASE}/me/messages`);
  await seeker.page.waitForSelector('form#message-form');
  check(await seeker.page.getAttribute('html', 'lang') === lang, 'own messages page language');
  await audit(seeker.page, `own messages ${tag}`);
  const question = lang === 'sv'
    ? `Kan jag flytta mötet nästa vecka? (${tag})`
    : `Voinko siirtää ensi viikon tapaamista? (${tag})`;
  await send(seeker.page, question);
  await audit(seeker.page, `own messages sent ${tag}`);

  // The official: the client among the new messages of the day, the link on the record.
  const official = await login(browser, lang, js, OFFICIAL);
  const page = official.page;
  const onToday = page.locator(`section[aria-labelledby=new-messages] a[href="${messagesPath}"]`);
  check(await onToday.count() === 1, 'the client is under the new messages of the day');
  check(!(await page.content()).includes(question), 'no message text on the day page');
  await audit(page, `today with new messages ${tag}`);
  await page.goto(`${BASE}/clients/${CLIENT_ID}`);
  check(await page.locator(`a[href="${messagesPath}"]`).count() > 0, 'the record links the messages');
  await audit(page, `record ${tag}`);
  await page.goto(`${BASE}/today`);
  await Promise.all([page.waitForURL(`**${messagesPath}`), onToday.click()]);
  check((await page.textContent('ol.messages')).includes(question), 'the official reads the message');
  await audit(page, `client messages ${tag}`);

  // A reply with an unexplained abbreviation is refused with the text kept.
  const refused = lang === 'sv' ? `Kontakta TTV om saken (${tag}).` : `Ota yhteyttä TTV:hen asiasta (${tag}).`;
  await page.fill('#text', refused);
  await page.click('form#message-form button[type=submit]');
  await page.waitForSelector('.finding--block');
  check((await page.inputValue('#text')) === refused, 'the refused text is kept');
  await audit(page, `message refused ${tag}`);
  const reply = lang === 'sv'
    ? `Mötet flyttas. Föreslå en dag som passar dig (${tag}).`
    : `Tapaaminen siirretään. Ehdota sinulle sopivaa päivää (${tag}).`;
  await send(page, reply);
  await audit(page, `client messages replied ${tag}`);

  // The client reads the reply.
  await seeker.page.goto(`${BASE}/me/messages`);
  check((await seeker.page.textContent('ol.messages')).includes(reply), 'the client reads the reply');
  await audit(seeker.page, `own messages with reply ${tag}`);
  // Their own message shows as read by the organisation.
  check(await seeker.page.locator('li.message--mine').count() > 0, 'the client\'s own message is listed');

  await official.context.close();
  await seeker.context.close();
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  for (const lang of ['fi', 'sv']) await walk(browser, lang, true);
  for (const lang of ['fi', 'sv']) await walk(browser, lang, false);
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
