// Debian's Chromium driven by playwright-core, and the steps every test file shares.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, request } from 'playwright-core';

const BUILD = fileURLToPath(new URL('../../../build', import.meta.url));
export const SCREENSHOTS = path.join(process.env.ACUREV_BUILD_DIR || BUILD, 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

// viewport: a desktop by default; { width: 390, height: 844 } for a phone.
export async function newPage(browser, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport, reducedMotion: 'reduce', acceptDownloads: true });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A 401 of GET /api/v1/session before logging in is expected; a CSP violation never is.
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) page.problems.push(message.text());
  });
  return page;
}

export async function login(page, url, level, password) {
  await page.goto(`${url}/`);
  await page.waitForSelector('[data-testid=login-form]');
  await page.check(`[data-testid=level-${level}]`);
  await page.fill('[data-testid=password]', password);
  await page.click('[data-testid=sign-in]');
  await page.waitForSelector('[data-testid=topbar]:not([hidden])');
}

export async function openPage(page, url, route, readySelector) {
  await page.goto(`${url}/#/${route}`);
  if (readySelector) await page.waitForSelector(readySelector);
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));  // a full-page shot of a scrolled page draws the sticky top bar mid-page
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// The number a reading cell shows ("10.002" -> 10.002).
export async function cellNumber(page, selector) {
  const text = await page.textContent(selector, { timeout: 2000 });
  return Number(text.replace(/[^0-9.+-]/g, ''));
}

// Polls fn until it returns a truthy value; the last error or value goes in the message.
export async function eventually(fn, { timeoutMs = 20000, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} did not hold within ${timeoutMs / 1000} s (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

// A bearer-token API client for checks outside the page (docs/api.md).
export async function apiClient(url, level = 'admin', password = level === 'admin' ? 'admin' : 'view') {
  const anonymous = await request.newContext({ baseURL: `${url}/api/v1/`, ignoreHTTPSErrors: true });
  const login = await anonymous.post('session', { data: { level, password } });
  if (!login.ok()) throw new Error(`login as ${level} answered ${login.status()}: ${await login.text()}`);
  const { token } = await login.json();
  await anonymous.dispose();
  const context = await request.newContext({
    baseURL: `${url}/api/v1/`, ignoreHTTPSErrors: true, extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  const call = async (method, p, data) => {
    const reply = await context.fetch(p, { method, data });
    const text = await reply.text();
    return { status: reply.status(), body: text ? JSON.parse(text) : null };
  };
  return {
    get: (p) => call('GET', p),
    put: (p, body) => call('PUT', p, body),
    post: (p, body) => call('POST', p, body || {}),
    dispose: () => context.dispose(),
  };
}
