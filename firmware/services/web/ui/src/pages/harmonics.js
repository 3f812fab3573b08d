// Harmonics (web manual 6.3.4): voltage harmonics per phase or the current harmonics of one
// input channel, as a bar chart and a table, with THD, odd/even THD, crest factor, THFF,
// K-factor and unbalance; every 15 s.
import { h, replace } from '../dom.js';
import { get } from '../api.js';
import { channelSelect, selectedChannel, INPUT_CHANNELS } from '../channels.js';
import { updatedNote } from '../format.js';
import { readingsTable } from '../tables.js';
import { harmonicsChart, ORDERS } from '../harmonics-chart.js';

const PHASES = [['A', 'Va'], ['B', 'Vb'], ['C', 'Vc']];

let mode = 'voltage';

const valuesOf = (values, suffix) => ORDERS.map((n) => {
  const reading = values && values[`Har${n}_${suffix}`];
  return reading && typeof reading.value === 'number' ? reading.value : null;
});

function voltageView(system) {
  const v = system.values;
  return {
    series: PHASES.map(([label, suffix]) => ({ label, values: valuesOf(v, suffix) })),
    tables: [
      readingsTable({
        testid: 'harmonics-summary', caption: 'Voltage', head: ['Parameter', 'A', 'B', 'C', 'Average'], values: v,
        rows: [
          { label: 'THD', unit: '%', keys: ['THD_Va', 'THD_Vb', 'THD_Vc', 'THD_Vavg'] },
          { label: 'Odd THD', unit: '%', keys: ['THDodd_Va', 'THDodd_Vb', 'THDodd_Vc', null] },
          { label: 'Even THD', unit: '%', keys: ['THDeven_Va', 'THDeven_Vb', 'THDeven_Vc', null] },
          { label: 'Crest Factor', keys: ['CF_Va', 'CF_Vb', 'CF_Vc', null] },
          { label: 'THFF', unit: '%', keys: ['THFF_Va', 'THFF_Vb', 'THFF_Vc', null] },
        ],
      }),
      unbalanceTable(v),
      readingsTable({
        testid: 'harmonics-table', caption: 'Voltage Harmonics', head: ['Harmonic', 'A', 'B', 'C'], values: v,
        rows: ORDERS.map((n) => ({ label: `Harmonic ${n}`, unit: '%', keys: PHASES.map(([, s]) => `Har${n}_${s}`) })),
      }),
    ],
  };
}

function currentView(system, channelReply, c) {
  const v = channelReply.values;
  const suffix = `I${c.code}`;
  return {
    series: [{ label: c.label, values: valuesOf(v, suffix) }],
    tables: [
      readingsTable({
        testid: 'harmonics-summary', caption: `${c.label} Current`, head: ['Parameter', c.label], values: v,
        rows: [
          { label: 'THD', unit: '%', keys: [`THD_${suffix}`] },
          { label: 'Odd THD', unit: '%', keys: [`THDodd_${suffix}`] },
          { label: 'Even THD', unit: '%', keys: [`THDeven_${suffix}`] },
          { label: 'K-Factor', keys: [`KF_${suffix}`] },
        ],
      }),
      unbalanceTable(system.values),
      readingsTable({
        testid: 'harmonics-table', caption: `${c.label} Current Harmonics`, head: ['Harmonic', c.label], values: v,
        rows: ORDERS.map((n) => ({ label: `Harmonic ${n}`, unit: '%', keys: [`Har${n}_${suffix}`] })),
      }),
    ],
  };
}

function unbalanceTable(values) {
  return readingsTable({
    testid: 'unbalance-table', caption: 'Unbalance', head: ['Parameter', 'Value'], values,
    rows: [
      { label: 'Voltage Unbalance', unit: '%', keys: ['Unbl_V'] },
      { label: 'Current Unbalance', unit: '%', keys: ['Unbl_I'] },
    ],
  });
}

export function harmonics(view, ctx) {
  const chartBox = h('div', { class: 'chart', 'data-testid': 'harmonics-chart' });
  const tablesBox = h('div', { class: 'group' });
  const selectBox = h('div', {});
  const errorBox = h('p', { class: 'error', 'data-testid': 'page-error', hidden: true });
  let chart = null;
  let chartKind = null;

  const draw = (shown, reply) => {
    const kind = `${mode}:${shown.series.map((s) => s.label).join()}`;
    if (chart && chartKind === kind) {
      chart.update(shown.series);
    } else {
      if (chart) chart.destroy();
      replace(chartBox);
      chart = harmonicsChart(chartBox, shown.series);
      chartKind = kind;
    }
    replace(tablesBox, shown.tables, updatedNote(reply));
  };

  const refresh = async () => {
    try {
      const system = await get('harmonics');
      if (mode === 'voltage') {
        if (ctx.alive()) draw(voltageView(system), system);
      } else {
        const c = selectedChannel(INPUT_CHANNELS);
        const reply = await get(`harmonics/${c.path}`);
        if (ctx.alive()) draw(currentView(system, reply, c), reply);
      }
      errorBox.hidden = true;
    } catch (error) {
      errorBox.hidden = false;
      errorBox.textContent = error.message;
    }
  };

  const toggle = (value, label) => h('label', { class: 'toggle' },
    h('input', {
      type: 'radio', name: 'harmonics-mode', value, checked: mode === value, 'data-testid': `harmonics-${value}`,
      onchange: () => {
        mode = value;
        showSelect();
        refresh();
      },
    }), label);
  const showSelect = () => replace(selectBox, mode === 'current' ? channelSelect(refresh, INPUT_CHANNELS) : null);

  replace(view,
    h('h1', {}, 'Harmonics'),
    h('p', { class: 'hint' }, 'The parameters on this page are updated every 15 s.'),
    h('div', { class: 'toggles', role: 'radiogroup' }, toggle('voltage', 'Voltage'), toggle('current', 'Current')),
    selectBox, errorBox, chartBox, tablesBox);
  showSelect();
  ctx.every(15000, refresh);
  ctx.onLeave(() => chart && chart.destroy());
}
