// Data Log (web manual 6.4.2): the local files of each logger with their update time and size, a
// download link per file, and "Delete Selected" after a confirmation. Logger tabs 1-3; files that no
// logger's local prefix names any more (a prefix changed) are under "Other".
import { h, replace } from '../dom.js';
import { get, post } from '../api.js';
import { confirmAction } from '../modal.js';

const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(2)} MB`);
// The device's local time: "2026-01-01 01:08:15 -05:00".
function when(utc, offset) {
  if (utc == null) return '-';
  const off = Number(offset) || 0;
  const hhmm = `${String(Math.floor(Math.abs(off) / 3600)).padStart(2, '0')}:${String(Math.floor((Math.abs(off) % 3600) / 60)).padStart(2, '0')}`;
  return `${new Date((utc + off) * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} ${off < 0 ? '-' : '+'}${hhmm}`;
}

export function dataLog(view, ctx) {
  const admin = ctx.session.level === 'admin';
  let logger = 1;
  let reply = null;
  const strip = h('div', { class: 'subtabs', role: 'tablist' });
  const box = h('section', { class: 'group' });
  const message = h('p', { class: 'message', 'data-testid': 'datalog-message', role: 'status' });
  const errorBox = h('p', { class: 'error', 'data-testid': 'page-error', hidden: true });

  const draw = () => {
    const loggers = (reply && reply.loggers) || [];
    const tabs = [1, 2, 3].concat(loggers[0] && loggers[0].files.length ? [0] : []);
    replace(strip, tabs.map((n) => h('button', {
      type: 'button', role: 'tab', 'aria-selected': String(n === logger), 'data-testid': `datalog-tab-${n}`,
      onclick: () => { logger = n; draw(); },
    }, n ? `Logger ${n}` : 'Other')));
    const files = ((loggers[logger] || {}).files || []).slice().sort((a, b) => (a.name < b.name ? 1 : -1));
    const checks = new Map();
    const remove = h('button', {
      type: 'button', class: 'primary', 'data-testid': 'datalog-delete', disabled: true,
      onclick: async () => {
        const names = files.map((f) => f.name).filter((name) => checks.get(name).checked);
        if (!names.length) return;
        const sure = await confirmAction('Delete Selected',
          [`Delete ${names.length} data log file${names.length > 1 ? 's' : ''}?`, 'Deleting the data log is permanent; it cannot be undone.'], 'Delete');
        if (!sure) return;
        post('datalog/delete', { files: names }).then(() => {
          message.textContent = `Deleted ${names.length} file${names.length > 1 ? 's' : ''}.`;
          refresh();
        }, (error) => { message.textContent = `Not deleted: ${error.message}`; });
      },
    }, 'Delete Selected');
    const onCheck = () => { remove.disabled = ![...checks.values()].some((c) => c.checked); };
    const rows = files.map((f) => {
      const check = h('input', { type: 'checkbox', 'data-testid': `datalog-check-${f.name}`, onchange: onCheck, 'aria-label': `select ${f.name}` });
      checks.set(f.name, check);
      return h('tr', { 'data-file': f.name },
        admin ? h('td', {}, check) : null,
        h('td', { class: 'name' }, f.name),
        h('td', { 'data-testid': `datalog-updated-${f.name}` }, when(f.updated, reply.utc_offset)),
        h('td', { class: 'num' }, bytes(f.size)),
        h('td', {}, h('a', {
          href: `/api/v1/datalog/files/${encodeURIComponent(f.name)}`, download: f.name, 'data-testid': `datalog-download-${f.name}`, title: 'Download',
        }, '⤓ Download')));
    });
    const head = (admin ? [''] : []).concat(['File', 'Update Time', 'Size', '']);
    replace(box,
      h('div', { class: 'table-wrap' }, h('table', { class: 'readings log file-table', 'data-testid': 'datalog-table' },
        h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: head.length, class: 'empty' }, 'No files'))))),
      admin ? h('div', { class: 'actions' }, remove) : null);
  };

  const refresh = () => get('datalog').then((r) => {
    if (!ctx.alive()) return;
    reply = r;
    errorBox.hidden = true;
    draw();
  }, (error) => {
    errorBox.hidden = false;
    errorBox.textContent = error.message;
  });

  replace(view, h('h1', {}, 'Data Log'),
    h('p', { class: 'hint' }, 'The compressed CSV files of each logger kept on the module (Settings > Data Log).'),
    errorBox, strip, box, message);
  refresh();
}
