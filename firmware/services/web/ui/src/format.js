// How a reading is shown: three decimals as the manual's pages, and its quality visible
// (docs/api.md "Values": stale = the last value read, never_read = 0 and not from the board).
import { h } from './dom.js';

const QUALITY_TITLES = {
  stale: 'Stale: the board has not answered for 30 s; this is the last value read',
  never_read: 'Never read: the board has not answered yet',
};

const LOAD_NATURE = ['R', 'L', 'C'];

export function number(value, digits = 3) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value == null ? '-' : String(value);
  const text = value.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;  // no "-0.000" for a value just below zero
}

export function loadNature(value) {
  return typeof value === 'number' ? LOAD_NATURE[Math.round(value)] || String(value) : String(value);
}

// Marks an element with a reading's quality: a class, a data attribute for tests and a title.
export function markQuality(el, given) {
  const quality = String(given || 'fresh').replace(/\s+/g, '_');  // "never read" is never_read too
  el.dataset.quality = quality;
  if (quality === 'stale' || quality === 'never_read') {
    el.classList.add('stale');
    if (quality === 'never_read') el.classList.add('never-read');
    el.title = QUALITY_TITLES[quality];
  }
  return el;
}

// A table cell for one reading of a group reply; "-" where the reply has no such key.
// `field` shows another member of the reading than its value (a demand peak's peak_time).
export function readingCell(values, key, show = number, field = 'value') {
  if (!key) return h('td', { class: 'num empty' }, '-');
  const reading = values && values[key];
  if (!reading) return h('td', { class: 'num missing', 'data-key': key, title: 'Not in the reply' }, '-');
  const cell = h('td', { class: 'num', 'data-key': field === 'value' ? key : `${key}.${field}` },
    show(reading[field]));
  if (reading.name) cell.dataset.name = reading.name;
  return markQuality(cell, reading.quality);
}

// "Updated <time>" under a table, marked stale when the group's worst quality is.
export function updatedNote(reply) {
  if (!reply) return null;
  const note = h('p', { class: 'updated', 'data-testid': 'updated' },
    reply.time ? `Updated ${reply.time}` : 'Updated');
  if (reply.quality && reply.quality !== 'fresh') {
    note.append(reply.quality === 'stale' ? ' (stale: the board is not answering)' : ' (not read from the meter yet)');
  }
  return markQuality(note, reply.quality);
}
