// Logging in (web manual 6.1, docs/api.md "Access"): both levels, the API's errors on the page,
// the session across a reload, logout, and throttling after failed logins.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from './lib/sim.mjs';
import { launch, login, newPage } from './lib/browser.mjs';

let sim;
let browser;

before(async () => {
  sim = await startSim();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('the login page offers both levels, the certificate and the 5-user advice', async () => {
  const page = await newPage(browser);
  await page.goto(`${sim.url}/`);
  await page.waitForSelector('[data-testid=login-form]');
  const text = await page.textContent('[data-testid=login-form]');
  assert.match(text, /View reports and settings/);
  assert.match(text, /Edit settings, control meter/);
  assert.match(text, /It is recommended that no more than 5 users are logged in at the same time/);
  assert.equal(await page.getAttribute('[data-testid=certificate]', 'href'), '/api/v1/certificate');
  const download = page.waitForEvent('download');
  await page.click('[data-testid=certificate]');
  const pem = await (await download).createReadStream();
  let body = '';
  for await (const chunk of pem) body += chunk;
  assert.match(body, /-----BEGIN CERTIFICATE-----/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Admin logs in: the dashboard, the level, the default-password banner; a reload keeps the session', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.waitForSelector('[data-testid=system-table]');
  assert.equal(await page.textContent('[data-testid=level]'), 'Admin');
  assert.ok(await page.isVisible('[data-testid=default-password-banner]'));
  await page.reload();
  await page.waitForSelector('[data-testid=system-table]');
  assert.equal(await page.textContent('[data-testid=level]'), 'Admin');
  await page.click('[data-testid=logout]');
  await page.waitForSelector('[data-testid=login-form]');
  await page.reload();
  await page.waitForSelector('[data-testid=login-form]');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('User logs in and sees the level', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'user', 'view');
  await page.waitForSelector('[data-testid=system-table]');
  assert.equal(await page.textContent('[data-testid=level]'), 'User');
  await page.context().close();
});

test('a wrong password shows the API error; after 5 failures the page shows the 429 and its retry time', async () => {
  const page = await newPage(browser);
  await page.goto(`${sim.url}/`);
  await page.waitForSelector('[data-testid=login-form]');
  await page.check('[data-testid=level-admin]');
  let message = '';
  for (let attempt = 1; attempt <= 8; attempt += 1) {
    await page.fill('[data-testid=password]', 'not-the-password');
    await page.click('[data-testid=sign-in]');
    await page.waitForSelector('[data-testid=login-error]:not([hidden])');
    await page.waitForSelector('[data-testid=sign-in]:not([disabled])');
    message = await page.textContent('[data-testid=login-error]');
    if (/Try again in \d+ s/.test(message)) break;
  }
  assert.match(message, /Try again in \d+ s/, `the 6th failed login shows the throttling and its retry time: ${message}`);
  assert.ok(await page.isVisible('[data-testid=login-form]'));
  // Throttling lasts 1 s after the 5th failure (doubling after each further one).
  const seconds = Number(message.match(/Try again in (\d+) s/)[1]);
  await page.waitForTimeout((seconds + 1) * 1000);
  await page.fill('[data-testid=password]', 'admin');
  await page.click('[data-testid=sign-in]');
  await page.waitForSelector('[data-testid=topbar]:not([hidden])');
  await page.context().close();
});
