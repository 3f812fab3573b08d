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

const GROUP_LABELS = { realtime: 'Real-Time', energy: 'Energy', demand: 'Demand', power_quality: 'Power Quality', io: 'I/O' };

// A list setting (a data logger's parameters, web manual 7.5): a check box per item, by group,
// each group with All and Clear. info: item -> {name, unit, groups} from the tab's item source.
function listControl(setting, common, disabled, info) {
  const chosen = new Set(Array.isArray(setting.value) ? setting.value : []);
  const items = setting.items || [];
  const groupOf = (item) => ((info[item] && info[item].groups && info[item].groups[0]) || 'other');
  const boxes = new Map();
  const groups = [];
  for (const item of items) {
    const g = groupOf(item);
    let group = groups.find((x) => x.name === g);
    if (!group) groups.push(group = { name: g, items: [] });
    group.items.push(item);
  }
  const box = (item) => {
    const input = h('input', {
      type: 'checkbox', value: item, checked: chosen.has(item), disabled, 'data-item': item, 'data-testid': `item-${setting.key}-${item}`,
    });
    boxes.set(item, input);
    const what = info[item] ? `${info[item].name}${info[item].unit ? ` (${info[item].unit})` : ''}` : item;
    return h('label', { class: 'check', title: item }, input, ` ${what}`);
  };
  const setAll = (names, on) => {
    names.forEach((item) => { boxes.get(item).checked = on; });
    boxes.get(names[0]).dispatchEvent(new Event('change', { bubbles: true }));
  };
  const el = h('div', { class: 'list-control', id: common.id, 'data-input': setting.key, role: 'group' },
    groups.map((g) => h('fieldset', { class: 'list-group', 'data-group': g.name },
      h('legend', {}, GROUP_LABELS[g.name] || g.name,
        h('button', { type: 'button', class: 'small', disabled, 'data-testid': `all-${setting.key}-${g.name}`, onclick: () => setAll(g.items, true) }, 'All'),
        h('button', { type: 'button', class: 'small', disabled, 'data-testid': `clear-${setting.key}-${g.name}`, onclick: () => setAll(g.items, false) }, 'Clear')),
      h('div', { class: 'checks' }, g.items.map(box)))));
  return { el, read: () => items.filter((item) => boxes.get(item).checked) };
}

// One input per setting type; read() gives the value to send, in the type the API expects.
function control(setting, disabled, info) {
  const id = fieldId(setting.key);
  const common = { id, name: setting.key, disabled, 'data-input': setting.key };
  switch (setting.type) {
    case 'list':
      return listControl(setting, common, disabled, info || {});
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

function field(setting, readOnly, info) {
  const input = control(setting, readOnly, info);
  const error = h('div', { class: 'field-error', role: 'alert', 'data-testid': `error-${setting.key}`, hidden: true });
  const el = h('div', { class: 'field', 'data-setting': setting.key, 'data-testid': `setting-${setting.key}` },
    h('label', { class: 'field-label', for: fieldId(setting.key) }, setting.label),
    h('div', { class: 'control' },
      input.el,
      setting.unit ? h('span', { class: 'unit' }, setting.unit) : null,
      setting.pending ? h('span', { class: 'badge pending', 'data-testid': `pending-${setting.key}`, title: 'Saved; applies at the next reboot' }, 'pending reboot') : null),
    setting.range && setting.type !== 'list' ? h('div', { class: 'range' }, setting.range) : null,
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
    const invalid = view.querySelector('.field.invalid');
    const section = invalid && invalid.closest('fieldset.section');
    if (section) showSection(section.dataset.section);
    const first = view.querySelector('.field.invalid input, .field.invalid select');
    if (first) first.focus();
  };
  const clearErrors = () => {
    fields.forEach((f) => f.clearError());
    replace(formError);
    formError.hidden = true;
  };

  // A tab may show its sections one at a time (tab.tabbed: Data Log 1-3), hide fields that do not
  // apply to the values chosen (tab.visible(key, valueOf): a post channel's method), add buttons to
  // a section (tab.sectionActions(section, say)) and name where a list's items are described
  // (tab.itemSource: an API path answering {parameters: [{key, name, unit, groups}]}).
  let active = null;
  const strip = h('div', { class: 'subtabs', role: 'tablist', hidden: !tab.tabbed });
  const valueOf = (key) => {
    const f = fields.find((x) => x.setting.key === key);
    return f ? f.value() : undefined;
  };
  const applyVisibility = () => {
    if (!tab.visible) return;
    for (const f of fields) f.el.hidden = !tab.visible(f.setting.key, valueOf);
  };
  const showSection = (section) => {
    active = section;
    for (const set of body.querySelectorAll('fieldset.section')) set.hidden = Boolean(tab.tabbed) && set.dataset.section !== section;
    for (const b of strip.querySelectorAll('button')) b.setAttribute('aria-selected', String(b.dataset.section === section));
  };

  const load = async () => {
    const [replies, items] = await Promise.all([
      Promise.all(tab.sections.map((s) => get(`settings/${s}`))),
      tab.itemSource ? get(tab.itemSource) : null,
    ]);
    if (!ctx.alive()) return;
    const info = Object.fromEntries(((items && items.parameters) || []).map((p) => [p.key, p]));
    fields = [];
    replace(body, tab.sections.map((section, i) => {
      const sectionFields = settingsOf(replies[i]).map((s) => field(s, readOnly, info));
      fields.push(...sectionFields);
      return h('fieldset', { class: 'section', 'data-section': section },
        h('legend', {}, sectionLabels[section] || section),
        sectionFields.map((f) => f.el),
        tab.sectionActions && !readOnly ? tab.sectionActions(section, say) : null);
    }));
    replace(strip, tab.sections.map((section) => h('button', {
      type: 'button', role: 'tab', 'data-section': section, 'data-testid': `subtab-${section}`, onclick: () => showSection(section),
    }, sectionLabels[section] || section)));
    showSection(active && tab.sections.includes(active) ? active : tab.sections[0]);
    applyVisibility();
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
      onchange: applyVisibility,
    }, formError, strip, body, message, actions));
  load().catch((error) => replace(body, h('p', { class: 'error', 'data-testid': 'page-error' }, error.message)));
}
