// Dashboard = Basic Metering (web manual 6.2, 6.3.1): the configured load within tolerance,
// refreshed every 5 s when the load changes, and the "Select Channel" tables.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from './lib/sim.mjs';
import { cellNumber, eventually, launch, login, newPage } from './lib/browser.mjs';

// The brief's tolerance for what the page shows: 1 % of the configured current and voltage
// (the simulated meter is class 0.2S; the page rounds to 3 decimals).
const within = (actual, expected, pct = 1) => Math.abs(actual - expected) <= (Math.abs(expected) * pct) / 100;

let sim;
let browser;
let page;

before(async () => {
  sim = await startSim();  // 230 V, channels 1-3 at 10 A, PF 1, 3LN
  browser = await launch();
  page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.waitForSelector('[data-testid=system-table]');
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

const cell = (table, key) => `[data-testid=${table}] td[data-key="${key}"]`;

async function fresh(table, key) {
  return eventually(async () => {
    const quality = await page.getAttribute(cell(table, key), 'data-quality', { timeout: 2000 });
    const value = await cellNumber(page, cell(table, key));
    return quality === 'fresh' && value > 0 ? value : null;
  }, { timeoutMs: 30000, what: `a fresh ${key}` });
}

test('the system table shows the configured phase voltage and currents', async () => {
  const va = await fresh('system-table', 'Va_V');
  assert.ok(within(va, 230), `Phase A voltage ${va} V is 230 V +-1 %`);
  for (const key of ['Ia_A', 'Ib_A', 'Ic_A']) {
    const current = await fresh('system-table', key);
    assert.ok(within(current, 10), `${key} ${current} A is 10 A +-1 %`);
  }
  const p = await fresh('system-table', 'P_kW');
  assert.ok(within(p, 3 * 2.3), `system active power ${p} kW is 6.9 kW +-1 %`);
  assert.equal(await page.textContent(cell('system-table', 'LoadType')), 'R');
  assert.match(await page.textContent(cell('system-table', 'Freq_Hz')), /^\d+\.\d{3}$/, 'frequency with 3 decimals');
  assert.equal(await page.locator('[data-testid=system-table] td.stale').count(), 0, 'no value marked stale');
});

test('Select Channel shows another input channel and a user channel', async () => {
  await page.selectOption('[data-testid=channel-select]', 'channels/2');
  const i2 = await fresh('channel-table', 'I002_A');
  assert.ok(within(i2, 10), `Input Channel 2 current ${i2} A is 10 A +-1 %`);
  await page.selectOption('[data-testid=channel-select]', 'users/1');
  // User Channel 1 = channels 1-3 in 3LN: 3 x 10 A at 230 V, PF 1.
  const p = await fresh('channel-table', 'Ps1_kW');
  assert.ok(within(p, 3 * 2.3), `User Channel 1 active power ${p} kW is 6.9 kW +-1 %`);
  assert.deepEqual(page.problems, []);
});

test('Input Channel 1 shows 10 A and follows a load change at the next 5 s refresh', async () => {
  await page.selectOption('[data-testid=channel-select]', 'channels/1');
  const before = await fresh('channel-table', 'I001_A');
  assert.ok(within(before, 10), `Input Channel 1 current ${before} A is 10 A +-1 %`);
  await page.evaluate(() => { window.notReloaded = true; });
  sim.load({ channel: 1, current: 20.0, pf: 1.0 });
  const after = await eventually(async () => {
    const value = await cellNumber(page, cell('channel-table', 'I001_A'));
    return within(value, 20) ? value : null;
  }, { timeoutMs: 20000, what: 'Input Channel 1 at 20 A on the page after the stdin line "load {...}"' });
  assert.ok(within(after, 20), `Input Channel 1 current ${after} A is 20 A +-1 %`);
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page refreshed itself, no reload');
  const ia = await cellNumber(page, cell('system-table', 'Ia_A'));
  assert.ok(within(ia, 20), `Phase A current ${ia} A follows channel 1`);
});
