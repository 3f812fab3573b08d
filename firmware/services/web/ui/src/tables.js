// Tables of readings as the manual's pages lay them out: a row per parameter, a column per
// phase (or Demand / Peak / ...), each cell one key of a group reply.
import { h } from './dom.js';
import { readingCell } from './format.js';

// rows: [{label, unit, keys: [key or null per column], show}]
export function readingsTable({ testid, caption, head, rows, values }) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'readings', 'data-testid': testid },
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, head.map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, rows.map((row) => h('tr', {},
        h('th', { scope: 'row' }, row.label, row.unit ? h('span', { class: 'unit' }, ' ' + row.unit) : null),
        row.keys.map((key) => readingCell(values, key, row.show)))))));
}

// A two-column table of label and text, for device information and records.
export function infoTable({ testid, caption, rows }) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'info', 'data-testid': testid },
      caption ? h('caption', {}, caption) : null,
      h('tbody', {}, rows.map(([label, value, key]) => h('tr', {},
        h('th', { scope: 'row' }, label),
        h('td', key ? { 'data-key': key } : {}, value == null || value === '' ? '-' : String(value)))))));
}

// snake_case and dotted keys to "Title Case" for keys the pages have no label for.
export function humanize(key) {
  const text = String(key).replace(/[._]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
