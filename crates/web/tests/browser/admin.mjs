// The administrator's pages (issue 14) in a real Chromium (the system's, driven by
// playwright-core), started by the Rust test `pages_admin::a_real_browser_walks_the_administrators_pages`
// with a server of its own that has one identity provider configured. For Finnish and Swedish:
// log in as the administrator (who starts on the accounts page); an account refused for a short
// password, then created without one and its log-in delays lifted; an identity linked to it
// through the links page, and refused when linked again; a benefit payer refused for an address
// that is not https, then registered. axe-core runs on every page visited and must find 0
// violations of the WCAG 2.1 A and AA rules; no page may log a console error (a CSP violation
// is one).
//
// Environment: BASE (server origin), USERNAME, PASSWORD, PROVIDER (the configured provider's
// name), CHROMIUM (default /usr/bin/chromium).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { BASE, USERNAME, PASSWORD, PROVIDER } = process.env;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

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

async function submit(page, action, url) {
  const button = page.locator(`form[action="${action}"] button[type=submit]`);
  if (url) {
    await Promise.all([page.waitForURL(url), button.click()]);
  } else {
    await button.click();
  }
}

async function flow(browser, lang) {
  const context = await browser.newContext({ locale: lang === 'sv' ? 'sv-FI' : 'fi-FI' });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4(03|22)/.test(m.text())) results.consoleErrors.push(`${lang}: ${m.text()}`);
  });
  const username = `uuno${lang}`;
  const name = `Uuno Uusi ${lang}`;
  await page.goto(`${BASE}/login?lang=${lang}`);
  await page.fill('#username', USERNAME);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/admin$/), page.click('form[action="/login"] button[type=submit]')]);
  check(await page.getAttribute('html', 'lang') === lang, 'the page in the language chosen');
  check(await page.locator('nav.main-nav a[aria-current="page"][href="/admin"]').count() === 1, 'the administrator\'s menu');
  await axe(page, `accounts ${lang}`);

  // Refused: a short password; the answers kept, the password not, the error at its field.
  await page.fill('#account-username', username);
  await page.fill('#account-display_name', name);
  await page.selectOption('#account-role', 'official');
  await page.fill('#account-password', 'lyhyt');
  await submit(page, '/admin/accounts');
  await page.waitForSelector('#error-summary a[href="#account-password"]');
  check(await page.inputValue('#account-username') === username, 'the answers are kept');
  check(await page.inputValue('#account-password') === '', 'the password is not shown back');
  await axe(page, `account refused ${lang}`);
  // Created without a password (logs in through the identity provider).
  await submit(page, '/admin/accounts', /\/admin\?done=created$/);
  const row = page.locator('tbody tr', { hasText: username });
  check(await row.count() === 1, 'the account is listed');
  await axe(page, `account created ${lang}`);
  await Promise.all([page.waitForURL(/\/admin\?done=lifted$/), row.locator('form[action="/admin/accounts/lift-delays"] button').click()]);
  await axe(page, `delays lifted ${lang}`);
  // Made a manager (issue 14), then the grant taken away.
  await Promise.all([page.waitForURL(/\/admin\?done=manager-granted$/), row.locator('form[action="/admin/accounts/manager"] button').click()]);
  check(await row.locator('input[name=action][value=revoke]').count() === 1, 'the account is a manager');
  await axe(page, `manager granted ${lang}`);
  await Promise.all([page.waitForURL(/\/admin\?done=manager-revoked$/), row.locator('form[action="/admin/accounts/manager"] button').click()]);
  check(await row.locator('input[name=action][value=grant]').count() === 1, 'no longer a manager');

  // The identity-provider links.
  await Promise.all([page.waitForURL(/\/admin\/identities$/), page.click('nav.main-nav a[href="/admin/identities"]')]);
  await axe(page, `identities ${lang}`);
  const subject = `${username}.sub`;
  const link = async () => {
    await page.selectOption('#link-user_id', { label: `${name} (${username})` });
    await page.selectOption('#link-provider', PROVIDER);
    await page.fill('#link-subject', subject);
  };
  await link();
  await submit(page, '/admin/identities', /\/admin\/identities\?done=linked$/);
  check(await page.locator('tbody tr', { hasText: subject }).count() === 1, 'the link is listed');
  await axe(page, `identity linked ${lang}`);
  await link();
  await submit(page, '/admin/identities');
  await page.waitForSelector('#error-summary a[href="#link-subject"]');
  await axe(page, `link refused ${lang}`);

  // Benefit payers.
  await Promise.all([page.waitForURL(/\/admin\/payers$/), page.click('nav.main-nav a[href="/admin/payers"]')]);
  await axe(page, `payers ${lang}`);
  const payer = `Työttömyyskassa ${lang}`;
  await page.fill('#payer-name_fi', payer);
  await page.fill('#payer-name_sv', `Arbetslöshetskassan ${lang}`);
  await page.fill('#payer-endpoint_url', `ftp://kassa-${lang}.example.fi/lausunnot`);
  await submit(page, '/admin/payers');
  await page.waitForSelector('#error-summary a[href="#payer-endpoint_url"]');
  check(await page.inputValue('#payer-name_fi') === payer, 'the answers are kept');
  await axe(page, `payer refused ${lang}`);
  await page.fill('#payer-endpoint_url', `https://kassa-${lang}.example.fi/lausunnot`);
  await submit(page, '/admin/payers', /\/admin\/payers\?done=registered$/);
  check(await page.locator('tbody tr', { hasText: payer }).count() === 1, 'the payer is listed');
  await axe(page, `payer registered ${lang}`);
  await context.close();
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  await flow(browser, 'fi');
  await flow(browser, 'sv');
} finally {
  await browser.close();
}
check(results.consoleErrors.length === 0, `console errors: ${results.consoleErrors.join('; ')}`);
console.log(JSON.stringify(results));
