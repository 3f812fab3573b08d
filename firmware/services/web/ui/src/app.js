// The AcuRev 2100 WEB2 module's pages (web manual chapter 6, 8.1-8.3): one page per hash route,
// over the JSON API of docs/api.md.
import { h, replace } from './dom.js';
import { get, post, del, setCsrf, onUnauthorized } from './api.js';
import { ask } from './modal.js';
import { login } from './pages/login.js';
import { dashboard, basicMetering, demand, energy } from './pages/metering.js';
import { harmonics } from './pages/harmonics.js';
import { io } from './pages/io.js';
import { alarmLog, eventLog } from './pages/logs.js';
import { trendLog, trendManagement } from './pages/trend.js';
import { dataLog } from './pages/datalog.js';
import { information, installationRecord } from './pages/about.js';
import { SETTINGS_TABS, sectionLabels, settingsPage, forgetSections } from './pages/settings.js';
import { management, services } from './pages/management.js';
import { firmware } from './pages/firmware.js';
import { configManagement } from './pages/config.js';

const MENU = [
  { label: 'Dashboard', pages: [{ route: 'dashboard', label: 'Dashboard', render: dashboard }] },
  {
    label: 'Metering',
    pages: [
      { route: 'metering/basic', label: 'Basic Metering', render: basicMetering },
      { route: 'metering/demand', label: 'Demand', render: demand },
      { route: 'metering/energy', label: 'Energy', render: energy },
      { route: 'metering/harmonics', label: 'Harmonics', render: harmonics },
      { route: 'metering/io', label: 'I/O', render: io },
    ],
  },
  {
    label: 'Logs',
    pages: [
      { route: 'logs/trend', label: 'Trend Log', render: trendLog },
      { route: 'logs/trend-management', label: 'Trendlog Management', render: trendManagement },
      { route: 'logs/datalog', label: 'Data Log', render: dataLog },
      { route: 'logs/alarms', label: 'Alarm Log', render: alarmLog },
      { route: 'logs/events', label: 'Event Log', render: eventLog },
    ],
  },
  {
    label: 'About',
    pages: [
      { route: 'about/information', label: 'Information', render: information },
      { route: 'about/installation-record', label: 'Installation Record', render: installationRecord },
    ],
  },
  {
    label: 'Settings',
    pages: SETTINGS_TABS.map((tab) => ({ route: `settings/${tab.route}`, label: tab.label, render: settingsPage(tab), tab })),
  },
  {
    label: 'Management',
    pages: [
      { route: 'management', label: 'Management', render: management },
      { route: 'management/services', label: 'Services', render: services },
      { route: 'management/firmware', label: 'Firmware', render: firmware },  // web manual 10
      { route: 'management/config', label: 'Config Management', render: configManagement },  // web manual 11
    ],
  },
];

const PAGES = MENU.flatMap((group) => group.pages);
const HOME = 'dashboard';

const $ = (id) => document.getElementById(id);

let session = null;      // {level, csrf, default_password, ...} while logged in
let current = null;      // the shown page's lifetime: timers and leave hooks
let loginNotice = null;  // why the login page is shown (session ended, module rebooted)

