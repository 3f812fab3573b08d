// The frame shared by Basic Metering, Demand and Energy (web manual 6.3): the system tables,
// "Select Channel", the channel's tables, refreshed every few seconds.
import { h, replace } from './dom.js';
import { get } from './api.js';
import { channelSelect, selectedChannel } from './channels.js';
import { updatedNote } from './format.js';

// system(reply) and channel(reply, channel) return the elements to show.
export function groupPage(view, ctx, { title, path, seconds, system, channel }) {
  const systemBox = h('section', { class: 'group', 'data-testid': 'system' });
  const channelBox = h('section', { class: 'group', 'data-testid': 'channel' });
  const errorBox = h('p', { class: 'error', 'data-testid': 'page-error', hidden: true });

  const showError = (error) => {
    errorBox.hidden = !error;
    errorBox.textContent = error ? error.message : '';
  };

  const refreshSystem = () => get(path).then((reply) => {
    if (ctx.alive()) replace(systemBox, system(reply), updatedNote(reply));
  });
  const refreshChannel = () => {
    const chosen = selectedChannel();
    return get(`${path}/${chosen.path}`).then((reply) => {
      if (ctx.alive() && chosen === selectedChannel()) replace(channelBox, channel(reply, chosen));
    });
  };
  const refresh = () => Promise.all([refreshSystem(), refreshChannel()])
    .then(() => showError(null), showError);

  replace(view,
    h('h1', {}, title),
    h('p', { class: 'hint' }, `The parameters on this page are updated every ${seconds} s.`),
    errorBox,
    systemBox,
    channelSelect(() => refreshChannel().catch(showError)),
    channelBox);
  ctx.every(seconds * 1000, refresh);
}

// Rows whose keys the reply holds; when it holds none of them, every value it has, by name,
// so a reply with other keys still shows its readings.
export function rowsPresent(rows, values) {
  const present = rows.filter((row) => row.keys.some((key) => key && values && values[key]));
  if (present.length || !values) return present;
  return Object.entries(values).map(([key, reading]) => ({
    label: reading.name || key,
    unit: reading.unit,
    keys: [key],
  }));
}
