// Data Log, Post Channel and AcuCloud settings (web manual 7.5-7.7) and the Data Log page (6.4.2)
// in Chromium against acurev-sim: a logger's parameters are picked by group and sent as a list; the
// manual's interval rule is shown at its field; a post channel shows only its method's fields; the
// Test buttons report success against a loopback receiver and the failure's details against a
// closed port; the Data Log page lists the logger's files, downloads them and deletes a selection
// after a confirmation; the BACnet/IP tab (7.8) hides the BBMD fields until the Foreign Device Function is on
// and gives the EDE file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { DEFAULT_CONFIG, freePort, startSim } from './lib/sim.mjs';
import { apiClient, eventually, launch, login, newPage, screenshot } from './lib/browser.mjs';

let sim;
let browser;
let api;
let receiver;
const received = [];
let closedPort;

before(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('stored');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  closedPort = await freePort(20000, 29999);
  const settings = {
    'data_log_1.enable': true, 'data_log_1.parameters': ['Va_V', 'Vb_V'], 'data_log_1.interval': 15, 'data_log_1.local_file_length': 3600,
    'post_channel_1.enable': true, 'post_channel_1.http_url': 'http://127.0.0.1/in', 'post_channel_1.http_port': receiver.address().port,
    'post_channel_1.meter_id': 'bench-meter', 'post_channel_1.http_token': 'tok3n',
    'post_channel_2.enable': true, 'post_channel_2.http_url': 'http://127.0.0.1/in', 'post_channel_2.http_port': closedPort,
    'acucloud.enable': true,  // its default endpoint, 127.0.0.1:8099, has nothing listening here
  };
  // 240 virtual seconds per wall second: an hour's local file in 15 s.
  sim = await startSim({ config: { ...DEFAULT_CONFIG, settings }, args: ['--speed', '240', '--set', 'web.session_timeout=1440'] });
  browser = await launch();
  api = await apiClient(sim.url);
});

after(async () => {
  await api?.dispose();
  await browser?.close();
  await sim?.stop();
  receiver?.close();
});

const field = (key) => `[data-testid="setting-${key}"]`;
const input = (key) => `${field(key)} [data-input="${key}"]`;

async function settingValue(key) {
  const reply = await api.get(`settings/${key.split('.')[0]}`);
  assert.equal(reply.status, 200);
  return reply.body.settings.find((s) => s.key === key).value;
}

