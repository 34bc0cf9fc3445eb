// Suspect labels: GET /evaluation_sets/{id}/suspects over the chosen runs (by default the
// set's three latest finished runs), ranked; each row links to the item's label page.
import { h, mount } from '../dom.js';
import { enc, get, getAll } from '../api.js';
import { pct, valueText } from '../format.js';

const FINISHED = new Set(['PROCESSED', 'FAILED', 'CANCELLED']);

export async function render(main, { setId, runs: chosen }, ctx) {
  const [set, runs] = await Promise.all([
    get(`/evaluation_sets/${enc(setId)}`),
    getAll('/evaluation_set_runs', { evaluationSetId: setId, maxPageSize: 100 }).catch(() => []),
  ]);
  if (!ctx.isCurrent()) return;
  document.title = `Suspect labels · ${set.name} · Goldset`;
  const finished = runs.filter((r) => FINISHED.has(r.status));
  const ids = chosen ? chosen.split(',').filter(Boolean) : finished.slice(0, 3).map((r) => r.id);
  const body = h('div', { id: 'suspects-body' });
  const picker = h('form', { class: 'inline', id: 'suspects-form', onsubmit: (e) => {
    e.preventDefault();
    const picked = [...picker.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value);
    location.hash = `#/sets/${enc(setId)}/suspects?runs=${picked.map(enc).join(',')}`;
  } },
  finished.map((r) => h('label', { class: 'small' }, h('input', { type: 'checkbox', value: r.id, checked: ids.includes(r.id) }), ' ',
    h('span', { class: 'mono' }, r.id), ` (${(r.entity && r.entity.name) || ''})`)),
  h('button', { type: 'submit', id: 'suspects-go' }, 'Rank'));
  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ', h('a', { href: `#/sets/${enc(setId)}` }, set.name), ' / Suspect labels'),
    h('h1', null, 'Suspect labels'),
    h('p', { class: 'muted' }, 'Labels that several runs agree are wrong, weighted by how reliable each run is on the rest of the set. Pick runs, ideally of different processors.'),
    picker, body);
  if (!ids.length) return mount(body, h('p', { class: 'muted' }, 'No finished run of this set yet.'));
  mount(body, h('p', { class: 'muted small' }, 'Ranking…'));
  try {
    const r = await get(`/evaluation_sets/${enc(setId)}/suspects`, { runs: ids.join(','), maxPageSize: 200 });
    if (!ctx.isCurrent()) return;
    if (!r.data.length) return mount(body, h('p', { class: 'muted', id: 'no-suspects' }, 'No run disagrees with any label.'));
    mount(body,
      h('p', { class: 'muted small' }, `${r.totalSuspects} labels with disagreement; the ${r.data.length} most suspect:`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'suspects-table' },
        h('thead', null, h('tr', null, ['Item', 'Field', 'Expected', 'Runs say', 'Agreeing runs', 'Score'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, r.data.map((s) => h('tr', { 'data-item': s.itemId, 'data-field': s.fieldPath },
          h('td', { 'data-label': 'Item' }, h('span', null, h('a', { href: `#/sets/${enc(setId)}/items/${enc(s.itemId)}`, class: 'mono' }, s.itemId))),
          h('td', { 'data-label': 'Field', class: 'mono' }, h('span', null, s.fieldPath)),
          h('td', { 'data-label': 'Expected' }, h('span', null, valueText(s.expected))),
          h('td', { 'data-label': 'Runs say' }, h('span', null, valueText(s.consensus))),
          h('td', { 'data-label': 'Agreeing runs' }, h('span', null, String(s.agreeingRuns.length))),
          h('td', { 'data-label': 'Score' }, h('span', null, pct(s.score, { class: 'suspect-score' })))))))));
  } catch (err) {
    if (ctx.isCurrent()) mount(body, h('p', { class: 'error', role: 'alert' }, `Ranking failed: ${err.message}`));
  }
}
