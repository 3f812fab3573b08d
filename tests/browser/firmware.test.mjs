// Firmware (web manual 10.1, manual update) in Chromium against acurev-sim with a factory key made
// here by acurev-pkg: a package signed by another key is refused with the reason on the page; a good
// one uploads with its progress, shows "Firmware file is ready for processing" with its version, and
// Process reboots the module into it (the page reconnects; the running version is the package's).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, DEFAULT_CONFIG, startSim } from './lib/sim.mjs';
import { eventually, launch, login, newPage, screenshot } from './lib/browser.mjs';

let sim;
let browser;
let dir;

const pkg = (...args) => execFileSync(path.join(BIN, 'acurev-pkg'), args, { encoding: 'utf8' });

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'acurev-firmware-'));
  pkg('keygen', path.join(dir, 'keys'));
  pkg('keygen', path.join(dir, 'other'));
  await writeFile(path.join(dir, 'image.bin'), Buffer.alloc(200000, 7));
  for (const [name, key] of [['good', 'keys'], ['bad', 'other']])
    pkg('build', '--key', path.join(dir, key, 'signing.key'), '--version', '9.9.9', '--notes', 'Browser test build',
      '--payload', path.join(dir, 'image.bin'), '--out', path.join(dir, `${name}.a2up`));
  sim = await startSim({ config: { ...DEFAULT_CONFIG, update: { public_key: path.join(dir, 'keys', 'signing.pub') } } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test('a package is refused with its reason, a good one is ready for processing and Process reboots into it', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/management/firmware`);
  await eventually(async () => /Running Version0\.1\.0/.test(await page.textContent('[data-testid=firmware-running]')), { what: 'the running version' });
  const message = page.locator('[data-testid=firmware-message]');
  await page.setInputFiles('[data-testid=firmware-file]', { name: 'bad.a2up', mimeType: 'application/octet-stream', buffer: await readFile(path.join(dir, 'bad.a2up')) });
  await page.click('[data-testid=firmware-upload]');
  await eventually(async () => /refused/.test(await message.textContent()), { what: 'the refusal' });
  assert.match(await message.textContent(), /firmware package refused: the signature does not verify with this key/);
  assert.equal(await page.isVisible('[data-testid=firmware-ready]'), false);

  await page.setInputFiles('[data-testid=firmware-file]', { name: 'good.a2up', mimeType: 'application/octet-stream', buffer: await readFile(path.join(dir, 'good.a2up')) });
  await page.click('[data-testid=firmware-upload]');
  await page.waitForSelector('[data-testid=firmware-ready-message]');
  assert.equal(await page.textContent('[data-testid=firmware-ready-message]'), 'Firmware file is ready for processing');
  assert.match(await page.textContent('[data-testid=firmware-ready]'), /Version 9\.9\.9, for AcuRev 2100-WEB2\. Browser test build/);
  await screenshot(page, 'firmware-ready');
  await page.click('[data-testid=firmware-process]');
  await page.click('[data-testid=modal-confirm]');
  await page.waitForSelector('[data-testid=rebooting]');
  // The module comes back without our session: the login page says why.
  await page.waitForSelector('[data-testid=login-notice]', { timeout: 120000 });
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/management/firmware`);
  await eventually(async () => /Running Version9\.9\.9/.test(await page.textContent('[data-testid=firmware-running]')), { what: 'the new version running' });
  await eventually(async () => {
    await page.reload();
    await page.waitForSelector('[data-testid=firmware-running] dd');
    return /Slotb(?! \(on trial\))/.test(await page.textContent('[data-testid=firmware-running]'));
  }, { what: 'the trial confirmed', timeoutMs: 60000 });
  assert.deepEqual(page.problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to load resource|net::ERR/.test(p)), []);
  await page.context().close();
});