function routeOfHash() {
  return decodeURIComponent(window.location.hash.replace(/^#\/?/, '')) || HOME;
}

function navigate(route) {
  if (routeOfHash() === route) show();
  else window.location.hash = `#/${route}`;
}

// ---- the shown page: its polling stops and its late replies are dropped when it is left.

function leave() {
  if (!current) return;
  current.alive = false;
  current.timers.forEach(clearTimeout);
  current.leaves.forEach((fn) => fn());
  current = null;
}

function pageContext() {
  const life = { alive: true, timers: [], leaves: [] };
  current = life;
  return {
    session,
    alive: () => life.alive,
    // fn now, then every ms after each run has finished (never two requests of a page at once).
    every(ms, fn) {
      const tick = async () => {
        if (!life.alive) return;
        try {
          await fn();
        } catch (e) {
          // the page shows its own errors
        }
        if (life.alive) life.timers.push(setTimeout(tick, ms));
      };
      tick();
    },
    onLeave: (fn) => life.leaves.push(fn),
    navigate,
    refreshPending,
    reboot: rebootModule,
  };
}

function show() {
  leave();
  closeMenu();
  const view = $('view');
  const route = routeOfHash();
  if (!session) {
    setChrome(false);
    const ctx = pageContext();
    ctx.login = signIn;
    ctx.notice = loginNotice;
    login(view, ctx);
    document.title = 'Sign In - AcuRev 2100';
    return;
  }
  if (route === 'login') {
    navigate(HOME);
    return;
  }
  const page = PAGES.find((p) => p.route === route) || PAGES.find((p) => p.route === HOME);
  setChrome(true);
  markActive(page.route);
  document.title = `${page.label} - AcuRev 2100`;
  view.dataset.page = page.route;
  page.render(view, pageContext());
  refreshPending();
}

// ---- the top bar, the menu and the banners

function buildMenu(labels) {
  const hasTab = (page) => !page.tab || page.tab.sections.some((s) => s in labels);
  replace($('nav'), MENU.map((group) => {
    const pages = group.pages.filter(hasTab);
    if (!pages.length) return null;
    const link = (page) => h('a', { href: `#/${page.route}`, 'data-route': page.route, 'data-testid': `nav-${page.route}` }, page.label);
    if (pages.length === 1 && pages[0].label === group.label) return h('div', { class: 'nav-group' }, link(pages[0]));
    return h('div', { class: 'nav-group' }, h('span', { class: 'nav-group-label' }, group.label), pages.map(link));
  }));
}

function markActive(route) {
  $('nav').querySelectorAll('a').forEach((a) => {
    const active = a.dataset.route === route;
    a.classList.toggle('active', active);
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
}

function setChrome(loggedIn) {
  $('topbar').hidden = !loggedIn;
  $('nav').hidden = !loggedIn;
  document.body.classList.toggle('logged-in', loggedIn);
  if (!loggedIn) {
    $('default-password-banner').hidden = true;
    $('pending-banner').hidden = true;
    return;
  }
  $('level').textContent = session.level === 'admin' ? 'Admin' : 'User';
  $('default-password-banner').hidden = !session.default_password;
}

function closeMenu() {
  document.body.classList.remove('menu-open');
  $('menu-toggle').setAttribute('aria-expanded', 'false');
}

function refreshPending() {
  if (!session) return;
  get('pending-reboot').then((reply) => {
    const keys = (reply && reply.keys) || [];
    const banner = $('pending-banner');
    banner.hidden = keys.length === 0 || !session;
    replace(banner,
      h('span', { 'data-testid': 'pending-keys' }, `Settings pending a reboot: ${keys.join(', ')}.`),
      session && session.level === 'admin' ? h('button', { type: 'button', class: 'small', 'data-testid': 'pending-reboot-now', onclick: () => rebootModule() }, 'Reboot now') : null);
  }, () => {});
}

// ---- session (docs/api.md "Access"): the CSRF token lives in memory only; a reload asks
// GET /api/v1/session for it again.

function useSession(reply) {
  session = reply;
  setCsrf(reply && reply.csrf);
  loginNotice = null;
}

async function signIn(level, password) {
  const reply = await post('session', { level, password });
  useSession(reply);
  forgetSections();
  const labels = await sectionLabels().catch(() => ({}));
  buildMenu(labels);
  const route = routeOfHash();
  navigate(route === 'login' ? HOME : route);
}

function endSession(notice) {
  session = null;
  setCsrf(null);
  loginNotice = notice || null;
  show();
}

async function signOut() {
  try {
    await del('session');
  } finally {
    endSession('You have logged out.');
  }
}

async function resume() {
  try {
    useSession(await get('session'));
    buildMenu(await sectionLabels().catch(() => ({})));
  } catch (error) {
    session = null;
  }
  show();
}

// ---- reboot of the web module (web manual 8.2): settings pending a reboot apply.

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// `request` asks the module to reboot: the Reboot button's, or Process of a firmware update.
async function rebootModule(request = () => post('reboot', { target: 'module' })) {
  const overlay = h('div', { class: 'modal-overlay', 'data-testid': 'rebooting' },
    h('div', { class: 'modal' }, h('h2', {}, 'Rebooting'), h('p', {}, 'The web module is rebooting. This page reconnects when it is back.')));
  try {
    await request();
  } catch (error) {
    await ask({ title: 'Reboot', message: error.message, buttons: [{ label: 'OK', value: true, testid: 'modal-ok', primary: true }] });
    return;
  }
  document.body.append(overlay);
  await wait(3000);
  const deadline = Date.now() + 180000;
  while (Date.now() < deadline) {
    try {
      const reply = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
      if (reply.ok) {
        useSession(await reply.json());
        overlay.remove();
        forgetSections();
        buildMenu(await sectionLabels().catch(() => ({})));
        show();
        return;
      }
      if (reply.status === 401) {
        overlay.remove();
        endSession('The web module rebooted; please sign in again.');
        return;
      }
    } catch (error) {
      // down while it restarts
    }
    await wait(2000);
  }
  overlay.remove();
  endSession('The web module did not come back; reload the page.');
}

// ---- start

function start() {
  $('menu-toggle').addEventListener('click', () => {
    const open = !document.body.classList.contains('menu-open');
    document.body.classList.toggle('menu-open', open);
    $('menu-toggle').setAttribute('aria-expanded', String(open));
  });
  $('logout').addEventListener('click', signOut);
  onUnauthorized(() => {
    if (session) endSession('Your session has ended; please sign in again.');
  });
  window.addEventListener('hashchange', show);
  resume();
}

start();
