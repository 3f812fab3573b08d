// About (web manual 6.5): device Information and the Installation Record.
import { h, replace } from '../dom.js';
import { get, put } from '../api.js';
import { markQuality } from '../format.js';
import { humanize, infoTable } from '../tables.js';

const METER_LABELS = {
  model: 'Meter Model',
  hardware_version: 'Meter Hardware Version',
  firmware_version: 'Meter Firmware Version',
  release_date: 'Meter Release Date',
  serial_number: 'Meter Serial Number',
  seal_status: 'Meter Seal Status',
  address: 'Meter Address',
  description: 'Device Description',
};

const MODULE_LABELS = {
  serial_number: 'Module Serial Number',
  hardware_version: 'Module Hardware Version',
  firmware_version: 'Module Firmware Version',
  mac_eth1: 'Module Ethernet 1 MAC Address',
  mac_eth2: 'Module Ethernet 2 MAC Address',
  mac_wlan: 'Module WiFi MAC Address',
  eth1: 'Module Ethernet 1 MAC Address',
  eth2: 'Module Ethernet 2 MAC Address',
  wlan: 'Module WiFi MAC Address',
};

// Rows of an object, nested objects flattened ("mac": {"eth1": ...} -> "mac.eth1"), labelled
// from `labels` by the last part of the key where the page knows one.
// The reply's "quality" is shown as the table's mark, not as a row.
function rowsOf(object, labels = {}, prefix = '') {
  return Object.entries(object || {}).filter(([key]) => key !== 'quality').flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) return rowsOf(value, labels, path);
    const text = typeof value === 'boolean' ? (value ? 'On' : 'Off') : Array.isArray(value) ? value.join(', ') : value;
    return [[labels[key] || labels[path.replace('.', '_')] || humanize(path), text, path]];
  });
}

export function information(view, ctx) {
  replace(view, h('h1', {}, 'Information'), h('p', { class: 'hint' }, 'Loading...'));
  get('device').then((device) => {
    if (!ctx.alive()) return;
    const meter = infoTable({ testid: 'meter-info', caption: 'Meter', rows: rowsOf(device.meter, METER_LABELS) });
    markQuality(meter.querySelector('tbody'), device.meter && device.meter.quality);
    replace(view, h('h1', {}, 'Information'), meter,
      infoTable({ testid: 'module-info', caption: 'Web Module', rows: rowsOf(device.module, MODULE_LABELS) }));
  }, (error) => replace(view, h('h1', {}, 'Information'), h('p', { class: 'error', 'data-testid': 'page-error' }, error.message)));
}

// ---- Installation Record (6.5.2)

const CLIENT_FIELDS = [['client', 'Client'], ['address', 'Address']];
const INSTALLATION_FIELDS = [
  ['installation_date', 'Installation Date'],
  ['installer_name', 'Installer Name'],
  ['meter_location', 'Meter Location'],
  ['nominal_voltage', 'Nominal Voltage (V)'],
  ['nominal_current', 'Nominal Current (A)'],
  ['nominal_frequency', 'Nominal Frequency (Hz)'],
  ['service_configuration', 'Service Configuration'],
  ['pulse_constant', 'Pulse Constant (Pulses/kWh)'],
];
const CHANNEL_FIELDS = [
  ['color_code', 'Color Code'],
  ['ct_model', 'CT Model'],
  ['ct_serial_number', 'CT Serial Number'],
  ['panel_description', 'Panel Description'],
];
const PHASES = [['', '- Select -'], ['A', 'A'], ['B', 'B'], ['C', 'C'], ['Disabled', 'Disabled']];
const MAX_TEXT = 64;

const fieldRows = (object, fields) => fields.map(([key, label]) => [label, object && object[key], key]);

