// Trend Log and Trendlog Management (web manual 6.4.1, 6.4.5) over the trend database
// (docs/api.md "Trend log", "Trendlog management"). Times are the API's UTC seconds, shown in UTC.
import { h, replace } from '../dom.js';
import { get, post, del } from '../api.js';
import { number } from '../format.js';
import { confirmAction } from '../modal.js';
import { trendChart, chartData } from '../trend-chart.js';

const KINDS = [['realtime', 'Real-Time'], ['energy', 'Energy']];
const FRAMES = [
  ['last_10_minutes', 'Last 10 minutes'], ['last_1_hour', 'Last 1 Hour'], ['today', 'Today'], ['yesterday', 'Yesterday'],
  ['last_7_days', 'Last 7 days'], ['last_30_days', 'Last 30 days'], ['this_month', 'This Month'], ['last_month', 'Last Month'],
  ['last_year', 'Last Year'], ['custom', 'Custom Range'],
];
const INTERVALS = { 15: '15 seconds', 60: '1 minute', 900: '15 minutes', 3600: '1 hour', 86400: '1 day', 2592000: '1 month' };
const FILE_INTERVALS = [60, 900, 3600, 86400];
const DAY = 86400;

const intervalLabel = (s) => INTERVALS[s] || `${s} s`;
const kindLabel = (kind) => KINDS.find(([k]) => k === kind)[1];
// "YYYY-MM-DD HH:MM:SS" (UTC) of UTC seconds.
const utcText = (t) => new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ');
// datetime-local and date input values, read as UTC.
const inputSeconds = (value) => Math.floor(Date.parse(`${value}${value.length === 10 ? 'T00:00' : ''}Z`) / 1000);
const inputValue = (t, date) => new Date(t * 1000).toISOString().slice(0, date ? 10 : 16);

function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

const field = (label, control) => h('label', { class: 'trend-field' }, h('span', {}, label), control);
const options = (list, chosen) => list.map(([value, label]) => h('option', { value, selected: String(value) === String(chosen) }, label));
const keyOption = (k) => [k.key, k.unit ? `${k.name} (${k.unit})` : k.name];

// GET /api/v1/trend: the keys of each kind with the stored range, and each kind's frames.
const trendInfo = () => get('trend');

// ---- Trend Log (6.4.1)

// The last choices, kept when the page is left.
const choice = {
  kind: 'realtime',
  realtime: { key: 'Va_V', frame: 'last_10_minutes', interval: null },
  energy: { key: 'EP_IMP_kWh', frame: 'last_10_minutes', interval: null },
  start: '',
  end: '',
  review: false,
};

// The table and the CSV of the shown points: one row per interval, null (a gap) as "-" or empty.
function tableOf(kind, reply) {
  const key = reply.key;
  const head = kind === 'realtime'
    ? ['time (UTC)', `${key} average`, `${key} minimum`, `${key} maximum`]
    : ['time (UTC)', `${key} delta`];
  const [t, ...columns] = chartData(kind, reply);
  return { head, rows: t.map((ts, i) => [utcText(ts), ...columns.map((c) => c[i])]) };
}

const csvOf = ({ head, rows }) => [head, ...rows.map(([time, ...values]) => [time, ...values.map((v) => (v == null ? '' : String(v)))])]
  .map((cells) => cells.join(',')).join('\r\n') + '\r\n';

