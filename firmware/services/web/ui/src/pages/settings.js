// The Settings tabs: each is a label and the schema sections it shows, drawn by the settings
// engine (settings-form.js). A new tab is one line here; a tab none of whose sections the
// module has is left out of the menu.
import { h, replace } from '../dom.js';
import { get, post, put, del } from '../api.js';
import { settingsForm } from '../settings-form.js';
import { confirmAction } from '../modal.js';

// Post Channel (7.6): only the fields of the chosen method, of the chosen HTTP authentication,
// and the fixed file name when "Post Name Fixed" is on. Method codes: 0 HTTP/HTTPS, 1 FTP, 2 SFTP.
const METHOD_FIELDS = [['http_', 0], ['meter_id', 0], ['ftp_', 1], ['sftp_', 2]];

function postFieldVisible(key, valueOf) {
  const m = /^post_channel_(\d)\.(.+)$/.exec(key);
  if (!m) return true;
  const [, n, field] = m;
  const at = (f) => valueOf(`post_channel_${n}.${f}`);
  const owner = METHOD_FIELDS.find(([prefix]) => field.startsWith(prefix));
  if (owner && Number(at('method')) !== owner[1]) return false;
  if (field === 'http_token') return Number(at('http_auth')) === 0;
  if (field === 'http_user' || field === 'http_password') return Number(at('http_auth')) === 1;
  if (field === 'file_name') return at('name_fixed') === true;
  return true;
}

// "TEST Post Channel" / "TEST AcuCloud": the reply's success or failure details, in the page.
function testButton(channel, label, say) {
  return h('button', {
    type: 'button', 'data-testid': `post-test-${channel}`,
    onclick: () => {
      say(`${label}: posting a test file...`);
      post(`post/${channel}/test`).then((r) => say(r.ok
        ? `${label}: success (${r.status}).`
        : `${label} failed: ${r.error || `the server answered ${r.status}`}${r.response ? ` - ${r.response}` : ''}`),
      (error) => say(`${label} failed: ${error.message}`));
    },
  }, label);
}

function postActions(section, say) {
  const m = /^post_channel_(\d)$/.exec(section);
  if (m) return h('div', { class: 'actions' }, testButton(Number(m[1]), `TEST Post Channel ${m[1]}`, say));
  if (section !== 'post') return null;
  return [caUpload(say), h('div', { class: 'actions' }, h('button', {
    type: 'button', 'data-testid': 'post-clear',
    onclick: async () => {
      const sure = await confirmAction('Clear Post Channel Logs',
        ['Every file waiting to be posted on any channel is deleted and will never be sent.', 'Clear them?'], 'Clear');
      if (!sure) return;
      post('post/clear').then(() => say('The post channel logs are cleared.'), (error) => say(`Not cleared: ${error.message}`));
    },
  }, 'Clear Post Channel Logs'))];
}

