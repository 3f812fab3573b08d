// The SSL certificate upload on the Management page (web manual 6.1, docs/api.md "Certificate"):
// a key that does not match is refused with the module's reason; a good pair is served to every
// new connection; a User cannot upload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { startSim } from './lib/sim.mjs';
import { eventually, launch, login, newPage, screenshot } from './lib/browser.mjs';

let sim;
let browser;
let dir;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'acurev-cert-'));
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem',
    '-days', '30', '-subj', '/CN=uploaded', '-addext', 'subjectAltName=IP:127.0.0.1');
  openssl('genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'other-k.pem');
  sim = await startSim();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// The subject CN of the certificate a new TLS connection to the module is served.
function servedCN() {
  const { hostname, port } = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const cn = socket.getPeerCertificate().subject.CN;
      socket.end();
      resolve(cn);
    });
    socket.once('error', reject);
  });
}

async function upload(page, certificate, key) {
  await page.setInputFiles('[data-testid=certificate-file]', path.join(dir, certificate));
  await page.setInputFiles('[data-testid=private-key-file]', path.join(dir, key));
  await page.click('[data-testid=certificate-upload]');
}

test('a mismatched key is refused with the reason; the right pair is served to new connections', async () => {
  assert.notEqual(await servedCN(), 'uploaded', 'the module starts with its own certificate');
  const page = await newPage(browser);
  await login(page, sim.url, 'admin', 'admin');
  await page.goto(`${sim.url}/#/management`);
  await page.waitForSelector('[data-testid=certificate-form]');
  const message = '[data-testid=certificate-message]';

  await page.click('[data-testid=certificate-upload]');
  assert.match(await page.textContent(message), /Choose the certificate file and the private key file/);

  await upload(page, 'c.pem', 'other-k.pem');
  await eventually(async () => /does not match/.test(await page.textContent(message)), { what: 'the mismatch error' });
  assert.ok(await page.locator(message).evaluate((el) => el.classList.contains('error')));
  assert.notEqual(await servedCN(), 'uploaded', 'a refused pair is not served');
  await screenshot(page, 'management-certificate-refused');

  await upload(page, 'c.pem', 'k.pem');
  await eventually(async () => /certificate was replaced/.test(await page.textContent(message)), { what: 'the upload done' });
  assert.match(await page.textContent('[data-testid=certificate-form]'), /New connections use it/);
  assert.equal(await servedCN(), 'uploaded', 'a new connection is served the uploaded certificate');

  await page.reload();
  await page.waitForSelector('[data-testid=certificate-form]');
  const served = await page.evaluate(() => fetch('/api/v1/certificate').then((r) => r.text()));
  assert.equal(served.trim(), (await readFile(path.join(dir, 'c.pem'), 'utf8')).trim(), 'the download gives the new certificate');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a User sees the certificate upload disabled', async () => {
  const page = await newPage(browser);
  await login(page, sim.url, 'user', 'view');
  await page.goto(`${sim.url}/#/management`);
  await page.waitForSelector('[data-testid=certificate-form]');
  for (const id of ['certificate-file', 'private-key-file', 'certificate-upload']) {
    assert.ok(await page.isDisabled(`[data-testid=${id}]`), `${id} disabled`);
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
