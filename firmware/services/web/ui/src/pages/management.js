// Management (web manual 8.1-8.3): parameter resets, the web module reboot, the API token, the
// passwords and the SSL certificate (6.1); and the health of the module's services.
import { h, replace } from '../dom.js';
import { get, post, put } from '../api.js';
import { confirmAction } from '../modal.js';

const RESETS = [
  ['demand', 'Demand'],
  ['energy', 'Energy'],
  ['alarm-record', 'Alarm Record'],
  ['run-time', 'Device Run Time'],
];
const MIN_PASSWORD = 6;  // web manual 8.3

export function management(view, ctx) {
  const admin = ctx.session.level === 'admin';
  const message = h('p', { class: 'message', 'data-testid': 'management-message', role: 'status' });
  const token = h('code', { class: 'token', 'data-testid': 'api-token' }, admin ? '...' : 'Admin only');
  const say = (text, isError) => {
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
  };
  const run = async (title, question, label, action, done) => {
    if (!await confirmAction(title, question, label)) return;
    try {
      await action();
      say(done);
    } catch (error) {
      say(error.message, true);
    }
  };
  const loadToken = () => get('api-token').then((reply) => { token.textContent = reply.token; });

  const row = (label, button, extra) => h('tr', {}, h('th', { scope: 'row' }, label, extra), h('td', {}, button));
  const button = (testid, label, onclick) => h('button', { type: 'button', 'data-testid': testid, disabled: !admin, onclick }, label);

  const resets = h('table', { class: 'info management', 'data-testid': 'resets' },
    h('caption', {}, 'Management'),
    h('tbody', {},
      RESETS.map(([path, label]) => row(label, button(`reset-${path}`, 'Reset', () => run(
        `Reset ${label}`, `Reset ${label} on the meter? This cannot be undone.`, 'Reset',
        () => post(`resets/${path}`), `${label} was reset.`)))),
      row('Web Module', button('reboot-module', 'Reboot', async () => {
        if (await confirmAction('Reboot', 'Reboot the web module? Settings pending a reboot apply.', 'Reboot')) ctx.reboot();
      })),
      row('API Token', button('reset-api-token', 'Reset', () => run(
        'Reset API Token', 'Make a new API token? The old one stops working.', 'Reset',
        () => post('api-token/reset').then(loadToken), 'A new API token was made.')), h('div', {}, token))));

  replace(view,
    h('h1', {}, 'Management'),
    admin ? null : h('p', { class: 'hint read-only' }, 'Read only: log in at the Admin level to reset, reboot, change passwords or upload a certificate.'),
    message,
    h('div', { class: 'table-wrap' }, resets),
    passwordForm(admin),
    certificateForm(admin));
  if (admin) loadToken().catch((error) => say(error.message, true));
}

function passwordForm(admin) {
  const input = (id, label) => h('div', { class: 'field' },
    h('label', { class: 'field-label', for: id }, label),
    h('div', { class: 'control' }, h('input', {
      type: 'password', id, 'data-testid': id, placeholder: `Enter ${label}`, autocomplete: id === 'current-admin-password' ? 'current-password' : 'new-password', disabled: !admin,
    })));
  const message = h('p', { class: 'message', 'data-testid': 'password-message', role: 'status' });
  const form = h('form', {
    class: 'settings passwords', 'data-testid': 'password-form', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const value = (id) => form.querySelector(`#${id}`).value;
      const body = { current_admin_password: value('current-admin-password') };
      if (value('admin-new-password')) body.admin_password = value('admin-new-password');
      if (value('view-new-password')) body.user_password = value('view-new-password');
      const fail = (text) => { message.textContent = text; message.classList.add('error'); };
      message.classList.remove('error');
      if (!body.current_admin_password) return fail('Enter the Admin Current Password.');
      if (!body.admin_password && !body.user_password) return fail('Enter a new password.');
      if ([body.admin_password, body.user_password].some((p) => p !== undefined && p.length < MIN_PASSWORD)) {
        return fail(`All new passwords must be ${MIN_PASSWORD} characters or more.`);
      }
      try {
        await put('passwords', body);
        form.reset();
        message.textContent = 'The passwords were changed.';
      } catch (error) {
        fail(error.status === 403 ? `The Admin Current Password is wrong. (${error.message})` : error.message);
      }
      return undefined;
    },
  },
  h('fieldset', { class: 'section' },
    h('legend', {}, 'Change Password'),
    h('p', { class: 'hint' }, 'All new passwords must be 6 characters or more.'),
    input('current-admin-password', 'Admin Current Password'),
    input('admin-new-password', 'Admin New Password'),
    input('view-new-password', 'View New Password'),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'password-save', disabled: !admin }, 'Save'))));
  return form;
}

