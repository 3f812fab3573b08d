// Config Management (web manual 11) in Chromium against acurev-sim: Backup with a description puts a
// row in the List of Local Configurations, Detail shows the model, serial number, time created,
// firmware version and description; importing that same file is refused with the manual's message;
// Delete empties the list ("No Data").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_CONFIG, startSim } from './lib/sim.mjs';
import { eventually, launch, login, newPage, screenshot } from './lib/browser.mjs';

let sim;
let browser;

before(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'acurev-config-'));
  await writeFile(path.join(dir, 'family.key'), randomBytes(32).toString('hex'));
  sim = await startSim({ config: { ...DEFAULT_CONFIG, update: { family_key: path.join(dir, 'family.key') } } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('backup, detail, a duplicate import refused, delete', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/management/config`);
  await page.waitForSelector('[data-testid=config-list] >> text=No Data');
  await page.fill('[data-testid=config-description]', 'Test1');
  await page.click('[data-testid=config-backup]');
  const message = page.locator('[data-testid=config-message]');
  await eventually(async () => /Backed up as .*\.conf\.ehm/.test(await message.textContent()), { what: 'the backup' });
  await page.click('[data-testid=config-row] >> text=Detail');
  const detail = await page.textContent('[data-testid=config-detail]');
  assert.match(detail, /ModelAcuRev 2100-WEB2/);
  assert.match(detail, /DescriptionTest1/);
  assert.match(detail, /Firmware Version0\.1\.0/);
  await screenshot(page, 'config-management');

  // Export: the file the row's link downloads, fetched with the page's session.
  const name = (await page.textContent('[data-testid=config-row] td')).trim();
  const file = await page.evaluate(async (n) => (await fetch(`/api/v1/config/${encodeURIComponent(n)}/file`)).text(), name);
  assert.match(file, /"format": "acurev-conf-ehm"/);
  await page.setInputFiles('[data-testid=config-file]', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(file) });
  await page.click('[data-testid=config-import]');
  await eventually(async () => /already exists/.test(await message.textContent()), { what: 'the refusal' });
  assert.equal(await message.textContent(), 'Cannot import a file that already exists in the List of Local Configurations');

  await page.click('[data-testid=config-row] >> text=Delete');
  await page.click('[data-testid=modal-confirm]');
  await page.waitForSelector('[data-testid=config-list] >> text=No Data');
});