// MQTT (7.10): "Generate Client ID" (23 random letters and digits, saved with the form) and "Test MQTT".
function mqttActions(section, say) {
  const generate = h('button', {
    type: 'button', 'data-testid': 'mqtt-generate-client-id',
    onclick: () => {
      const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      const bytes = crypto.getRandomValues(new Uint8Array(23));
      const input = document.querySelector('[data-input="mqtt.client_id"]');
      input.value = Array.from(bytes, (b) => letters[b % letters.length]).join('');
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
  }, 'Generate Client ID');
  const test = h('button', {
    type: 'button', 'data-testid': 'mqtt-test',
    onclick: () => post('mqtt/test').then((r) => say(`Test MQTT: ${r.ok ? 'success' : 'failed'} - ${r.detail}`),
      (error) => say(`Test MQTT failed: ${error.message}`)),
  }, 'Test MQTT');
  return [mqttFiles(say), h('div', { class: 'actions' }, generate, test)];
}

// A PEM file of the module's (PUT/DELETE /api/v1/<path>): what is there now, a file input, Upload and
// Remove. describe(reply) says what GET /api/v1/<state> holds for it.
function pemUpload({ label, path, state, describe, testid }, say) {
  const shown = h('span', { 'data-testid': `${testid}-subjects` }, '...');
  const file = h('input', { type: 'file', accept: '.pem,.crt,.cer,.key', 'data-testid': `${testid}-file` });
  const show = () => get(state).then((r) => { shown.textContent = describe(r); }, (error) => { shown.textContent = error.message; });
  const upload = h('button', {
    type: 'button', 'data-testid': `${testid}-upload`,
    onclick: async () => {
      if (!file.files.length) { say(`Choose a PEM file for ${label} first.`); return; }
      const pem = await file.files[0].text();
      put(path, { pem }).then(() => { say(`${label} saved.`); show(); }, (error) => say(`Not saved: ${error.message}`));
    },
  }, 'Upload');
  const remove = h('button', {
    type: 'button', 'data-testid': `${testid}-remove`,
    onclick: () => del(path).then(() => { say(`${label} removed.`); show(); }, (error) => say(`Not removed: ${error.message}`)),
  }, 'Remove');
  show();
  return h('div', { class: 'field' }, h('span', { class: 'field-label' }, label), h('div', { class: 'control' }, shown, file, upload, remove));
}

// The private CA HTTPS post servers are checked against (PUT /api/v1/post/ca), instead of the system's.
const caUpload = (say) => pemUpload({
  label: 'HTTPS CA Certificates', path: 'post/ca', state: 'post/ca', testid: 'post-ca',
  describe: (r) => (r.present ? r.certificates.join('; ') : 'none (the system\'s CAs only)'),
}, say);

// MQTT's SSL/TLS tab (7.10.3): CA File, Cert File, Key File.
const mqttFiles = (say) => [['ca', 'CA File'], ['cert', 'Cert File'], ['key', 'Key File']].map(([which, label]) => pemUpload({
  label, path: `mqtt/tls/${which}`, state: 'mqtt/tls', testid: `mqtt-${which}`,
  describe: (r) => (!r[which].present ? 'none' : r[which].certificates ? r[which].certificates.join('; ') : 'present'),
}, say));

// BACnet/IP (7.8): the object list as EDE files for the BMS, and the PICS.
const bacnetDownloads = () => h('div', { class: 'actions' }, ...[
  ['bacnet/ede', 'EDE File Download', 'bacnet-ede'], ['bacnet/ede/state-texts', 'EDE State Texts', 'bacnet-ede-states'],
  ['bacnet/ede/units', 'EDE Unit Texts', 'bacnet-ede-units'], ['bacnet/pics', 'PICS', 'bacnet-pics'],
].map(([path, label, testid]) => h('a', { class: 'button', href: `/api/v1/${path}`, download: '', 'data-testid': testid }, label)));

// Date & Time (web manual 7.4): the device clock and NTP state, the clock set by hand (the manual's
// date picker, in the device's local time), Sync Time "Force Update", and the IANA zones offered as
// the Time Zone field's list (the field checks the name against the same database).
function timeActions(section, say) {
  const shown = h('p', { 'data-testid': 'time-status' }, '...');
  const refresh = () => get('time').then((t) => {
    const ntp = t.ntp_enabled ? (t.synchronised ? `synchronised with ${t.server} (offset ${t.offset_s.toFixed(3)} s)` : `not synchronised: ${t.error}`)
      : 'NTP disabled';
    shown.textContent = `Device clock: ${t.local} ${t.abbreviation || ''} (${t.zone || 'fixed offset'}); ${ntp}; board clock ${t.board_clock}`;
  }, (error) => { shown.textContent = `Device clock: ${error.message}`; });
  const picker = h('input', { type: 'datetime-local', step: '1', 'data-testid': 'time-device-clock' });
  const set = h('button', {
    type: 'button', 'data-testid': 'time-set-clock',
    onclick: () => {
      const local = picker.value.length === 16 ? `${picker.value}:00` : picker.value;
      put('time/clock', { local: local.replace('T', ' ') }).then(() => { say('Device clock set.'); refresh(); },
        (error) => say(`Device clock not set: ${error.message}`));
    },
  }, 'Set Device Clock');
  const clear = h('button', { type: 'button', 'data-testid': 'time-clear-clock', onclick: () => { picker.value = ''; } }, 'Clear');
  const sync = h('button', {
    type: 'button', 'data-testid': 'time-force-update',
    onclick: () => {
      say('Force Update: asking the NTP servers...');
      post('time/sync').then((r) => { say(`Force Update: ${r.ok ? 'synchronised with' : 'failed -'} ${r.detail}`); refresh(); },
        (error) => say(`Force Update failed: ${error.message}`));
    },
  }, 'Force Update');
  const zones = h('datalist', { id: 'time-zones' });
  get('time/zones').then((z) => {
    zones.append(...z.zones.map((name) => h('option', { value: name })));
    const input = document.querySelector('[data-input="time.zone"]');
    if (input) input.setAttribute('list', 'time-zones');
  });
  refresh();
  return [shown, zones, h('div', { class: 'actions' }, picker, set, clear, sync)];
}

export const SETTINGS_TABS = [
  { route: 'meter', label: 'Meter', sections: ['device', 'meter'] },             // web manual 6.6.1
  { route: 'network', label: 'Network', sections: ['network'] },                 // web manual 7.1
  { route: 'web', label: 'Web', sections: ['web'] },                             // session timeout, web ports
  { route: 'datalog', label: 'Data Log', sections: ['data_log_1', 'data_log_2', 'data_log_3'], tabbed: true,  // web manual 7.5
    itemSource: 'datalog/parameters' },
  { route: 'post', label: 'Post Channel', sections: ['post_channel_1', 'post_channel_2', 'post_channel_3', 'post'], tabbed: true,  // 7.6
    visible: postFieldVisible, sectionActions: postActions },
  { route: 'acucloud', label: 'AcuCloud', sections: ['acucloud'],                // web manual 7.7
    sectionActions: (section, say) => h('div', { class: 'actions' }, testButton(0, 'TEST AcuCloud', say)) },
  { route: 'mqtt', label: 'MQTT', sections: ['mqtt'], itemSource: 'datalog/parameters', sectionActions: mqttActions },  // 7.10
  { route: 'bacnet', label: 'BACnet/IP', sections: ['bacnet'], sectionActions: bacnetDownloads,  // web manual 7.8
    // BBMD IP, BBMD Port and Time To Live belong to the Foreign Device Function.
    visible: (key, valueOf) => !['bacnet.bbmd_ip', 'bacnet.bbmd_port', 'bacnet.ttl'].includes(key) || valueOf('bacnet.foreign_enable') === true },
  { route: 'snmp', label: 'SNMP', sections: ['snmp'],                            // web manual 7.9
    sectionActions: () => h('div', { class: 'actions' }, h('a', {
      class: 'button', href: '/api/v1/snmp/mib', download: 'ACUREV2100-WEB2-MIB.txt', 'data-testid': 'snmp-mib-download',
    }, 'MIB File Download')) },
  { route: 'sftp', label: 'SFTP', sections: ['sftp'] },
  { route: 'firmware', label: 'Firmware Update', sections: ['update'] },        // web manual 10.1.1 Auto Firmware Update                          // web manual 7.5 "SFTP Enable"
  { route: 'time', label: 'Date & Time', sections: ['time'], sectionActions: timeActions,  // web manual 7.4
    // The NTP servers and poll interval belong to NTP Enabled.
    visible: (key, valueOf) => !key.startsWith('time.ntp_') || key === 'time.ntp_enable' || valueOf('time.ntp_enable') === true },
];

let sectionsCache = null;

// name -> label of every section the module's schema has (GET /api/v1/settings).
export async function sectionLabels() {
  if (!sectionsCache) {
    const reply = await get('settings');
    sectionsCache = Object.fromEntries((reply.sections || []).map((s) => [s.name, s.label || s.name]));
  }
  return sectionsCache;
}

export function forgetSections() {
  sectionsCache = null;
}

export function settingsPage(tab) {
  return (view, ctx) => {
    replace(view, h('h1', {}, tab.label), h('p', { class: 'hint' }, 'Loading...'));
    sectionLabels().then((labels) => {
      if (!ctx.alive()) return;
      const present = { ...tab, sections: tab.sections.filter((s) => s in labels) };
      settingsForm(view, ctx, present, labels);
    }, (error) => replace(view, h('h1', {}, tab.label), h('p', { class: 'error', 'data-testid': 'page-error' }, error.message)));
  };
}
