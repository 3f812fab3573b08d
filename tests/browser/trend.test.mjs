// Trend Log and Trendlog Management (web manual 6.4.1, 6.4.5): the chart of stored points, the
// data review table and its CSV, the chart as a PNG; the trend log file (gzip CSV), its deletion,
// and Clear Logs behind its warning. The simulator runs at 10x so that the trend service (every
// 15 s of device time) has stored points within a few seconds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { startSim } from './lib/sim.mjs';
import { apiClient, eventually, launch, login, newPage, screenshot } from './lib/browser.mjs';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const WARNING = 'All trend log data and unsaved local data log records will be deleted.';

let sim;
let browser;
let api;

const stored = (reply, field) => (reply.body.points || []).filter((p) => p.count > 0 && typeof p[field] === 'number');

before(async () => {
  sim = await startSim({ args: ['--speed', '10'] });
  browser = await launch();
  api = await apiClient(sim.url);
  await eventually(async () => stored(await api.get('trend/realtime?key=Va_V&frame=last_10_minutes&interval=15'), 'average').length >= 8,
    { timeoutMs: 120000, intervalMs: 1000, what: '8 real-time points of Va_V stored' });
  await eventually(async () => stored(await api.get('trend/energy?key=EP_IMP_kWh&frame=last_1_hour&interval=60'), 'delta').length >= 3,
    { timeoutMs: 120000, intervalMs: 1000, what: '3 energy intervals of EP_IMP_kWh stored' });
});

after(async () => {
  await api?.dispose();
  await browser?.close();
  await sim?.stop();
});

// A selection change starts a query at once (aria-busy) and the chart is drawn when it answers.
async function choose(page, testid, value) {
  await page.selectOption(`[data-testid=${testid}]`, String(value));
  await page.waitForSelector('[data-testid=trend-chart]:not([aria-busy]) canvas');
}

