// The "Select Channel" list of the metering pages (web manual 6.2): 18 input channels and
// 9 three-phase user channels, with the WEB2 key part each uses (I001_A, Ps1_kW).
import { h } from './dom.js';

export const INPUT_CHANNELS = Array.from({ length: 18 }, (_, i) => ({
  path: `channels/${i + 1}`,
  label: `Input Channel ${i + 1}`,
  code: String(i + 1).padStart(3, '0'),
  user: false,
}));

export const USER_CHANNELS = Array.from({ length: 9 }, (_, i) => ({
  path: `users/${i + 1}`,
  label: `User Channel ${i + 1}`,
  code: `s${i + 1}`,
  user: true,
}));

const ALL = [...INPUT_CHANNELS, ...USER_CHANNELS];

// One choice for every page, so moving from Demand to Energy keeps the channel.
let chosen = ALL[0];

export function selectedChannel(list = ALL) {
  return list.includes(chosen) ? chosen : list[0];
}

export function channelSelect(onChange, list = ALL) {
  const current = selectedChannel(list);
  const option = (c) => h('option', { value: c.path, selected: c === current }, c.label);
  const select = h('select', {
    id: 'channel-select',
    'data-testid': 'channel-select',
    onchange: () => {
      chosen = ALL.find((c) => c.path === select.value) || ALL[0];
      onChange(chosen);
    },
  },
  list.some((c) => !c.user) ? h('optgroup', { label: 'Input Channel' }, list.filter((c) => !c.user).map(option)) : null,
  list.some((c) => c.user) ? h('optgroup', { label: 'User Channel' }, list.filter((c) => c.user).map(option)) : null);
  return h('label', { class: 'channel-select' }, h('span', {}, 'Select Channel'), select);
}
