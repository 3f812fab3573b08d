// The Settings tabs: each is a label and the schema sections it shows, drawn by the settings
// engine (settings-form.js). A new tab is one line here; a tab none of whose sections the
// module has is left out of the menu.
import { h, replace } from '../dom.js';
import { get } from '../api.js';
import { settingsForm } from '../settings-form.js';

export const SETTINGS_TABS = [
  { route: 'meter', label: 'Meter', sections: ['device', 'meter'] },             // web manual 6.6.1
  { route: 'network', label: 'Network', sections: ['network'] },                 // web manual 7.1
  { route: 'web', label: 'Web', sections: ['web'] },                             // session timeout, web ports
  { route: 'sftp', label: 'SFTP', sections: ['sftp'] },                          // web manual 7.5 "SFTP Enable"
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
