// An in-page dialog for confirmations ("Reboot now or later?"): window.confirm cannot be styled
// and blocks the page.
import { h } from './dom.js';

// buttons: [{label, value, testid, primary}]; resolves with the value of the button pressed.
export function ask({ title, message, buttons }) {
  return new Promise((resolve) => {
    const close = (value) => {
      overlay.remove();
      resolve(value);
    };
    const overlay = h('div', { class: 'modal-overlay', 'data-testid': 'modal' },
      h('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'modal-title' },
        h('h2', { id: 'modal-title' }, title),
        [].concat(message).map((line) => h('p', {}, line)),
        h('div', { class: 'modal-buttons' }, buttons.map((b) => h('button', {
          type: 'button',
          class: b.primary ? 'primary' : 'secondary',
          'data-testid': b.testid,
          onclick: () => close(b.value),
        }, b.label)))));
    document.body.append(overlay);
    const first = overlay.querySelector('button.primary') || overlay.querySelector('button');
    if (first) first.focus();
  });
}

export function confirmAction(title, message, label) {
  return ask({
    title,
    message,
    buttons: [
      { label: 'Cancel', value: false, testid: 'modal-cancel' },
      { label, value: true, testid: 'modal-confirm', primary: true },
    ],
  });
}