export function trendLog(view, ctx) {
  const errorBox = h('p', { class: 'error', 'data-testid': 'page-error', hidden: true });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const controls = h('div', { class: 'trend-controls' });
  const chartBox = h('div', { class: 'chart trend-chart', 'data-testid': 'trend-chart' });
  const reviewBox = h('div', { class: 'table-wrap trend-review', 'data-testid': 'trend-review', hidden: true });
  const tool = (testid, label, onclick) => h('button', { type: 'button', class: 'small', 'data-testid': testid, disabled: true, onclick }, label);
  const resetZoom = tool('trend-reset-zoom', 'Reset Zoom', () => chart && chart.resetZoom());
  const image = tool('trend-image', 'Image', async () => chart && saveFile(await chart.image(), `${fileBase()}.png`));
  const review = tool('trend-review-toggle', 'Data Review', () => {
    choice.review = !choice.review;
    showReview();
  });
  const data = tool('trend-data', 'Data', () => shown && saveFile(new Blob([csvOf(tableOf(shown.kind, shown.reply))], { type: 'text/csv' }), `${fileBase()}.csv`));
  let info = null;
  let chart = null;
  let shown = null;  // {kind, reply} of the chart
  let asked = 0;     // the latest request: a late reply to an earlier one is dropped

  const fileBase = () => `trend-${shown.reply.key}-${utcText(shown.reply.start).replace(/[-: ]/g, '')}-${shown.reply.interval}s`;
  const setChart = (next) => {
    if (chart) chart.destroy();
    chart = next;
    [image, review, data].forEach((b) => { b.disabled = !shown; });
    resetZoom.disabled = true;
  };
  const showError = (error) => {
    errorBox.hidden = !error;
    errorBox.textContent = error ? error.message : '';
  };

  function showReview() {
    review.setAttribute('aria-pressed', String(choice.review));
    reviewBox.hidden = !choice.review || !shown;
    if (reviewBox.hidden) return;
    const { head, rows } = tableOf(shown.kind, shown.reply);
    const unit = shown.reply.unit ? ` (${shown.reply.unit})` : '';
    replace(reviewBox, h('table', { class: 'readings', 'data-testid': 'trend-table' },
      h('caption', {}, `${shown.reply.name} - ${kindLabel(shown.kind)}`),
      h('thead', {}, h('tr', {}, head.map((title, i) => h('th', { scope: 'col' }, title, i ? unit : '')))),
      h('tbody', {}, rows.length ? rows.map(([time, ...values]) => h('tr', {},
        h('td', {}, time), values.map((v) => h('td', { class: v == null ? 'num gap' : 'num' }, number(v)))))
        : h('tr', {}, h('td', { colspan: head.length, class: 'empty' }, 'No records')))));
  }

  async function refresh() {
    const kind = choice.kind;
    const c = choice[kind];
    const query = new URLSearchParams({ key: c.key, frame: c.frame, interval: String(c.interval) });
    if (c.frame === 'custom') {
      query.set('start', String(inputSeconds(choice.start)));
      query.set('end', String(inputSeconds(choice.end)));
    }
    const mine = ++asked;
    chartBox.setAttribute('aria-busy', 'true');
    try {
      const reply = await get(`trend/${kind}?${query}`);
      if (!ctx.alive() || mine !== asked) return;
      shown = { kind, reply };
      setChart(null);
      setChart(trendChart(chartBox, kind, reply, (zoomed) => {
        chartBox.dataset.zoomed = String(zoomed);
        resetZoom.disabled = !zoomed;
      }));
      chartBox.dataset.points = String((reply.points || []).filter((p) => p.count > 0).length);
      showError(null);
    } catch (error) {
      if (!ctx.alive() || mine !== asked) return;
      shown = null;  // no chart of an earlier choice under the error
      setChart(null);
      chartBox.dataset.points = '0';
      showError(error);
    }
    chartBox.dataset.kind = kind;
    chartBox.removeAttribute('aria-busy');
    showReview();
  }

  function drawControls() {
    const kind = choice.kind;
    const c = choice[kind];
    const keys = info[kind].keys || [];
    if (!keys.some((k) => k.key === c.key) && keys.length) c.key = keys[0].key;
    const frames = info.frames[kind] || {};
    const frameList = FRAMES.filter(([f]) => f in frames).concat(Object.keys(frames).filter((f) => !FRAMES.some(([k]) => k === f)).map((f) => [f, f]));
    if (!(c.frame in frames) && frameList.length) c.frame = frameList[0][0];
    const intervals = frames[c.frame] || [];
    if (!intervals.includes(c.interval)) c.interval = intervals[0];
    if (c.frame === 'custom' && !(choice.start && choice.end)) {
      const last = info[kind].last || Math.floor(Date.now() / 1000);
      choice.end = inputValue(last + 60);
      choice.start = inputValue(last - DAY);
    }
    const changed = (apply) => (event) => {
      apply(event.target.value);
      drawControls();
      const again = controls.querySelector(`[data-testid=${event.target.dataset.testid}]`);
      if (again) again.focus();  // the redrawn control keeps the keyboard
      refresh();
    };
    replace(tabs, KINDS.map(([k, label]) => h('button', {
      type: 'button', role: 'tab', class: 'tab', 'aria-selected': String(k === kind), 'data-testid': `trend-tab-${k}`,
      onclick: () => {
        if (choice.kind === k) return;
        choice.kind = k;
        drawControls();
        refresh();
      },
    }, label)));
    replace(controls,
      field('Parameter', h('select', { 'data-testid': 'trend-key', onchange: changed((v) => { c.key = v; }) }, options(keys.map(keyOption), c.key))),
      field('Time Frame', h('select', { 'data-testid': 'trend-frame', onchange: changed((v) => { c.frame = v; }) }, options(frameList, c.frame))),
      field('Interval', h('select', { 'data-testid': 'trend-interval', onchange: changed((v) => { c.interval = Number(v); }) },
        options(intervals.map((s) => [s, intervalLabel(s)]), c.interval))),
      c.frame === 'custom' ? [
        field('Start (UTC)', h('input', { type: 'datetime-local', 'data-testid': 'trend-start', value: choice.start, onchange: changed((v) => { choice.start = v; }) })),
        field('End (UTC)', h('input', { type: 'datetime-local', 'data-testid': 'trend-end', value: choice.end, onchange: changed((v) => { choice.end = v; }) })),
      ] : null);
  }

  replace(view,
    h('h1', {}, 'Trend Log'),
    tabs, controls, errorBox,
    h('div', { class: 'chart-tools' },
      h('p', { class: 'hint', 'data-testid': 'trend-hint' }, 'Hint: Drag mouse on chart to zoom in selected area. Times are UTC.'),
      resetZoom, image, review, data),
    chartBox, reviewBox);
  ctx.onLeave(() => setChart(null));
  trendInfo().then((reply) => {
    if (!ctx.alive()) return;
    info = reply;
    drawControls();
    refresh();
  }, showError);
}

