// A screenshot of every page, desktop and phone sized, in $ACUREV_BUILD_DIR/screenshots; each
// page renders without a script error or a Content-Security-Policy violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, startSim } from './lib/sim.mjs';
import { launch, login, newPage, screenshot } from './lib/browser.mjs';

// The default load with a distorted voltage, an inductive channel 4 with current harmonics,
// and DI1 as a pulse counter, so that every page has something to show.
const CONFIG = {
  ...DEFAULT_CONFIG,
  voltage: { rms: 230, harmonics: [{ order: 5, percent: 3 }, { order: 7, percent: 1.5 }] },
  channels: [
    ...DEFAULT_CONFIG.channels,
    { channel: 4, ct_primary: 100, current: 25, pf: 0.8, harmonics: [{ order: 3, percent: 15 }, { order: 5, percent: 8 }] },
  ],
  settings: { 'digital_inputs.di1_mode': 1, 'digital_inputs.di1_unit': 2 },
};

const fresh = (table, key) => `[data-testid=${table}] td[data-key="${key}"][data-quality=fresh]`;

// route, what shows that the page has its data, file name
const PAGES = [
  ['dashboard', fresh('channel-table', 'I001_A'), 'dashboard'],
  ['metering/basic', fresh('channel-table', 'I001_A'), 'metering-basic'],
  ['metering/demand', fresh('channel-demand-table', 'DMD_I001_A'), 'metering-demand'],
  ['metering/energy', fresh('channel-tou-prior-table', 'EP001_IMP_PRIOR_kWh'), 'metering-energy'],
  ['metering/harmonics', fresh('harmonics-table', 'Har5_Va'), 'metering-harmonics'],
  ['metering/io', '[data-testid=ro-table]', 'metering-io'],
  ['logs/trend', '[data-testid=trend-chart]:not([aria-busy]) canvas', 'logs-trend'],
  ['logs/trend-management', '[data-testid=trend-file-available] option', 'logs-trend-management'],
  ['logs/alarms', '[data-testid=alarm-table]', 'logs-alarms'],
  ['logs/events', '[data-testid=event-table]', 'logs-events'],
  ['about/information', '[data-testid=module-info]', 'about-information'],
  ['about/installation-record', '[data-testid=record-channels]', 'about-installation-record'],
  ['settings/meter', '[data-testid=settings-form] .field', 'settings-meter'],
  ['settings/network', '[data-testid=settings-form] .field', 'settings-network'],
  ['settings/web', '[data-testid=settings-form] .field', 'settings-web'],
  ['management', '[data-testid=api-token]', 'management'],
  ['management/services', '[data-testid=services-table]', 'management-services'],
];

let sim;
let browser;

before(async () => {
  sim = await startSim({ config: CONFIG });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('the login page', async () => {
  const page = await newPage(browser);
  await page.goto(`${sim.url}/`);
  await page.waitForSelector('[data-testid=login-form]');
  await screenshot(page, 'login');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('every page as an Admin on a desktop', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  for (const [route, ready, name] of PAGES) {
    await page.goto(`${sim.url}/#/${route}`);
    await page.waitForSelector(ready, { timeout: 30000 });
    await page.waitForTimeout(300);  // the chart's first draw
    await screenshot(page, name);
  }
  await page.goto(`${sim.url}/#/metering/harmonics`);
  await page.check('[data-testid=harmonics-current]');
  await page.selectOption('[data-testid=channel-select]', 'channels/4');
  await page.waitForSelector(fresh('harmonics-table', 'Har3_I004'));
  await screenshot(page, 'metering-harmonics-current');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the dashboard, the menu and a settings page on a phone', async () => {
  const page = await newPage(browser, { width: 390, height: 844 });
  await login(page, sim.url, 'user', 'view');
  await page.waitForSelector('[data-testid=channel-table]');
  const onScreen = async (selector) => {
    const box = await page.locator(selector).boundingBox();
    return Boolean(box) && box.x + box.width > 0 && box.x < 390;
  };
  assert.equal(await onScreen('[data-testid=nav]'), false, 'the menu is folded away on a phone');
  await screenshot(page, 'phone-dashboard');
  await page.click('[data-testid=menu-toggle]');
  await page.waitForFunction(() => document.body.classList.contains('menu-open'));
  assert.ok(await onScreen('[data-testid="nav-settings/meter"]'), 'the Menu button unfolds the menu');
  await screenshot(page, 'phone-menu');
  await page.click('[data-testid="nav-settings/meter"]');
  await page.waitForSelector('[data-testid=settings-form] .field');
  await screenshot(page, 'phone-settings-meter');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
