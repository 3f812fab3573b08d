// I/O (web manual 6.3.5): an Admin switches a relay output and resets DI counters; a User only reads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, startSim } from './lib/sim.mjs';
import { eventually, launch, login, newPage } from './lib/browser.mjs';

let sim;
let browser;

before(async () => {
  sim = await startSim({ config: { ...DEFAULT_CONFIG, settings: { 'digital_inputs.di1_mode': 1 } } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('Admin switches Relay Output 1 on and off', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/metering/io`);
  const status = '[data-testid=ro-1] [data-field=status]';
  await page.waitForSelector(status);
  assert.equal(await page.textContent(status), 'Off');
  await page.click('[data-testid=ro-toggle-1]');
  await eventually(async () => (await page.textContent(status)) === 'On', { what: 'Relay Output 1 On' });
  await page.click('[data-testid=ro-toggle-1]');
  await eventually(async () => (await page.textContent(status)) === 'Off', { what: 'Relay Output 1 Off' });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Admin resets a DI counter and all counters', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/metering/io`);
  await page.waitForSelector('[data-testid=di-1] [data-field=counter]');
  assert.notEqual(await page.textContent('[data-testid=di-1] [data-field=counter]'), '-', 'DI1 is a pulse counter');
  await page.click('[data-testid=di-reset-1]');
  await page.click('[data-testid=modal-confirm]');
  await eventually(async () => /Digital Input 1 was reset/.test(await page.textContent('[data-testid=io-message]')), { what: 'the reset message' });
  await page.click('[data-testid=di-reset-all]');
  await page.click('[data-testid=modal-confirm]');
  await eventually(async () => /every digital input was reset/.test(await page.textContent('[data-testid=io-message]')), { what: 'the reset-all message' });
  await page.context().close();
});

test('a User sees the I/O tables without controls', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'user', 'view');
  await page.goto(`${sim.url}/#/metering/io`);
  await page.waitForSelector('[data-testid=ro-1]');
  assert.equal(await page.locator('[data-testid^=ro-toggle-], [data-testid^=di-reset-]').count(), 0);
  await page.context().close();
});
