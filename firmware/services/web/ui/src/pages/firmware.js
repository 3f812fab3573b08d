// Firmware (web manual 10.1): the running version and the slots; Remote Update (Check the update
// server, Download: the module reboots into it); Manual Update: upload an .a2up package (with its
// progress), see "Firmware file is ready for processing" with what it is, then Process (the module
// reboots into it on trial) or Cancel. How packages are checked: docs/update.md.
import { h, replace } from '../dom.js';
import { csrf, get, post } from '../api.js';
import { confirmAction } from '../modal.js';

// XMLHttpRequest, not fetch: only it reports an upload's progress.
function send(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/firmware/upload');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrf()) xhr.setRequestHeader('X-CSRF-Token', csrf());
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = { error: xhr.responseText }; }
      if (xhr.status === 200) resolve(body); else reject(new Error(body.error || `upload answered ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error('the upload did not reach the module'));
    xhr.send(file);
  });
}

export function firmware(view, ctx) {
  const admin = ctx.session.level === 'admin';
  const running = h('dl', { class: 'facts', 'data-testid': 'firmware-running' });
  const message = h('p', { class: 'message', 'data-testid': 'firmware-message', role: 'status' });
  const ready = h('div', { 'data-testid': 'firmware-ready', hidden: true });
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'data-testid': 'firmware-progress' });
  const file = h('input', { type: 'file', accept: '.a2up', 'data-testid': 'firmware-file', disabled: !admin });
  const say = (text, isError) => {
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
  };

  const draw = (s) => {
    const fact = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
    replace(running, ...fact('Running Version', s.running), ...fact('Slot', `${s.booted_slot}${s.trial ? ' (on trial)' : ''}`),
      ...fact('Last Boot', s.last_boot),
      ...s.slots.flatMap((slot) => fact(`Slot ${slot.name}`, slot.version ? `${slot.version} (${slot.size} bytes)` : 'factory / empty')));
    ready.hidden = s.state !== 'ready';
    if (s.state === 'ready') {
      const p = s.package;
      replace(ready, h('p', { 'data-testid': 'firmware-ready-message' }, s.message),
        h('p', {}, `Version ${p.version}${p.critical ? ' (critical)' : ''}, for ${p.model}. ${p.release_notes || ''}`),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'primary', 'data-testid': 'firmware-process', disabled: !admin, onclick: processIt }, 'Process'),
          h('button', { type: 'button', 'data-testid': 'firmware-cancel', disabled: !admin, onclick: cancelIt }, 'Cancel')));
    }
  };
  const load = () => get('firmware').then(draw, (error) => say(error.message, true));

  const uploadIt = async () => {
    if (!file.files.length) return say('Choose a firmware file (.a2up) first.', true);
    progress.hidden = false;
    progress.value = 0;
    say('Uploading...');
    try {
      const s = await send(file.files[0], (f) => { progress.value = f; });
      draw(s);
      say(s.message);
    } catch (error) {
      say(error.message, true);
      load();
    } finally {
      progress.hidden = true;
    }
  };
  async function processIt() {
    if (!await confirmAction('Process firmware', 'The web module reboots into the new firmware. Go on?', 'Process')) return;
    ctx.reboot(() => post('firmware/process'));
  }
  async function cancelIt() {
    try {
      draw(await post('firmware/cancel'));
      say('Cancelled: the firmware file is discarded.');
    } catch (error) {
      say(error.message, true);
    }
  }

  const remote = h('div', { 'data-testid': 'firmware-remote' });
  const checkIt = async () => {
    say('Checking the update server...');
    try {
      const s = await post('firmware/check');
      draw(s);
      if (!s.available) {
        replace(remote);
        return say(`No newer firmware than ${s.running} on the update server.`);
      }
      say(`Firmware ${s.offer.version}${s.offer.critical ? ' (critical)' : ''} is available. ${s.offer.notes || ''}`);
      replace(remote, h('button', { type: 'button', class: 'primary', 'data-testid': 'firmware-download', disabled: !admin, onclick: downloadIt },
        `Download ${s.offer.version}`));
    } catch (error) {
      say(error.message, true);
    }
  };
  async function downloadIt() {
    if (!await confirmAction('Remote update', 'Download the firmware? Once it is downloaded and checked the web module reboots into it.', 'Download')) return;
    say('Downloading...');
    ctx.reboot(() => post('firmware/download'));
  }

  replace(view, h('h1', {}, 'Firmware'), running,
    h('h2', {}, 'Remote Update'),
    h('div', { class: 'actions' }, h('button', { type: 'button', 'data-testid': 'firmware-check', disabled: !admin, onclick: checkIt }, 'Check')),
    remote,
    h('p', { class: 'hint' }, h('a', { href: '#/settings/firmware' }, 'Auto Firmware Update and the update server are in Settings → Firmware Update.')),
    h('h2', {}, 'Manual Update'),
    admin ? null : h('p', { class: 'hint read-only' }, 'Read only: log in at the Admin level to update the firmware.'),
    h('div', { class: 'actions' }, file,
      h('button', { type: 'button', class: 'primary', 'data-testid': 'firmware-upload', disabled: !admin, onclick: uploadIt }, 'Upload')),
    progress, ready, message);
  load();
}
