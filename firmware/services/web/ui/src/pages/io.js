// I/O (web manual 6.3.5): the 18 digital inputs (status or pulse counter) with counter resets,
// and the 2 relay outputs, which an Admin toggles unless they are alarm outputs.
import { h, replace } from '../dom.js';
import { get, post, put } from '../api.js';
import { markQuality, number } from '../format.js';
import { confirmAction } from '../modal.js';

export function io(view, ctx) {
  const admin = ctx.session.level === 'admin';
  const diBox = h('section', { class: 'group' });
  const roBox = h('section', { class: 'group' });
  const message = h('p', { class: 'message', 'data-testid': 'io-message', role: 'status' });

  const say = (text, isError) => {
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
  };

  const resetCounter = async (which, name) => {
    if (!await confirmAction('Reset Counter', `Reset the counter of ${name}?`, 'Reset')) return;
    try {
      await post(`io/digital-inputs/${which}/reset-counter`);
      say(`The counter of ${name} was reset.`);
      refresh();
    } catch (error) {
      say(error.message, true);
    }
  };

  const toggleRelay = async (relay) => {
    const on = relay.status !== 'On';
    try {
      await put(`io/relay-outputs/${relay.n}`, { on });
      say(`${relay.name} switched ${on ? 'On' : 'Off'}.`);
      refresh();
    } catch (error) {
      say(error.message, true);
    }
  };

  const diRow = (di, quality) => {
    const counting = di.mode === 'pulse counter';
    const row = h('tr', { 'data-testid': `di-${di.n}` },
      h('th', { scope: 'row' }, di.name),
      h('td', { 'data-field': 'status' }, counting ? '-' : di.status),
      h('td', { class: 'num', 'data-field': 'counter' }, counting ? String(di.counter) : '-'),
      h('td', { class: 'num', 'data-field': 'value' }, counting ? `${number(di.value)} ${di.unit || ''}`.trim() : '-'),
      admin ? h('td', {}, h('button', {
        type: 'button', class: 'small', 'data-testid': `di-reset-${di.n}`, onclick: () => resetCounter(di.n, di.name),
      }, 'Reset')) : null);
    return markQuality(row, quality);
  };

  const roRow = (relay, quality) => {
    const alarmOutput = relay.mode === 'alarm output';
    const row = h('tr', { 'data-testid': `ro-${relay.n}` },
      h('th', { scope: 'row' }, relay.name),
      h('td', { 'data-field': 'status' }, relay.status),
      h('td', {}, relay.mode),
      admin ? h('td', {}, h('button', {
        type: 'button',
        class: 'small',
        'data-testid': `ro-toggle-${relay.n}`,
        disabled: alarmOutput,
        title: alarmOutput ? `${relay.name} is an alarm output; set it to manual first` : null,
        onclick: () => toggleRelay(relay),
      }, relay.status === 'On' ? 'Turn Off' : 'Turn On')) : null);
    return markQuality(row, quality);
  };

  const refresh = () => get('io').then((reply) => {
    if (!ctx.alive()) return;
    replace(diBox, h('div', { class: 'table-wrap' }, h('table', { class: 'readings', 'data-testid': 'di-table' },
      h('caption', {}, 'Digital Input'),
      h('thead', {}, h('tr', {}, ['Name', 'Status', 'Counter', 'Value', admin ? '' : null]
        .filter((t) => t != null).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, (reply.digital_inputs || []).map((di) => diRow(di, reply.quality))))),
    admin ? h('button', {
      type: 'button', 'data-testid': 'di-reset-all', onclick: () => resetCounter('all', 'every digital input'),
    }, 'Reset All Counters') : null);
    replace(roBox, h('div', { class: 'table-wrap' }, h('table', { class: 'readings', 'data-testid': 'ro-table' },
      h('caption', {}, 'Relay Output'),
      h('thead', {}, h('tr', {}, ['Name', 'Status', 'Mode', admin ? '' : null]
        .filter((t) => t != null).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, (reply.relay_outputs || []).map((ro) => roRow(ro, reply.quality))))));
  }, (error) => say(error.message, true));

  replace(view,
    h('h1', {}, 'I/O'),
    h('p', { class: 'hint' }, 'NOTE: The DI and RO settings must be configured in Acuview software.'),
    message, diBox, roBox);
  ctx.every(5000, refresh);
}