test('a logger\'s parameters are picked by group, the interval rule shows at its field, and the list is saved', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/datalog`);
  await page.waitForSelector('[data-testid="subtab-data_log_2"]');
  assert.equal(await page.isVisible('fieldset[data-section="data_log_2"]'), false, 'one logger at a time');
  await page.click('[data-testid="subtab-data_log_2"]');
  assert.equal(await page.isVisible('fieldset[data-section="data_log_2"]'), true);
  assert.equal(await page.isVisible('fieldset[data-section="data_log_1"]'), false);

  const params = (await api.get('datalog/parameters')).body.parameters;
  const energy = params.filter((p) => p.groups[0] === 'energy').map((p) => p.key);
  assert.ok(energy.includes('EP_IMP_kWh'));
  const boxes = `${field('data_log_2.parameters')} [data-group="energy"] input[type=checkbox]`;
  assert.equal(await page.locator(boxes).count(), energy.length, 'a box per energy parameter');
  await page.click('[data-testid="all-data_log_2.parameters-energy"]');
  assert.equal(await page.locator(`${boxes}:checked`).count(), energy.length);
  await page.check(`[data-testid="item-data_log_2.parameters-Va_V"]`);
  await page.check('#setting-data_log_2-enable-true');
  await page.selectOption(input('data_log_2.interval'), { label: '15 seconds' });
  await page.selectOption(input('data_log_2.post_file_length'), { label: '15 minutes' });

  const sent = [];
  page.on('request', (r) => { if (r.method() === 'PUT') sent.push(r.postDataJSON()); });
  await page.click('[data-testid=settings-save]');
  const error = page.locator('[data-testid="error-data_log_2.interval"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /Data Log 2 Log Interval must be at least 1 minute for energy/);
  assert.deepEqual(sent[0]['data_log_2.parameters'], ['Va_V', ...energy].sort((a, b) => params.findIndex((p) => p.key === a) - params.findIndex((p) => p.key === b)),
    'the list goes as an array of keys in the page order');
  assert.deepEqual(await settingValue('data_log_2.parameters'), [], 'nothing saved');

  await page.selectOption(input('data_log_2.interval'), { label: '1 minute' });
  await page.click('[data-testid=settings-save]');
  await page.waitForSelector('[data-testid=reboot-later]');
  await page.click('[data-testid=reboot-later]');
  assert.deepEqual((await settingValue('data_log_2.parameters')).slice().sort(), ['Va_V', ...energy].sort());
  assert.equal(await settingValue('data_log_2.interval'), 60);

  await page.click('[data-testid="subtab-data_log_2"]');
  await page.click('[data-testid="clear-data_log_2.parameters-energy"]');
  assert.equal(await page.locator(`${boxes}:checked`).count(), 0, 'Clear unticks the group');
  await screenshot(page, 'settings-datalog');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a post channel shows its method\'s fields, and Test reports success or the failure\'s details', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/post`);
  await page.waitForSelector(input('post_channel_1.method'));
  assert.equal(await page.isVisible(field('post_channel_1.http_url')), true);
  assert.equal(await page.isVisible(field('post_channel_1.ftp_url')), false);
  assert.equal(await page.isVisible(field('post_channel_1.http_token')), true, 'Default authentication: the token');
  assert.equal(await page.isVisible(field('post_channel_1.http_user')), false);
  assert.equal(await page.isVisible(field('post_channel_1.file_name')), false, 'Post Name Fixed is off');
  await page.selectOption(input('post_channel_1.method'), { label: 'FTP' });
  assert.equal(await page.isVisible(field('post_channel_1.ftp_url')), true);
  assert.equal(await page.isVisible(field('post_channel_1.http_url')), false);
  assert.equal(await page.isVisible(field('post_channel_1.sftp_url')), false);
  await page.selectOption(input('post_channel_1.method'), { label: 'HTTP/HTTPS' });
  await page.selectOption(input('post_channel_1.http_auth'), { label: 'Basic' });
  assert.equal(await page.isVisible(field('post_channel_1.http_user')), true);
  assert.equal(await page.isVisible(field('post_channel_1.http_token')), false);
  await page.check('#setting-post_channel_1-name_fixed-true');
  assert.equal(await page.isVisible(field('post_channel_1.file_name')), true);

  const before = received.length;
  await page.click('[data-testid=post-test-1]');
  const message = page.locator('[data-testid=settings-message]');
  await eventually(async () => /success/.test(await message.textContent()), { what: 'TEST Post Channel 1 succeeds' });
  assert.match(await message.textContent(), /TEST Post Channel 1: success \(200\)/);
  const got = received.slice(before);
  assert.equal(got.length, 1, 'one test post reached the receiver');
  assert.equal(got[0].headers['x-meter-id'], 'bench-meter');
  assert.equal(got[0].headers.authorization, 'Bearer tok3n');

  await page.click('[data-testid=subtab-post_channel_2]');
  await page.click('[data-testid=post-test-2]');
  await eventually(async () => /failed/.test(await message.textContent()), { what: 'TEST Post Channel 2 fails' });
  assert.match(await message.textContent(), /TEST Post Channel 2 failed: .*(connect|refused)/i);

  await page.click('[data-testid=subtab-post]');
  await page.click('[data-testid=post-clear]');
  await page.click('[data-testid=modal-confirm]');
  await eventually(async () => /cleared/.test(await message.textContent()), { what: 'the post logs cleared' });
  // The HTTPS CA upload refuses what is not a certificate and says why.
  assert.match(await page.textContent('[data-testid=post-ca-subjects]'), /none/);
  await page.setInputFiles('[data-testid=post-ca-file]', { name: 'ca.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from('not a certificate') });
  await page.click('[data-testid=post-ca-upload]');
  await eventually(async () => /Not saved/.test(await message.textContent()), { what: 'the CA refused' });
  assert.match(await message.textContent(), /Not saved: Post CA certificates: no PEM certificate/);
  assert.equal((await api.get('post/ca')).body.present, false);
  const queued = (await api.get('post')).body;
  // Channels 1-3 are empty; AcuCloud (index 0) queues again every 5 minutes of device time.
  assert.ok(queued.channels.filter((c) => c.channel !== 0).every((c) => c.queued === 0), JSON.stringify(queued));
  await screenshot(page, 'settings-post');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the AcuCloud tab tests its endpoint and says why it failed', async () => {
  assert.ok(await freePort(8099, 8099).then(() => true, () => false), 'nothing listens on 127.0.0.1:8099 here');
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/acucloud`);
  await page.waitForSelector(input('acucloud.url'));
  assert.equal(await page.inputValue(input('acucloud.url')), 'http://127.0.0.1:8099/acucloud/post');
  await page.click('[data-testid=post-test-0]');
  const message = page.locator('[data-testid=settings-message]');
  // Nothing listens at the default endpoint in this test: the failure comes with curl's words.
  await eventually(async () => /TEST AcuCloud failed/.test(await message.textContent()), { what: 'TEST AcuCloud answers' });
  assert.match(await message.textContent(), /TEST AcuCloud failed: .*(connect|refused)/i);
  await page.context().close();
});

test('the Data Log page lists a logger\'s files, downloads one and deletes a selection after a confirmation', async () => {
  await eventually(async () => {
    const r = (await api.get('datalog')).body;
    return r.loggers[1].files.length >= 2;
  }, { timeoutMs: 60000, what: 'two hourly files of logger 1' });
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/logs/datalog`);
  await page.waitForSelector('[data-testid=datalog-table] tr[data-file]');
  const listed = (await api.get('datalog')).body.loggers[1].files;
  const rows = await page.locator('[data-testid=datalog-table] tr[data-file]').evaluateAll((trs) => trs.map((tr) => tr.dataset.file));
  for (const name of rows) assert.ok(listed.some((f) => f.name === name), `${name} is one of the API's files`);
  assert.ok(rows.length >= 2);
  const oldest = rows[rows.length - 1];
  assert.match(oldest, /^EHM26110001-W-logger1-\d{4}-\d\d-\d\dT\d\d-00-00\+0000-15sec-backup\.csv\.gz$/);

  const file = listed.find((f) => f.name === oldest);
  const updated = new Date(file.updated * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
  assert.equal(await page.textContent(`[data-testid="datalog-updated-${oldest}"]`), `${updated} +00:00`, 'the device time of the last row');
  const href = await page.getAttribute(`[data-testid="datalog-download-${oldest}"]`, 'href');
  const download = await page.request.get(`${sim.url}${href}`);
  assert.equal(download.status(), 200);
  const csv = zlib.gunzipSync(await download.body()).toString().split('\n').filter(Boolean);
  assert.equal(csv[0], 'Time,Va_V,Vb_V');
  const times = csv.slice(1).map((line) => Date.parse(`${line.split(',')[0].replace(' ', 'T')}Z`));
  assert.ok(times.length >= 239 && times.length <= 240, `an hour of 15 s rows, got ${times.length}`);
  times.slice(1).forEach((t, i) => assert.equal(t - times[i], 15000, 'a row every 15 s'));

  await page.check(`[data-testid="datalog-check-${oldest}"]`);
  await page.click('[data-testid=datalog-delete]');
  await page.waitForSelector('[data-testid=modal]');
  assert.match(await page.textContent('[data-testid=modal]'), /permanent/);
  await page.click('[data-testid=modal-cancel]');
  assert.ok((await api.get('datalog')).body.loggers[1].files.some((f) => f.name === oldest), 'Cancel deletes nothing');

  await page.click('[data-testid=datalog-delete]');
  await page.click('[data-testid=modal-confirm]');
  await eventually(async () => /Deleted 1 file/.test(await page.textContent('[data-testid=datalog-message]')), { what: 'the delete' });
  assert.ok(!(await api.get('datalog')).body.loggers[1].files.some((f) => f.name === oldest), 'the file is gone');
  await page.waitForSelector(`[data-testid=datalog-table] tr[data-file="${oldest}"]`, { state: 'detached' });
  await screenshot(page, 'logs-datalog');

  // The Event Log page shows the module's own events beside the meter's.
  await page.goto(`${sim.url}/#/logs/events`);
  await page.waitForSelector('[data-testid=module-event-table]');
  const summary = await page.textContent('[data-testid=module-event-summary]');
  assert.match(summary, new RegExp(`Module events written: ${(await api.get('module-events')).body.written};`));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the MQTT tab generates a client id, saves it and Test MQTT says why it cannot publish', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/mqtt`);
  await page.waitForSelector(input('mqtt.client_id'));
  await page.click('[data-testid=mqtt-generate-client-id]');
  const id = await page.inputValue(input('mqtt.client_id'));
  assert.match(id, /^[A-Za-z0-9]{23}$/);
  await page.click('[data-testid=settings-save]');
  await eventually(async () => /Saved/.test(await page.textContent('[data-testid=settings-message]')), { what: 'the client id saved' });
  assert.equal(await settingValue('mqtt.client_id'), id);
  await page.click('[data-testid=mqtt-test]');
  const message = page.locator('[data-testid=settings-message]');
  await eventually(async () => /Test MQTT/.test(await message.textContent()), { what: 'Test MQTT answers' });
  assert.match(await message.textContent(), /Test MQTT: failed - MQTT is disabled/);
  assert.ok((await page.locator(`${field('mqtt.parameters')} input[type=checkbox]:checked`).count()) >= 5, 'the default selection is ticked');
  // SSL/TLS files: what is not a key is refused, and said so.
  assert.equal(await page.textContent('[data-testid=mqtt-key-subjects]'), 'none');
  await page.setInputFiles('[data-testid=mqtt-key-file]', { name: 'module.key', mimeType: 'application/x-pem-file', buffer: Buffer.from('not a key') });
  await page.click('[data-testid=mqtt-key-upload]');
  await eventually(async () => /Not saved/.test(await message.textContent()), { what: 'the key refused' });
  assert.match(await message.textContent(), /Not saved: MQTT key file: no PEM private key/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the BACnet/IP tab shows the BBMD fields with the Foreign Device Function and downloads the EDE file', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/settings/bacnet`);
  await page.waitForSelector(input('bacnet.device_instance'));
  assert.equal(await page.inputValue(input('bacnet.port')), '47808');
  assert.equal(await page.inputValue(input('bacnet.device_name')), '2100_WEB2');
  assert.equal(await page.isVisible(field('bacnet.bbmd_ip')), false, 'the BBMD belongs to the Foreign Device Function');
  await page.check('#setting-bacnet-foreign_enable-true');
  assert.equal(await page.isVisible(field('bacnet.bbmd_ip')), true);
  assert.equal(await page.isVisible(field('bacnet.ttl')), true);
  // Enabled without a BBMD address: the manual's words, nothing saved.
  await page.click('[data-testid=settings-save]');
  const error = page.locator('[data-testid="error-bacnet.bbmd_ip"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /BBMD IP must be ip address/);
  assert.equal(await settingValue('bacnet.foreign_enable'), false);
  const href = await page.getAttribute('[data-testid=bacnet-ede]', 'href');
  const download = await page.request.get(`${sim.url}${href}`);
  assert.equal(download.status(), 200);
  assert.match(download.headers()['content-disposition'], /filename="AcuRev2100-EHM\w+-W-EDE\.csv"/);
  const text = await download.text();
  assert.match(text, /^#Engineering-Data-Exchange - B\.I\.G\.-EU\n/);
  assert.match(text, /\nVa_V;100;AcuRev2100-Va_V;0;\d+;Phase A Line-to-Neutral Voltage;/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
