// Basic Metering (= the Dashboard), Demand and Energy: web manual 6.2, 6.3.1-6.3.3.
import { h } from '../dom.js';
import { get } from '../api.js';
import { loadNature, readingCell } from '../format.js';
import { readingsTable } from '../tables.js';
import { groupPage, rowsPresent } from '../group-page.js';

const PHASE_HEAD = ['System Parameter', 'A', 'B', 'C', 'Total', 'Average'];

const SYSTEM_ROWS = [
  { label: 'Line-to-Neutral Voltage', unit: 'V', keys: ['Va_V', 'Vb_V', 'Vc_V', null, 'Vlnavg_V'] },
  { label: 'Line-to-Line Voltage', unit: 'V', keys: ['Vab_V', 'Vbc_V', 'Vca_V', null, 'Vllavg_V'] },
  { label: 'Current', unit: 'A', keys: ['Ia_A', 'Ib_A', 'Ic_A', null, 'Iavg_A'] },
  { label: 'Active Power', unit: 'kW', keys: ['Pa_kW', 'Pb_kW', 'Pc_kW', 'P_kW', null] },
  { label: 'Reactive Power', unit: 'kvar', keys: ['Qa_kvar', 'Qb_kvar', 'Qc_kvar', 'Q_kvar', null] },
  { label: 'Apparent Power', unit: 'kVA', keys: ['Sa_kVA', 'Sb_kVA', 'Sc_kVA', 'S_kVA', null] },
  { label: 'Power Factor', keys: ['PFa', 'PFb', 'PFc', 'PF', null] },
  { label: 'Load Nature', keys: ['LoadTypea', 'LoadTypeb', 'LoadTypec', 'LoadType', null], show: loadNature },
  { label: 'Frequency', unit: 'Hz', keys: [null, null, 'Freq_Hz', null, null] },
];

// c.code: "001" for Input Channel 1, "s1" for User Channel 1 (the WEB2 key names).
const channelRows = (c) => [
  { label: 'Current', unit: 'A', keys: [`I${c.code}_A`] },
  { label: 'Active Power', unit: 'kW', keys: [`P${c.code}_kW`] },
  { label: 'Reactive Power', unit: 'kvar', keys: [`Q${c.code}_kvar`] },
  { label: 'Apparent Power', unit: 'kVA', keys: [`S${c.code}_kVA`] },
  { label: 'Power Factor', keys: [`PF${c.code}`] },
  { label: 'Load Nature', keys: [`LoadType${c.code}`], show: loadNature },
];

function basic(view, ctx, title) {
  groupPage(view, ctx, {
    title,
    path: 'readings',
    seconds: 5,
    system: (reply) => readingsTable({
      testid: 'system-table', caption: 'System', head: PHASE_HEAD, rows: SYSTEM_ROWS, values: reply.values,
    }),
    channel: (reply, c) => readingsTable({
      testid: 'channel-table',
      caption: c.label,
      head: ['Channel Parameter', c.label],
      rows: rowsPresent(channelRows(c), reply.values),
      values: reply.values,
    }),
  });
}

// The Dashboard is the Basic Metering page (web manual 6.2) under the meter's description.
export function dashboard(view, ctx) {
  basic(view, ctx, 'Dashboard');
  get('device').then((device) => {
    const description = device && device.meter && device.meter.description;
    if (description && ctx.alive()) {
      view.querySelector('h1').after(h('p', { class: 'description', 'data-testid': 'device-description' }, description));
    }
  }, () => {});
}

export function basicMetering(view, ctx) {
  basic(view, ctx, 'Basic Metering');
}

// ---- Demand (6.3.2): Demand, Demand Peak, Demand Peak Time, Prediction per phase and total.

const DEMAND_HEAD = ['', 'Parameter', 'Demand', 'Demand Peak', 'Demand Peak Time', 'Prediction'];

