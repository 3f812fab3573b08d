// User Access Login (web manual 6.1): the access level, the password, and the certificate.
import { h, replace } from '../dom.js';

const LEVELS = [
  ['user', 'User', 'View reports and settings'],
  ['admin', 'Admin', 'Edit settings, control meter'],
];

// ctx.login(level, password) resolves once signed in; a rejection carries the API's error.
export function login(view, ctx) {
  const error = h('p', { class: 'error', 'data-testid': 'login-error', role: 'alert', hidden: true });
  const password = h('input', {
    type: 'password', id: 'password', name: 'password', placeholder: 'Enter Password', autocomplete: 'current-password', 'data-testid': 'password',
  });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'sign-in' }, 'Sign In');
  const fail = (text) => {
    error.textContent = text;
    error.hidden = false;
  };

  const form = h('form', {
    class: 'login', 'data-testid': 'login-form', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      error.hidden = true;
      const level = form.querySelector('input[name="level"]:checked');
      if (!level) return fail('Select an access level.');
      if (!password.value) return fail('Enter the password.');
      submit.disabled = true;
      try {
        await ctx.login(level.value, password.value);
      } catch (e) {
        password.value = '';
        if (e.status === 429) {
          fail(`${e.message}${e.retryAfter ? ` Try again in ${e.retryAfter} s.` : ''}`);
        } else {
          fail(e.message);
        }
      } finally {
        submit.disabled = false;
      }
      return undefined;
    },
  },
  h('h1', {}, 'AcuRev 2100'),
  ctx.notice ? h('p', { class: 'notice', 'data-testid': 'login-notice' }, ctx.notice) : null,
  h('fieldset', { class: 'levels' },
    h('legend', {}, 'Access level*'),
    LEVELS.map(([value, label, hint]) => h('label', { class: 'level' },
      h('input', { type: 'radio', name: 'level', value, 'data-testid': `level-${value}` }),
      h('span', { class: 'level-name' }, label),
      h('span', { class: 'level-hint' }, hint)))),
  h('label', { for: 'password', class: 'field-label' }, 'Password*'),
  password,
  error,
  submit,
  h('a', { class: 'certificate', href: '/api/v1/certificate', download: 'acurev-certificate.pem', 'data-testid': 'certificate' }, 'SSL Certificate'),
  h('p', { class: 'hint' }, 'It is recommended that no more than 5 users are logged in at the same time for the User level to ensure the optimal performance of the web interface.'));

  replace(view, h('div', { class: 'login-page' }, form));
  password.focus();
}