function channelTable(channels, editing) {
  const cell = (channel, key) => {
    const value = channel[key] == null ? '' : String(channel[key]);
    if (!editing) return h('td', {}, value || '-');
    return h('td', {}, h('input', {
      type: 'text', value, maxlength: MAX_TEXT, 'data-channel': channel.channel, 'data-field': key,
      'aria-label': `Input Channel ${channel.channel} ${key}`,
    }));
  };
  const phase = (channel) => {
    if (!editing) return h('td', {}, channel.phase || '-');
    return h('td', {}, h('select', { 'data-channel': channel.channel, 'data-field': 'phase', 'aria-label': `Input Channel ${channel.channel} phase` },
      PHASES.map(([value, label]) => h('option', { value, selected: (channel.phase || '') === value }, label))));
  };
  return h('div', { class: 'table-wrap' }, h('table', { class: 'readings record-channels', 'data-testid': 'record-channels' },
    h('caption', {}, 'Channels'),
    h('thead', {}, h('tr', {}, ['Channel ID', 'Phase', ...CHANNEL_FIELDS.map(([, l]) => l)].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, (channels || []).map((c) => h('tr', {},
      h('th', { scope: 'row' }, `Input Channel ${c.channel}`), phase(c), CHANNEL_FIELDS.map(([key]) => cell(c, key)))))));
}

function editTable(testid, caption, object, fields) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'info', 'data-testid': testid },
    h('caption', {}, caption),
    h('tbody', {}, fields.map(([key, label]) => h('tr', {},
      h('th', { scope: 'row' }, h('label', { for: `${testid}-${key}` }, label)),
      h('td', {}, h('input', {
        type: 'text', id: `${testid}-${key}`, value: object && object[key] != null ? String(object[key]) : '',
        maxlength: MAX_TEXT, 'data-group': testid, 'data-field': key,
      })))))));
}

// The edited record, each value in the type the server sent it (a number stays a number).
function readForm(form, record) {
  const typed = (original, text) => (typeof original === 'number' && text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
  const group = (name, original) => {
    const out = {};
    form.querySelectorAll(`[data-group="record-${name}"]`).forEach((input) => {
      out[input.dataset.field] = typed(original && original[input.dataset.field], input.value);
    });
    return out;
  };
  const channels = (record.channels || []).map((c) => {
    const out = { channel: c.channel };
    form.querySelectorAll(`[data-channel="${c.channel}"]`).forEach((input) => {
      out[input.dataset.field] = input.value;
    });
    return out;
  });
  return { client: group('client', record.client), installation: group('installation', record.installation), channels };
}

export function installationRecord(view, ctx) {
  const admin = ctx.session.level === 'admin';
  let editing = false;
  let record = null;
  const message = h('p', { class: 'message', 'data-testid': 'record-message', role: 'status' });

  const draw = () => {
    const download = h('a', {
      class: 'button', href: '/api/v1/installation-record.pdf', download: 'installation-record.pdf', 'data-testid': 'record-download',
    }, 'Download Installation Record');
    const buttons = editing
      ? [h('button', { type: 'submit', class: 'primary', 'data-testid': 'record-save' }, 'Save'),
        h('button', { type: 'button', 'data-testid': 'record-cancel', onclick: () => { editing = false; message.textContent = ''; draw(); } }, 'Cancel')]
      : [admin ? h('button', { type: 'button', 'data-testid': 'record-edit', onclick: () => { editing = true; draw(); } }, 'Edit') : null, download];
    const form = h('form', { 'data-testid': 'record-form', onsubmit: (event) => { event.preventDefault(); save(form); } },
      h('div', { class: 'actions' }, buttons),
      message,
      h('div', { class: 'columns' },
        editing ? editTable('record-client', 'Client Information', record.client, CLIENT_FIELDS)
          : infoTable({ testid: 'record-client', caption: 'Client Information', rows: fieldRows(record.client, CLIENT_FIELDS) }),
        editing ? editTable('record-installation', 'Installation Information', record.installation, INSTALLATION_FIELDS)
          : infoTable({ testid: 'record-installation', caption: 'Installation Information', rows: fieldRows(record.installation, INSTALLATION_FIELDS) })),
      infoTable({ testid: 'record-device', caption: 'Device Information', rows: rowsOf(record.device) }),
      channelTable(record.channels, editing),
      infoTable({ testid: 'record-communication', caption: 'Communication Information', rows: rowsOf(record.communication) }));
    replace(view, h('h1', {}, 'Installation Record'), form);
  };

  const save = async (form) => {
    message.classList.remove('error');
    try {
      await put('installation-record', readForm(form, record));
      record = await get('installation-record');
      editing = false;
      draw();
      message.textContent = 'The installation record was saved.';
    } catch (error) {
      message.classList.add('error');
      message.textContent = error.message;
    }
  };

  replace(view, h('h1', {}, 'Installation Record'), h('p', { class: 'hint' }, 'Loading...'));
  get('installation-record').then((reply) => {
    record = reply;
    if (ctx.alive()) draw();
  }, (error) => replace(view, h('h1', {}, 'Installation Record'), h('p', { class: 'error', 'data-testid': 'page-error' }, error.message)));
}