const tableRows = (page) => page.$$eval('[data-testid=trend-table] tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));

async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

test('Trend Log: Va_V over the last 10 minutes at 15 s, its data review table, the CSV and the PNG', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/logs/trend`);
  await page.waitForSelector('[data-testid=trend-chart] canvas');
  assert.match(await page.textContent('[data-testid=trend-hint]'), /Drag mouse on chart to zoom in selected area/);
  const keys = await page.$$eval('[data-testid=trend-key] option', (os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(keys.find(([k]) => k === 'Va_V'), ['Va_V', 'Phase A Line-to-Neutral Voltage (V)']);
  const frames = await page.$$eval('[data-testid=trend-frame] option', (os) => os.map((o) => o.textContent));
  assert.deepEqual(frames, ['Last 10 minutes', 'Last 1 Hour', 'Today', 'Yesterday', 'Last 7 days', 'Last 30 days', 'Last Month', 'Custom Range']);

  await choose(page, 'trend-key', 'Va_V');
  await choose(page, 'trend-frame', 'last_10_minutes');
  assert.deepEqual(await page.$$eval('[data-testid=trend-interval] option', (os) => os.map((o) => o.textContent)), ['15 seconds', '1 minute']);
  await choose(page, 'trend-interval', 15);
  const points = Number(await page.getAttribute('[data-testid=trend-chart]', 'data-points'));
  assert.ok(points >= 8, `the chart draws ${points} points`);

  // Drag to zoom in; Reset Zoom shows the whole frame again.
  assert.ok(await page.isDisabled('[data-testid=trend-reset-zoom]'));
  const over = await page.locator('[data-testid=trend-chart] .u-over').boundingBox();
  await page.mouse.move(over.x + over.width * 0.3, over.y + over.height / 2);
  await page.mouse.down();
  await page.mouse.move(over.x + over.width * 0.7, over.y + over.height / 2, { steps: 5 });
  await page.mouse.up();
  assert.equal(await page.getAttribute('[data-testid=trend-chart]', 'data-zoomed'), 'true');
  await page.click('[data-testid=trend-reset-zoom]');
  assert.equal(await page.getAttribute('[data-testid=trend-chart]', 'data-zoomed'), 'false');
  assert.ok(await page.isDisabled('[data-testid=trend-reset-zoom]'));

  await page.click('[data-testid=trend-review-toggle]');
  const rows = await tableRows(page);
  const full = rows.filter((cells) => cells.slice(1).every((c) => c !== '-'));
  assert.equal(rows.length, 40, 'one row per 15 s of 10 minutes');
  assert.equal(full.length, points, 'a row with numbers per point drawn');
  for (const [time, average, minimum, maximum] of full) {
    assert.match(time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const [a, lo, hi] = [average, minimum, maximum].map(Number);
    assert.ok(lo <= a && a <= hi && Math.abs(a - 230) < 5, `${time}: ${minimum} <= ${average} <= ${maximum}, near 230 V`);
  }
  await screenshot(page, 'logs-trend-review');

  const png = await download(page, 'trend-image');
  assert.match(png.name, /^trend-Va_V-.*\.png$/);
  assert.deepEqual(png.bytes.subarray(0, 8), PNG, 'a PNG');
  assert.ok(png.bytes.length > 1000, 'the PNG holds a chart');

  const csv = await download(page, 'trend-data');
  assert.match(csv.name, /^trend-Va_V-.*\.csv$/);
  const [head, ...lines] = csv.bytes.toString('utf8').trim().split(/\r?\n/);
  assert.equal(head, 'time (UTC),Va_V average,Va_V minimum,Va_V maximum');
  assert.equal(lines.length, rows.length);
  lines.forEach((line, i) => {
    const [time, ...values] = line.split(',');
    assert.equal(time, rows[i][0]);
    values.forEach((v, j) => {
      const shown = rows[i][j + 1];
      if (v === '') assert.equal(shown, '-', `${time}: a gap`);
      else assert.ok(Math.abs(Number(v) - Number(shown)) <= 0.0005 + 1e-9, `${time}: ${v} shown as ${shown}`);
    });
  });

  // Custom Range: UTC date and time inputs; the 10 minutes from the first stored instant.
  const first = (await api.get('trend')).body.realtime.first;
  const local = (t) => new Date(t * 1000).toISOString().slice(0, 16);
  await page.selectOption('[data-testid=trend-frame]', 'custom');
  await page.waitForSelector('[data-testid=trend-start]');
  await page.fill('[data-testid=trend-start]', local(first - 60));
  await page.waitForSelector('[data-testid=trend-chart]:not([aria-busy]) canvas');
  await page.fill('[data-testid=trend-end]', local(first + 540));
  await choose(page, 'trend-interval', 60);
  const custom = await tableRows(page);
  assert.equal(custom.length, 10, 'ten 1-minute rows');
  assert.equal(custom[0][0], `${local(first - 60).replace('T', ' ')}:00`);
  assert.ok(custom.filter((cells) => cells[1] !== '-').length >= 2, 'with numbers');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Trend Log: Energy shows the increases (>= 0) of EP_IMP_kWh per minute', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'user', 'view');
  await page.goto(`${sim.url}/#/logs/trend`);
  await page.waitForSelector('[data-testid=trend-chart] canvas');
  await page.click('[data-testid=trend-tab-energy]');
  await page.waitForSelector('[data-testid=trend-chart][data-kind=energy]:not([aria-busy]) canvas');
  const frames = await page.$$eval('[data-testid=trend-frame] option', (os) => os.map((o) => o.textContent));
  assert.ok(frames.includes('This Month') && frames.includes('Last Year'), frames.join());
  await choose(page, 'trend-key', 'EP_IMP_kWh');
  await choose(page, 'trend-frame', 'last_1_hour');
  assert.equal(await page.inputValue('[data-testid=trend-interval]'), '60');
  if (await page.isHidden('[data-testid=trend-table]')) await page.click('[data-testid=trend-review-toggle]');
  const rows = await tableRows(page);
  assert.equal(rows.length, 60);
  const deltas = rows.map(([, d]) => d).filter((d) => d !== '-').map(Number);
  assert.ok(deltas.length >= 3, `${deltas.length} intervals with energy`);
  assert.ok(deltas.every((d) => d >= 0), deltas.join());
  assert.ok(deltas.some((d) => d > 0), 'the load draws energy');
  assert.equal(Number(await page.getAttribute('[data-testid=trend-chart]', 'data-points')), deltas.length);
  const csv = await download(page, 'trend-data');
  assert.equal(csv.bytes.toString('utf8').split(/\r?\n/)[0], 'time (UTC),EP_IMP_kWh delta');
  await screenshot(page, 'logs-trend-energy');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Trendlog Management: an Admin generates a file for Va_V, downloads it (gzip CSV) and deletes it', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/logs/trend-management`);
  await page.waitForSelector('[data-testid=trend-file-available] option[value=Va_V]');
  const info = (await api.get('trend')).body;
  const today = new Date(info.realtime.last * 1000).toISOString().slice(0, 10);
  assert.match(await page.textContent('[data-testid=trend-file-kind] option[value=realtime]'), new RegExp(`^Real-Time \\(${today} \\d\\d:\\d\\d - ${today}`));
  await page.selectOption('[data-testid=trend-file-available]', 'Va_V');
  await page.click('[data-testid=trend-file-add]');
  assert.deepEqual(await page.$$eval('[data-testid=trend-file-selected] option', (os) => os.map((o) => o.value)), ['Va_V']);
  await page.selectOption('[data-testid=trend-file-interval]', '60');
  await page.fill('[data-testid=trend-file-start]', today);
  await page.fill('[data-testid=trend-file-end]', today);
  assert.match(await page.textContent('[data-testid=trend-file-form]'), /Generating new file will delete current file/);
  await page.click('[data-testid=trend-file-generate]');
  await page.waitForSelector('[data-testid=trend-file-name]');
  const file = (await api.get('trend/file')).body;
  assert.equal(await page.textContent('[data-testid=trend-file-name]'), file.name);
  assert.match(file.name, /-1min\.csv\.gz$/);
  assert.equal(await page.textContent('[data-testid=trend-file-size]'),
    `Note: File size is ${(file.size / 1024).toFixed(2)} KB, delete file to free up disk space.`);
  await screenshot(page, 'logs-trend-management-file');

  const gz = await download(page, 'trend-file-name');
  assert.equal(gz.name, file.name);
  assert.deepEqual([...gz.bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzip');
  const [head, ...lines] = gunzipSync(gz.bytes).toString('utf8').trim().split(/\r?\n/);
  assert.match(head, /^time,.*Va_V/);
  assert.ok(lines.length > 0 && lines.length <= 1440, `${lines.length} rows: one per minute of the day at most`);
  assert.ok(lines.some((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,2\d\d\.\d+/.test(l)), 'rows with Va_V');

  await page.click('[data-testid=trend-file-delete]');
  await page.click('[data-testid=modal-confirm]');
  await eventually(async () => /No trend log file/.test(await page.textContent('[data-testid=trend-file-status]')), { what: 'the file gone from the page' });
  assert.equal((await api.get('trend/file')).status, 404);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Trendlog Management: a User sees the page read-only and may download the file', async () => {
  const made = await api.post('trend/file', { kind: 'energy', keys: ['EP_IMP_kWh'], interval: 3600, start: 1767225600, end: 1767312000 });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const page = await newPage(browser);
  await login(page, sim.url, 'user', 'view');
  await page.goto(`${sim.url}/#/logs/trend-management`);
  await page.waitForSelector('[data-testid=trend-file-name]');
  assert.equal(await page.textContent('[data-testid=trend-file-name]'), made.body.name);
  for (const testid of ['trend-file-generate', 'trend-clear', 'trend-file-delete', 'trend-file-kind', 'trend-file-available', 'trend-file-start']) {
    assert.ok(await page.isDisabled(`[data-testid=${testid}]`), `${testid} is disabled`);
  }
  const gz = await download(page, 'trend-file-name');
  assert.deepEqual([...gz.bytes.subarray(0, 2)], [0x1f, 0x8b]);
  assert.match(gunzipSync(gz.bytes).toString('utf8'), /^time,.*EP_IMP_kWh/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Trendlog Management: Clear Logs asks first; cancel keeps the data, confirm clears it', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/logs/trend-management`);
  await page.waitForSelector('[data-testid=trend-file-available] option');
  await page.click('[data-testid=trend-clear]');
  const modal = await page.textContent('[data-testid=modal]');
  assert.ok(modal.includes(WARNING) && modal.includes('This action is irreversible.'), modal);
  await page.click('[data-testid=modal-cancel]');
  assert.equal(await page.$('[data-testid=modal]'), null);
  const kept = (await api.get('trend')).body;
  assert.ok(kept.realtime.first != null && kept.realtime.first < kept.realtime.last, 'cancel keeps the data');
  assert.equal((await api.get('trend/file')).status, 200, 'and the file');

  await page.click('[data-testid=trend-clear]');
  await page.click('[data-testid=modal-confirm]');
  await eventually(async () => /cleared/.test(await page.textContent('[data-testid=trend-file-message]')), { what: 'the logs cleared' });
  // The trend service stores a new instant every 1.5 s of wall time at 10x: what is left is newer.
  const info = (await api.get('trend')).body;
  assert.ok(info.realtime.first == null || info.realtime.first > kept.realtime.last, `realtime.first ${info.realtime.first}`);
  assert.ok(info.energy.first == null || info.energy.first > kept.energy.last, `energy.first ${info.energy.first}`);
  assert.equal((await api.get('trend/file')).status, 404, 'the file went too');
  assert.match(await page.textContent('[data-testid=trend-file-status]'), /No trend log file/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