// ---- Trendlog Management (6.4.5)

const rangeText = (part) => (part && part.first != null && part.last != null
  ? `${utcText(part.first).slice(0, 16)} - ${utcText(part.last).slice(0, 16)} UTC` : 'no data');

export function trendManagement(view, ctx) {
  const admin = ctx.session.level === 'admin';
  const message = h('p', { class: 'message', 'data-testid': 'trend-file-message', role: 'status' });
  const form = h('form', { class: 'settings trend-file', 'data-testid': 'trend-file-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); generate(); } });
  const fileBox = h('div', { class: 'trend-file-info', 'data-testid': 'trend-file' });
  let info = null;
  let kind = 'realtime';
  let selected = [];
  const say = (text, isError) => {
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
  };
  const control = (testid, tag, attrs, ...children) => h(tag, { 'data-testid': testid, id: testid, disabled: !admin, ...attrs }, ...children);
  const row = (label, id, ...children) => h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, label), h('div', { class: 'control' }, children));

  const kindSelect = control('trend-file-kind', 'select', { onchange: () => { kind = kindSelect.value; selected = []; drawForm(); } });
  const interval = control('trend-file-interval', 'select', {}, options(FILE_INTERVALS.map((s) => [s, intervalLabel(s)]), 60));
  const start = control('trend-file-start', 'input', { type: 'date' });
  const end = control('trend-file-end', 'input', { type: 'date' });
  const available = control('trend-file-available', 'select', { multiple: true, size: 10, ondblclick: () => move(true) });
  const chosen = control('trend-file-selected', 'select', { multiple: true, size: 10, ondblclick: () => move(false) });
  const generateButton = control('trend-file-generate', 'button', { type: 'submit', class: 'primary' }, 'Generate File');

  function move(add) {
    const picked = [...(add ? available : chosen).selectedOptions].map((o) => o.value);
    selected = add ? selected.concat(picked) : selected.filter((k) => !picked.includes(k));
    drawLists();
  }

  function drawLists() {
    const keys = info[kind].keys || [];
    replace(available, options(keys.filter((k) => !selected.includes(k.key)).map(keyOption)));
    replace(chosen, options(selected.map((key) => keyOption(keys.find((k) => k.key === key)))));
  }

  function drawForm() {
    replace(kindSelect, options(KINDS.map(([k, label]) => [k, `${label} (${rangeText(info[k])})`]), kind));
    const today = inputValue(Date.now() / 1000, true);
    start.value = info[kind].first != null ? inputValue(info[kind].first, true) : today;
    end.value = info[kind].last != null ? inputValue(info[kind].last, true) : today;
    drawLists();
  }

  function drawFile(file) {
    const note = 'Generating new file will delete current file';
    replace(fileBox, file ? [
      h('p', { 'data-testid': 'trend-file-status' }, `Trend log file is ready. (${note})`),
      h('p', {}, 'Filename: ',
        h('a', { href: '/api/v1/trend/file/download', download: file.name, 'data-testid': 'trend-file-name' }, file.name), ' ',
        h('button', { type: 'button', class: 'small icon', 'data-testid': 'trend-file-delete', 'aria-label': 'Delete file', title: 'Delete file', disabled: !admin, onclick: () => remove(file) }, '\u00d7')),
      h('p', { class: 'hint', 'data-testid': 'trend-file-size' }, `Note: File size is ${(file.size / 1024).toFixed(2)} KB, delete file to free up disk space.`),
    ] : h('p', { 'data-testid': 'trend-file-status' }, `No trend log file. (${note})`));
  }

  const loadFile = () => get('trend/file').catch((error) => {
    if (error.status === 404) return null;
    throw error;
  }).then(drawFile);
  const load = () => Promise.all([trendInfo().then((reply) => { info = reply; drawForm(); }), loadFile()]);

  async function generate() {
    const body = { kind, keys: selected, interval: Number(interval.value), start: inputSeconds(start.value), end: inputSeconds(end.value) + DAY };
    if (!body.keys.length) return say('Select at least one parameter.', true);
    if (!start.value || !end.value || body.end <= body.start) return say('The End Time must not be before the Start Time.', true);
    say('Generating the file...');
    generateButton.disabled = true;
    try {
      drawFile(await post('trend/file', body));
      say('The trend log file was generated.');
    } catch (error) {
      say(error.message, true);
    } finally {
      generateButton.disabled = false;
    }
    return undefined;
  }

  async function remove(file) {
    if (!await confirmAction('Delete File', `Delete ${file.name}?`, 'Delete')) return;
    try {
      await del('trend/file');
      drawFile(null);
      say('The trend log file was deleted.');
    } catch (error) {
      say(error.message, true);
    }
  }

  async function clearLogs() {
    const warning = ['All trend log data and unsaved local data log records will be deleted.', 'This action is irreversible.'];
    if (!await confirmAction('Clear Warning', warning, 'Clear Logs')) return;
    try {
      await post('trend/clear');
      selected = [];
      await load();
      say('The trend logs were cleared.');
    } catch (error) {
      say(error.message, true);
    }
  }

  replace(form,
    h('fieldset', { class: 'section' },
      h('legend', {}, 'Log Param'),
      row('Log Parameter Type*', 'trend-file-kind', kindSelect),
      h('p', { class: 'hint' }, 'NOTE: Energy data will remain in meter data base for up to years, whereas all other metering data will remain in the meter data base for up to 1 month before overriding.'),
      h('div', { class: 'key-lists' },
        h('label', { class: 'trend-field' }, h('span', {}, 'Not selected'), available),
        h('div', { class: 'key-moves' },
          control('trend-file-add', 'button', { type: 'button', 'aria-label': 'Select', onclick: () => move(true) }, '\u203a'),
          control('trend-file-remove', 'button', { type: 'button', 'aria-label': 'Deselect', onclick: () => move(false) }, '\u2039')),
        h('label', { class: 'trend-field' }, h('span', {}, 'Selected'), chosen)),
      row('Log Interval*', 'trend-file-interval', interval),
      row('Start Time*', 'trend-file-start', start, h('span', { class: 'unit' }, 'UTC')),
      row('End Time*', 'trend-file-end', end, h('span', { class: 'unit' }, 'UTC, the whole day'))),
    h('fieldset', { class: 'section' },
      h('legend', {}, 'Log File'),
      fileBox,
      message,
      h('div', { class: 'actions' },
        generateButton,
        control('trend-clear', 'button', { type: 'button', onclick: clearLogs }, 'Clear Logs'))));

  replace(view,
    h('h1', {}, 'Trendlog Management'),
    h('p', { class: 'hint' }, 'Download data of the trend database as a gzip-compressed CSV file (.csv.gz).'),
    admin ? null : h('p', { class: 'hint read-only' }, 'Read only: log in at the Admin level to generate or delete the file or clear the logs.'),
    form);
  load().catch((error) => say(error.message, true));
}