const demandItems = (part) => [
  { label: 'Current Demand', unit: 'A', key: part.current },
  { label: 'Active Power Demand', unit: 'kW', key: `P${part.code}_kW` },
  { label: 'Reactive Power Demand', unit: 'kvar', key: `Q${part.code}_kvar` },
  { label: 'Apparent Power Demand', unit: 'kVA', key: `S${part.code}_kVA` },
];

const SYSTEM_DEMAND = [
  { label: 'A', code: 'a', current: 'Ia_A' },
  { label: 'B', code: 'b', current: 'Ib_A' },
  { label: 'C', code: 'c', current: 'Ic_A' },
  { label: 'Total', code: '', current: null },
];

function demandTable(testid, caption, parts, values) {
  const keyOf = (prefix, key) => (key ? prefix + key : null);
  const text = (value) => (value == null ? '-' : String(value));
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'readings demand', 'data-testid': testid },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, DEMAND_HEAD.map((t) => h('th', { scope: 'col' }, t)))),
      parts.map((part) => h('tbody', {}, demandItems(part).map((item, i) => h('tr', {},
        i === 0 ? h('th', { scope: 'rowgroup', rowspan: 4, class: 'group-label' }, part.label) : null,
        h('th', { scope: 'row' }, item.label, h('span', { class: 'unit' }, ' ' + item.unit)),
        readingCell(values, keyOf('DMD_', item.key)),
        readingCell(values, keyOf('MAX_DMD_', item.key)),
        readingCell(values, keyOf('MAX_DMD_', item.key), text, 'peak_time'),
        readingCell(values, keyOf('PRED_DMD_', item.key))))))));
}

export function demand(view, ctx) {
  groupPage(view, ctx, {
    title: 'Demand',
    path: 'demand',
    seconds: 5,
    system: (reply) => demandTable('system-demand-table', 'System', SYSTEM_DEMAND, reply.values),
    channel: (reply, c) => demandTable('channel-demand-table', c.label,
      [{ label: c.label, code: c.code, current: c.user ? null : `I${c.code}_A` }], reply.values),
  });
}

// ---- Energy (6.3.3): Real-Time, Current Month TOU, Prior Month TOU.

const TARIFFS = [['Total', 'IMP'], ['Rate Sharp', 'SHARP'], ['Rate Peak', 'PEAK'], ['Rate Valley', 'VALLEY'], ['Rate Normal', 'NORMAL']];

// parts: the key infix of each column ("a", "b", "c", "" for the system; "003" for a channel).
const realTimeRows = (parts) => [
  { label: 'Active Energy', unit: 'kWh', keys: parts.map((p) => `EP${p}_IMP_kWh`) },
  { label: 'Reactive Energy', unit: 'kvarh', keys: parts.map((p) => `EQ${p}_IMP_kvarh`) },
  { label: 'Apparent Energy', unit: 'kVAh', keys: parts.map((p) => `ES${p}_kVAh`) },
];

const touRows = (parts, month) => TARIFFS.map(([label, tariff]) => ({
  label: `Active Energy ${label}`,
  unit: 'kWh',
  keys: parts.map((p) => `EP${p}_${tariff}_${month}_kWh`),
}));

function energyTables(prefix, head, parts, values) {
  const table = (id, caption, rows) => readingsTable({ testid: `${prefix}-${id}`, caption, head, rows, values });
  return [
    table('energy-table', 'Real-Time', realTimeRows(parts)),
    table('tou-month-table', 'Current Month TOU', touRows(parts, 'MONTH')),
    table('tou-prior-table', 'Prior Month TOU', touRows(parts, 'PRIOR')),
  ];
}

export function energy(view, ctx) {
  groupPage(view, ctx, {
    title: 'Energy',
    path: 'energy',
    seconds: 5,
    system: (reply) => energyTables('system', ['System Parameter', 'A', 'B', 'C', 'Total'],
      ['a', 'b', 'c', ''], reply.values),
    channel: (reply, c) => energyTables('channel', ['Channel Parameter', c.label], [c.code], reply.values),
  });
}

