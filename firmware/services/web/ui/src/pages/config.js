// Config Management (web manual 11): Backup Current Configuration with a description, the List of
// Local Configurations (Detail, Apply, Export, Delete; at most 10) and Import Configuration of a
// .conf.ehm file. Apply asks "reboot now or later" when settings apply at reboot. docs/config.md.
import { h, replace } from '../dom.js';
import { csrf, del, get, post } from '../api.js';
import { ask, confirmAction } from '../modal.js';

async function sendFile(file) {
  const headers = { 'Content-Type': 'application/octet-stream', Accept: 'application/json' };
  if (csrf()) headers['X-CSRF-Token'] = csrf();
  const reply = await fetch('/api/v1/config/import', { method: 'POST', headers, credentials: 'same-origin', body: file });
  let body = null;
  try { body = await reply.json(); } catch (e) { body = { error: `import answered ${reply.status}` }; }
  if (!reply.ok) throw new Error(body.error || `import answered ${reply.status}`);
  return body;
}

export function configManagement(view, ctx) {
  const admin = ctx.session.level === 'admin';
  const message = h('p', { class: 'message', 'data-testid': 'config-message', role: 'status' });
  const say = (text, isError) => {
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
  };
  const description = h('input', { type: 'text', maxlength: 64, placeholder: 'Enter Description', 'data-testid': 'config-description', disabled: !admin });
  const list = h('div', { 'data-testid': 'config-list' });
  const detail = h('dl', { class: 'facts', 'data-testid': 'config-detail', hidden: true });
  const file = h('input', { type: 'file', accept: '.ehm', 'data-testid': 'config-file', disabled: !admin });

  const showDetail = (c) => {
    const fact = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
    detail.hidden = false;
    replace(detail, ...fact('Model', c.model), ...fact('Serial Number', c.serial), ...fact('Time Created', c.created),
      ...fact('Firmware Version', c.firmware_version), ...fact('Description', c.description));
  };
  const applyIt = async (c) => {
    if (!await confirmAction('Apply configuration', `The existing configuration will be overwritten by ${c.name}. Continue?`, 'Yes')) return;
    try {
      const r = await post(`config/${encodeURIComponent(c.name)}/apply`);
      if (!r.reboot_required) return say('Configuration applied.');
      const now = await ask({
        title: 'Reboot now or later?',
        message: ['A module reboot is required for the configuration to take effect.',
          'If you reboot later, reboot from the Management page for the settings to take effect.'],
        buttons: [
          { label: 'Later', value: false, testid: 'reboot-later' },
          { label: 'Reboot now', value: true, testid: 'reboot-now', primary: true },
        ],
      });
      if (now) ctx.reboot();
      else say('Configuration applied. The settings stay pending until the next reboot.');
    } catch (error) {
      say(error.message, true);
    }
  };
  const deleteIt = async (c) => {
    if (!await confirmAction('Delete configuration', `Delete ${c.name}?`, 'Delete')) return;
    try {
      await del(`config/${encodeURIComponent(c.name)}`);
      say(`Deleted ${c.name}.`);
      load();
    } catch (error) {
      say(error.message, true);
    }
  };
  const draw = (reply) => {
    if (!reply.configurations.length) return replace(list, h('p', { class: 'hint' }, 'No Data'));
    replace(list, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Filename'), h('th', {}, ''))),
      h('tbody', {}, ...reply.configurations.map((c) => h('tr', { 'data-testid': 'config-row' }, h('td', {}, c.name),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'small', onclick: () => showDetail(c) }, 'Detail'),
          h('button', { type: 'button', class: 'small', disabled: !admin, onclick: () => applyIt(c) }, 'Apply'),
          admin ? h('a', { class: 'button small', href: `/api/v1/config/${encodeURIComponent(c.name)}/file`, download: c.name }, 'Export') : null,
          h('button', { type: 'button', class: 'small', disabled: !admin, onclick: () => deleteIt(c) }, 'Delete')))))));
  };
  const load = () => get('config').then(draw, (error) => say(error.message, true));
  const backupIt = async () => {
    try {
      const r = await post('config/backup', { description: description.value });
      say(`Backed up as ${r.name}.`);
      description.value = '';
      load();
    } catch (error) {
      say(error.message, true);
    }
  };
  const importIt = async () => {
    if (!file.files.length) return say('Choose a configuration file (.conf.ehm) first.', true);
    try {
      const r = await sendFile(file.files[0]);
      say(r.message);
      load();
    } catch (error) {
      say(error.message, true);
    }
  };

  replace(view, h('h1', {}, 'Config Management'),
    h('p', { class: 'hint' }, 'Note: Configurations of specific network settings, AcuCloud, Remote Access, MQTT\'s client ID and SSL certificates won\'t be included in backup/apply/import/export as they are device specific.'),
    h('p', { class: 'hint' }, 'Note: Cannot have more than 10 configurations.'),
    admin ? null : h('p', { class: 'hint read-only' }, 'Read only: log in at the Admin level to manage configurations.'),
    h('h2', {}, 'Backup Current Configuration'),
    h('div', { class: 'actions' }, description, h('button', { type: 'button', class: 'primary', 'data-testid': 'config-backup', disabled: !admin, onclick: backupIt }, 'Backup')),
    h('h2', {}, 'Local Configurations'), list, detail,
    h('h2', {}, 'Import Configuration'),
    h('div', { class: 'actions' }, file, h('button', { type: 'button', class: 'primary', 'data-testid': 'config-import', disabled: !admin, onclick: importIt }, 'Import')),
    message);
  load();
}
