// Alarm Log and Event Log (web manual 6.4.3, 6.4.4), both updated every 10 s.
import { h, replace } from '../dom.js';
import { get } from '../api.js';
import { number } from '../format.js';

const showValue = (value, unit) => (typeof value === 'number' ? `${number(value)} ${unit || ''}`.trim() : String(value == null ? '-' : value));

function table(testid, caption, head, rows) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'readings log', 'data-testid': testid },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: head.length, class: 'empty' }, 'No records')))));
}

export function alarmLog(view, ctx) {
  const box = h('section', { class: 'group' });
  const errorBox = h('p', { class: 'error', 'data-testid': 'page-error', hidden: true });
  const refresh = () => get('alarms').then((reply) => {
    if (!ctx.alive()) return;
    errorBox.hidden = true;
    const active = reply.active || [];
    replace(box,
      h('p', { 'data-testid': 'alarm-summary' },
        `Alarms in force: ${active.length ? active.join(', ') : 'none'}. Records since the last reset: ${reply.records == null ? '-' : reply.records}.`),
      table('alarm-table', 'Alarm Log', ['Time Stamp', 'Alarm ID', 'Status', 'Alarm Channel', 'Value'],
        (reply.log || []).map((r) => h('tr', { 'data-slot': r.slot },
          h('td', {}, r.time), h('td', { class: 'num' }, r.alarm_id), h('td', {}, r.status),
          h('td', {}, r.channel), h('td', { class: 'num' }, showValue(r.value, r.unit))))));
  }, (error) => {
    errorBox.hidden = false;
    errorBox.textContent = error.message;
  });
  replace(view, h('h1', {}, 'Alarm Log'),
    h('p', { class: 'hint' }, 'The 16 most recent alarm records; updated every 10 s.'), errorBox, box);
  ctx.every(10000, refresh);
}

const PAGE = 10;

export function eventLog(view, ctx) {
  let first = null;  // null: the newest records
  let shown = null;
  const box = h('section', { class: 'group' });
  const errorBox = h('p', { class: 'error', 'data-testid': 'page-error', hidden: true });
  const older = h('button', { type: 'button', 'data-testid': 'events-older', onclick: () => go(-1) }, 'Older');
  const newer = h('button', { type: 'button', 'data-testid': 'events-newer', onclick: () => go(1) }, 'Newer');
  const newest = h('button', { type: 'button', 'data-testid': 'events-newest', onclick: () => go(0) }, 'Newest');

  const go = (direction) => {
    if (!shown) return;
    const numbers = (shown.events || []).map((e) => e.number);
    const low = Math.min(...numbers);
    if (direction === 0) first = null;
    else if (direction < 0) first = Math.max(shown.oldest || 0, low - PAGE);
    else first = low + PAGE;
    if (first != null && shown.written != null && first + PAGE > shown.written) first = null;
    refresh();
  };

  const refresh = () => get(`events?count=${PAGE}${first == null ? '' : `&first=${first}`}`).then((reply) => {
    if (!ctx.alive()) return;
    shown = reply;
    errorBox.hidden = true;
    const events = reply.events || [];
    const low = events.length ? Math.min(...events.map((e) => e.number)) : 0;
    older.disabled = !events.length || low <= (reply.oldest || 0);
    newer.disabled = first == null;
    newest.disabled = first == null;
    replace(box,
      h('p', { 'data-testid': 'event-summary' },
        `Records written: ${reply.written == null ? '-' : reply.written}; the oldest kept: ${reply.oldest == null ? '-' : reply.oldest}.`),
      table('event-table', 'Event Log', ['No.', 'Time Stamp', 'Event', 'Detail', 'Value'],
        events.map((e) => h('tr', { 'data-number': e.number },
          h('td', { class: 'num' }, e.number), h('td', {}, e.time), h('td', {}, e.text || e.type),
          h('td', {}, e.detail == null ? '-' : e.detail), h('td', { class: 'num' }, e.value == null ? '-' : String(e.value))))),
      h('div', { class: 'pager' }, newest, newer, older));
  }, (error) => {
    errorBox.hidden = false;
    errorBox.textContent = error.message;
  });

  // The module's own events (a post file dropped at the cache limit, logging stopped by a full disk).
  const moduleBox = h('section', { class: 'group' });
  const refreshModule = () => get('module-events?count=20').then((reply) => {
    if (!ctx.alive()) return;
    const unsaved = reply.unsaved ? ` ${reply.unsaved} could not be saved (the disk was full).` : '';
    replace(moduleBox,
      h('p', { 'data-testid': 'module-event-summary' }, `Module events written: ${reply.written}; the 20 newest are shown.${unsaved}`),
      table('module-event-table', 'Module Events', ['No.', 'Time Stamp', 'Source', 'Event'],
        (reply.events || []).map((e) => h('tr', { 'data-number': e.number },
          h('td', { class: 'num' }, e.number), h('td', {}, new Date(e.time * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')),
          h('td', {}, e.source), h('td', {}, e.text)))));
  }, (error) => replace(moduleBox, h('p', { class: 'error' }, error.message)));

  replace(view, h('h1', {}, 'Event Log'),
    h('p', { class: 'hint' }, 'Parameter and setting changes recorded by the meter; updated every 10 s.'), errorBox, box,
    h('h2', {}, 'Module Events'),
    h('p', { class: 'hint' }, 'What the web module did or could not do: post files dropped at the cache limit, data logging stopped and resumed, the clock going back.'),
    moduleBox);
  ctx.every(10000, () => Promise.all([refresh(), refreshModule()]));
}
