// The settings-page engine (web manual 6.6 and every later settings tab): a form drawn from
// GET /api/v1/settings/{section}. Save sends the changed keys of all the tab's sections in one
// PUT /api/v1/settings (all or nothing), shows each error of a 400 next to its field (the
// validator's messages start with the setting's label), and asks "Reboot now or later?" when the
// reply lists settings that apply at the next reboot.
import { h, replace } from './dom.js';
import { get, put } from './api.js';
import { ask } from './modal.js';

const SECRET_MASK = '********';

const fieldId = (key) => `setting-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;

// One input per setting type; read() gives the value to send, in the type the API expects.
function control(setting, disabled) {
  const id = fieldId(setting.key);
  const common = { id, name: setting.key, disabled, 'data-input': setting.key };
  switch (setting.type) {
    case 'boolean': {
      const radio = (value, label) => h('label', { class: 'radio' },
        h('input', { ...common, id: `${id}-${value}`, type: 'radio', value: String(value), checked: setting.value === value }), label);
      const el = h('span', { class: 'radios', role: 'radiogroup', id }, radio(true, 'Enable'), radio(false, 'Disable'));
      return { el, read: () => { const on = el.querySelector('input:checked'); return on ? on.value === 'true' : null; } };
    }
    case 'choice': {
      const choices = setting.choices || [];
      const matches = (c) => String(c.code) === String(setting.value) || String(c.label) === String(setting.value);
      const el = h('select', common, choices.map((c, i) => h('option', { value: String(i), selected: matches(c) }, c.label)));
      if (!choices.some(matches)) el.selectedIndex = -1;
      return { el, read: () => (el.selectedIndex < 0 ? setting.value : choices[el.selectedIndex].code) };
    }
    case 'integer':
    case 'number': {
      const el = h('input', {
        ...common, type: 'number', step: setting.type === 'integer' ? '1' : 'any', inputmode: 'decimal', value: setting.value == null ? '' : String(setting.value),
      });
      // A text the browser cannot read as a number goes as it is, so the validator names it.
      return { el, read: () => (el.value.trim() !== '' && Number.isFinite(Number(el.value)) ? Number(el.value) : el.value) };
    }
    default: {
      if (setting.secret) {
        const el = h('input', { ...common, type: 'password', value: '', placeholder: SECRET_MASK, autocomplete: 'new-password' });
        return { el, read: () => (el.value === '' ? undefined : el.value) };
      }
      const el = h('input', { ...common, type: 'text', value: setting.value == null ? '' : String(setting.value) });
      return { el, read: () => el.value };
    }
  }
}

function field(setting, readOnly) {
  const input = control(setting, readOnly);
  const error = h('div', { class: 'field-error', role: 'alert', 'data-testid': `error-${setting.key}`, hidden: true });
  const el = h('div', { class: 'field', 'data-setting': setting.key, 'data-testid': `setting-${setting.key}` },
    h('label', { class: 'field-label', for: fieldId(setting.key) }, setting.label),
    h('div', { class: 'control' },
      input.el,
      setting.unit ? h('span', { class: 'unit' }, setting.unit) : null,
      setting.pending ? h('span', { class: 'badge pending', 'data-testid': `pending-${setting.key}`, title: 'Saved; applies at the next reboot' }, 'pending reboot') : null),
    setting.range ? h('div', { class: 'range' }, setting.range) : null,
    setting.applies === 'reboot' ? h('div', { class: 'applies' }, 'Applies after the web module reboots.') : null,
    error);
  const initial = input.read();
  return {
    el,
    setting,
    changed: () => input.read() !== undefined && String(input.read()) !== String(initial),
    value: () => input.read(),
    showError: (text) => {
      error.hidden = false;
      error.append(h('div', {}, text));
      el.classList.add('invalid');
    },
    clearError: () => {
      replace(error);
      error.hidden = true;
      el.classList.remove('invalid');
    },
  };
}

const settingsOf = (reply) => (Array.isArray(reply) ? reply : (reply && reply.settings) || []);

// The field an error message belongs to: the longest label it starts with, as a whole word
// ("CT Ratio 10 must ..." is CT Ratio 10's, not CT Ratio 1's).
function fieldOfError(fields, message) {
  let best = null;
  for (const f of fields) {
    const label = f.setting.label;
    if (!label || !message.startsWith(label) || /[A-Za-z0-9]/.test(message.charAt(label.length))) continue;
    if (!best || label.length > best.setting.label.length) best = f;
  }
  return best;
}

// tab: {label, sections}; sectionLabels: name -> label from GET /api/v1/settings.
export function settingsForm(view, ctx, tab, sectionLabels) {
  const readOnly = ctx.session.level !== 'admin';
  let fields = [];
  const formError = h('div', { class: 'error', 'data-testid': 'settings-errors', role: 'alert', hidden: true });
  const message = h('p', { class: 'message', 'data-testid': 'settings-message', role: 'status' });
  const body = h('div', { class: 'sections' }, h('p', { class: 'hint' }, 'Loading...'));

  const say = (text) => {
    message.textContent = text;
  };
  const showErrors = (errors) => {
    const unplaced = [];
    for (const text of errors) {
      const f = fieldOfError(fields, text);
      if (f) f.showError(text); else unplaced.push(text);
    }
    replace(formError, unplaced.map((text) => h('div', {}, text)));
    formError.hidden = unplaced.length === 0;
    const first = view.querySelector('.field.invalid input, .field.invalid select');
    if (first) first.focus();
  };
  const clearErrors = () => {
    fields.forEach((f) => f.clearError());
    replace(formError);
    formError.hidden = true;
  };

  const load = async () => {
    const replies = await Promise.all(tab.sections.map((s) => get(`settings/${s}`)));
    if (!ctx.alive()) return;
    fields = [];
    replace(body, tab.sections.map((section, i) => {
      const sectionFields = settingsOf(replies[i]).map((s) => field(s, readOnly));
      fields.push(...sectionFields);
      return h('fieldset', { class: 'section', 'data-section': section },
        h('legend', {}, sectionLabels[section] || section),
        sectionFields.map((f) => f.el));
    }));
  };

  const askReboot = async (keys) => {
    const labels = keys.map((key) => (fields.find((f) => f.setting.key === key) || { setting: { label: key } }).setting.label);
    const now = await ask({
      title: 'Reboot now or later?',
      message: [`These settings apply when the web module reboots: ${labels.join(', ')}.`, 'Reboot now or later?'],
      buttons: [
        { label: 'Later', value: false, testid: 'reboot-later' },
        { label: 'Reboot now', value: true, testid: 'reboot-now', primary: true },
      ],
    });
    if (now) ctx.reboot();
    else say('Saved. The settings stay pending until the next reboot.');
  };

  // Every changed key of the tab goes in one PUT /api/v1/settings, so a tab of several sections
  // is one change: the module checks it as a whole and saves all of it or nothing.
  const save = async () => {
    clearErrors();
    const changes = {};
    for (const f of fields.filter((x) => x.changed())) changes[f.setting.key] = f.value();
    if (!Object.keys(changes).length) {
      say('Nothing changed.');
      return;
    }
    say('Saving...');
    let reply;
    try {
      reply = await put('settings', changes);
    } catch (error) {
      say('Not saved.');
      showErrors(error.errors.length ? error.errors : [error.message]);
      return;
    }
    await load();
    say('Saved.');
    ctx.refreshPending();
    const pending = (reply && reply.pending_reboot) || [];
    if (pending.length) askReboot(pending);
  };

  const actions = readOnly
    ? h('p', { class: 'hint read-only', 'data-testid': 'settings-read-only' }, 'Read only: log in at the Admin level to change settings.')
    : h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'settings-save' }, 'Save'));

  replace(view,
    h('h1', {}, tab.label),
    h('form', {
      class: 'settings', 'data-testid': 'settings-form', novalidate: true,
      onsubmit: (event) => { event.preventDefault(); if (!readOnly) save(); },
    }, formError, body, message, actions));
  load().catch((error) => replace(body, h('p', { class: 'error', 'data-testid': 'page-error' }, error.message)));
}
