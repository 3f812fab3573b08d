// Management (web manual 8.1, 8.3): the API token and its reset, and the password rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from './lib/sim.mjs';
import { apiClient, eventually, launch, login, newPage } from './lib/browser.mjs';

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

test('the API token is shown and a reset shows a new one', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/management`);
  const api = await apiClient(sim.url);
  const token = (await api.get('api-token')).body.token;
  await eventually(async () => (await page.textContent('[data-testid=api-token]')) === token, { what: 'the API token shown' });
  await page.click('[data-testid=reset-api-token]');
  await page.click('[data-testid=modal-confirm]');
  await eventually(async () => {
    const shown = await page.textContent('[data-testid=api-token]');
    return shown !== token && shown === (await api.get('api-token')).body.token;
  }, { what: 'the new API token shown' });
  await api.dispose();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a new password shorter than 6 characters is refused on the page; a good one is saved', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/management`);
  const puts = [];
  page.on('request', (r) => { if (r.method() === 'PUT') puts.push(r.url()); });
  await page.fill('[data-testid=current-admin-password]', 'admin');
  await page.fill('[data-testid=view-new-password]', 'abc');
  await page.click('[data-testid=password-save]');
  assert.match(await page.textContent('[data-testid=password-message]'), /6 characters or more/);
  assert.deepEqual(puts, [], 'nothing sent');

  await page.fill('[data-testid=current-admin-password]', 'wrong-password');
  await page.fill('[data-testid=view-new-password]', 'viewer-2');
  await page.click('[data-testid=password-save]');
  await eventually(async () => /wrong/i.test(await page.textContent('[data-testid=password-message]')), { what: 'the wrong-password message' });

  await page.fill('[data-testid=current-admin-password]', 'admin');
  await page.fill('[data-testid=view-new-password]', 'viewer-2');
  await page.click('[data-testid=password-save]');
  await eventually(async () => /changed/.test(await page.textContent('[data-testid=password-message]')), { what: 'the passwords changed' });
  await page.context().close();

  const user = await newPage(browser);
  await login(user, sim.url, 'user', 'viewer-2');
  assert.equal(await user.textContent('[data-testid=level]'), 'User');
  await user.context().close();
});
