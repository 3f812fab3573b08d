// The settings pages (web manual 6.6, docs/api.md "Settings"): a tab saves as one change (all or
// nothing); a refused value is shown at its field and changes nothing; a reboot setting stays
// pending until the reboot; a User reads only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startSim } from './lib/sim.mjs';
import { apiClient, eventually, launch, login, newPage } from './lib/browser.mjs';

let sim;
let browser;
let api;

before(async () => {
  sim = await startSim();
  browser = await launch();
  api = await apiClient(sim.url);
});

after(async () => {
  await api?.dispose();
  await browser?.close();
  await sim?.stop();
});

const field = (key) => `[data-testid="setting-${key}"]`;
const input = (key) => `${field(key)} [data-input="${key}"]`;

async function settingValue(key) {
  const section = key.split('.')[0];
  const reply = await api.get(`settings/${section}`);
  assert.equal(reply.status, 200);
  return reply.body.settings.find((s) => s.key === key).value;
}

test('an invalid CT ratio is refused at its field and changes nothing', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/meter`);
  await page.waitForSelector(input('meter.ct_ratio_1'));
  const old = await page.inputValue(input('meter.ct_ratio_1'));
  assert.equal(String(await settingValue('meter.ct_ratio_1')), old);
  const range = await page.textContent(`${field('meter.ct_ratio_1')} .range`);
  const meter = (await api.get('settings/meter')).body.settings;
  assert.equal(range, meter.find((s) => s.key === 'meter.ct_ratio_1').range, 'the field shows the schema\'s range text');
  assert.match(range, /^Default: 100, .*5.*50000/);

  await page.fill(input('meter.ct_ratio_1'), '60000');
  await page.click('[data-testid=settings-save]');
  const error = page.locator('[data-testid="error-meter.ct_ratio_1"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /CT Ratio 1 must be between 5 and 50000/);
  assert.equal(await page.locator('[data-testid="error-meter.ct_ratio_10"]:visible').count(), 0, 'the error is at CT Ratio 1 only');

  assert.equal(String(await settingValue('meter.ct_ratio_1')), old, 'the API still has the old value');
  await page.reload();
  await page.waitForSelector(input('meter.ct_ratio_1'));
  assert.equal(await page.inputValue(input('meter.ct_ratio_1')), old, 'a reload shows the old value');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a tab of two sections saves as one change: a refused CT ratio saves the description neither', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/meter`);
  await page.waitForSelector(input('meter.ct_ratio_1'));
  const description = await settingValue('device.description');
  assert.equal(await page.inputValue(input('device.description')), description);
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'PUT') sent.push({ url: r.url(), body: r.postDataJSON() }); });

  await page.fill(input('device.description'), 'Half saved?');
  await page.fill(input('meter.ct_ratio_1'), '60000');
  await page.click('[data-testid=settings-save]');
  const error = page.locator('[data-testid="error-meter.ct_ratio_1"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /CT Ratio 1 must be between 5 and 50000/);
  assert.match(await page.textContent('[data-testid=settings-message]'), /Not saved/);
  assert.deepEqual(sent.map((s) => s.body), [{ 'device.description': 'Half saved?', 'meter.ct_ratio_1': 60000 }], 'one PUT with both keys');
  assert.match(sent[0].url, /\/api\/v1\/settings$/);

  assert.equal(await settingValue('device.description'), description, 'the API still has the old description');
  await page.reload();
  await page.waitForSelector(input('device.description'));
  assert.equal(await page.inputValue(input('device.description')), description, 'a reload shows the old description');
  assert.notEqual(await page.inputValue(input('meter.ct_ratio_1')), '60000');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a valid change saves only that key', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/meter`);
  await page.waitForSelector(input('meter.ct_ratio_2'));
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'PUT') sent.push({ url: r.url(), body: r.postDataJSON() }); });
  await page.fill(input('meter.ct_ratio_2'), '200');
  await page.click('[data-testid=settings-save]');
  await eventually(async () => /Saved/.test(await page.textContent('[data-testid=settings-message]')), { what: 'Saved' });
  assert.deepEqual(sent.map((s) => s.body), [{ 'meter.ct_ratio_2': 200 }]);
  assert.match(sent[0].url, /\/api\/v1\/settings$/);
  assert.equal(await settingValue('meter.ct_ratio_2'), 200);
  await page.context().close();
});

