// The Installation Record (web manual 6.5.2): an Admin edits and saves it, and it downloads as a
// PDF that holds the meter's serial number and what was entered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSim } from './lib/sim.mjs';
import { apiClient, launch, login, newPage } from './lib/browser.mjs';

let sim;
let browser;
let tmp;

before(async () => {
  sim = await startSim();
  browser = await launch();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'acurev-record-'));
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('Admin edits the record; it downloads as a PDF with the serial number', async () => {
  const api = await apiClient(sim.url, 'user', 'view');
  const serial = (await api.get('device')).body.meter.serial_number;
  await api.dispose();
  assert.ok(serial, 'GET /api/v1/device gives the meter serial number');

  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/about/installation-record`);
  await page.click('[data-testid=record-edit]');
  await page.fill('#record-client-client', 'Browser Test Client');
  await page.fill('#record-installation-installer_name', 'Technician B');
  await page.selectOption('[data-channel="1"][data-field="phase"]', 'A');
  await page.click('[data-testid=record-save]');
  await page.waitForSelector('[data-testid=record-edit]');
  assert.match(await page.textContent('[data-testid=record-message]'), /saved/);
  assert.match(await page.textContent('[data-testid=record-client]'), /Browser Test Client/);

  const downloading = page.waitForEvent('download');
  await page.click('[data-testid=record-download]');
  const download = await downloading;
  const file = path.join(tmp, 'record.pdf');
  await download.saveAs(file);
  const bytes = await readFile(file);
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-', 'the download is a PDF');
  const { stdout } = await promisify(execFile)('pdftotext', ['-layout', file, '-']);
  assert.ok(stdout.includes(serial), `the PDF text holds the serial number ${serial}`);
  assert.ok(stdout.includes('Browser Test Client'), 'the PDF text holds the client entered');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a User reads the record but has no Edit', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'user', 'view');
  await page.goto(`${sim.url}/#/about/installation-record`);
  await page.waitForSelector('[data-testid=record-download]');
  assert.equal(await page.locator('[data-testid=record-edit]').count(), 0);
  await page.context().close();
});