const readText = (file) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(reader.result);
  reader.onerror = () => reject(reader.error);
  reader.readAsText(file);
});

// The certificate and private key the module serves HTTPS with (PUT /api/v1/certificate): the
// module checks the pair and serves it to every new connection.
function certificateForm(admin) {
  const input = (id, label) => h('div', { class: 'field' },
    h('label', { class: 'field-label', for: id }, label),
    h('div', { class: 'control' }, h('input', {
      type: 'file', id, 'data-testid': id, accept: '.pem,.crt,.cer,.key', disabled: !admin,
    })));
  const message = h('p', { class: 'message', 'data-testid': 'certificate-message', role: 'status' });
  const say = (text, isError) => {
    message.textContent = text;
    message.classList.toggle('error', Boolean(isError));
  };
  const form = h('form', {
    class: 'settings certificate-upload', 'data-testid': 'certificate-form', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const [certificate, key] = ['certificate-file', 'private-key-file'].map((id) => form.querySelector(`#${id}`).files[0]);
      if (!certificate || !key) return say('Choose the certificate file and the private key file.', true);
      say('Uploading...');
      try {
        await put('certificate', { certificate: await readText(certificate), private_key: await readText(key) });
        form.reset();
        say('The certificate was replaced. New connections use it: reload the page to see it.');
      } catch (error) {
        say(`Not uploaded: ${error.message}`, true);
      }
      return undefined;
    },
  },
  h('fieldset', { class: 'section' },
    h('legend', {}, 'SSL Certificate'),
    h('p', { class: 'hint' }, 'The certificate and its private key as PEM files. Once uploaded, the module serves the new certificate to every new connection: reload the page to use it. ',
      h('a', { href: '/api/v1/certificate', download: 'acurev-certificate.pem', 'data-testid': 'certificate-download' }, 'Download the current certificate')),
    input('certificate-file', 'Certificate (.pem)'),
    input('private-key-file', 'Private Key (.pem)'),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'certificate-upload', disabled: !admin }, 'Upload'))));
  return form;
}

export function services(view, ctx) {
  const box = h('div', { class: 'table-wrap' });
  const errorBox = h('p', { class: 'error', 'data-testid': 'page-error', hidden: true });
  const refresh = () => get('services').then((reply) => {
    if (!ctx.alive()) return;
    errorBox.hidden = true;
    replace(box, h('table', { class: 'readings', 'data-testid': 'services-table' },
      h('caption', {}, 'Services'),
      h('thead', {}, h('tr', {}, ['Service', 'State', 'Detail', 'Failures'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, (reply.services || []).map((s) => h('tr', { 'data-service': s.name },
        h('th', { scope: 'row' }, s.label || s.name),
        h('td', {}, h('span', { class: `state state-${s.state}` }, s.state)),
        h('td', {}, s.detail || ''),
        h('td', { class: 'num' }, s.failures == null ? '-' : String(s.failures)))))));
  }, (error) => {
    errorBox.hidden = false;
    errorBox.textContent = error.message;
  });
  replace(view, h('h1', {}, 'Services'), h('p', { class: 'hint' }, 'The health of the web module\'s services; updated every 10 s.'), errorBox, box);
  ctx.every(10000, refresh);
}