test('a User sees every settings page read-only', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'user', 'view');
  const tabs = await page.locator('[data-testid^="nav-settings/"]').evaluateAll((links) => links.map((a) => a.dataset.route));
  assert.ok(tabs.includes('settings/meter'), `the settings tabs: ${tabs}`);
  for (const route of tabs) {
    await page.goto(`${sim.url}/#/${route}`);
    await page.waitForSelector('[data-testid=settings-form] .field');
    await page.waitForSelector('[data-testid=settings-read-only]');
    assert.equal(await page.locator('[data-testid=settings-save]').count(), 0, `${route}: no Save`);
    const enabled = await page.locator('[data-testid=settings-form] :is(input, select):enabled').count();
    assert.equal(enabled, 0, `${route}: every input disabled`);
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

// A setting that applies at the next reboot, other than the HTTPS port (which would move the
// server): the HTTP port while HTTP stays disabled, or any other reboot setting.
async function rebootSetting() {
  const sections = (await api.get('settings')).body.sections.map((s) => s.name);
  const all = [];
  for (const name of sections) all.push(...(await api.get(`settings/${name}`)).body.settings);
  const candidates = all.filter((s) => s.applies === 'reboot' && s.key !== 'network.https_port');
  return candidates.find((s) => s.key === 'network.http_port') || candidates.find((s) => s.type === 'integer') || candidates[0];
}

test('a reboot setting stays pending after "later" and applies at the reboot', async () => {
  const setting = await rebootSetting();
  assert.ok(setting, 'the schema has a setting that applies at reboot');
  assert.equal(setting.key, 'network.http_port', 'the test changes the HTTP port (HTTP stays disabled)');
  const port = String(await freePort(6000, 9999));
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  const route = `settings/${setting.key.split('.')[0]}`;
  await page.goto(`${sim.url}/#/${route}`);
  await page.waitForSelector(input(setting.key));
  await page.fill(input(setting.key), port);
  await page.click('[data-testid=settings-save]');
  await page.waitForSelector('[data-testid=reboot-later]');
  assert.match(await page.textContent('[data-testid=modal]'), /Reboot now or later\?/);
  await page.click('[data-testid=reboot-later]');

  await page.waitForSelector(`[data-testid="pending-${setting.key}"]`);
  await page.waitForSelector('[data-testid=pending-banner]:not([hidden])');
  assert.match(await page.textContent('[data-testid=pending-banner]'), new RegExp(setting.key.replace('.', '\\.')));
  assert.deepEqual((await api.get('pending-reboot')).body.keys, [setting.key]);
  await page.reload();
  await page.waitForSelector(`[data-testid="pending-${setting.key}"]`);

  await page.click('[data-testid=pending-reboot-now]');
  await page.waitForSelector('[data-testid=rebooting]');
  await page.waitForSelector('[data-testid=rebooting]', { state: 'detached', timeout: 120000 });
  if (await page.isVisible('[data-testid=login-form]')) {
    await login(page, sim.url, 'admin', 'admin');
  }
  await page.goto(`${sim.url}/#/${route}`);
  await page.waitForSelector(input(setting.key));
  assert.equal(await page.inputValue(input(setting.key)), port);
  assert.equal(await page.locator(`[data-testid="pending-${setting.key}"]`).count(), 0, 'no longer pending');
  await eventually(() => page.isHidden('[data-testid=pending-banner]'), { what: 'the pending banner gone' });
  const after = await apiClient(sim.url);  // the reboot may have ended the old sessions
  assert.deepEqual((await after.get('pending-reboot')).body.keys, []);
  await after.dispose();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the SNMP tab (7.9): its three settings, a short community refused at its field, the MIB File Download', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/snmp`);
  for (const key of ['snmp.enable', 'snmp.port', 'snmp.community']) await page.waitForSelector(field(key));
  assert.equal(await page.inputValue(input('snmp.community')), 'public');
  await page.fill(input('snmp.community'), 'short');
  await page.click('[data-testid=settings-save]');
  const error = page.locator('[data-testid="error-snmp.community"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /Read Only Community/);
  const client = await apiClient(sim.url);  // a new session: the test before rebooted the module
  const snmp = (await client.get('settings/snmp')).body.settings;
  assert.equal(snmp.find((s) => s.key === 'snmp.community').value, 'public', 'nothing saved');
  await client.dispose();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=snmp-mib-download]')]);
  assert.equal(download.suggestedFilename(), 'ACUREV2100-WEB2-MIB.txt');
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(await download.path(), 'utf8');
  assert.match(text, /^-- ACUREV2100-WEB2-MIB/);
  assert.ok(text.includes('acurevVaV OBJECT-TYPE') && text.trimEnd().endsWith('END'));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
