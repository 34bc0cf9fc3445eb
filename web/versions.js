// Versions, history and re-scoring in the dashboard (docs/evaluation.md § Versions,
// history and re-scoring): the set's version history, an item's revisions with diffs and
// revert, promote on a run item, the re-score button and rescoredFrom on a run page.
// Each widget returns its node at once and fills it behind the page.
import { h, mount } from './dom.js';
import { enc, get, post } from './api.js';
import { dateTime, valueText } from './format.js';
import { diffPair } from './diff.js';

const who = (by) => (by && by.name) || (by && by.type) || 'unknown';

// The set page: GET /evaluation_sets/{id}/versions, newest first.
export function versionHistory(set, ctx) {
  const body = h('div', null, h('p', { class: 'muted small' }, 'Loading versions…'));
  const node = h('section', { 'aria-labelledby': 'versions-h', id: 'set-versions' },
    h('h2', { id: 'versions-h' }, 'Versions'),
    h('p', { class: 'muted small' }, 'Version ', h('strong', { id: 'set-version', 'data-value': set.version }, String(set.version)),
      ' · content hash ', h('span', { class: 'mono', id: 'set-content-hash' }, (set.contentHash || '').slice(0, 12))),
    body);
  get(`/evaluation_sets/${enc(set.id)}/versions`, { maxPageSize: 50 }).then((page) => {
    if (!ctx.isCurrent()) return;
    if (!page.data.length) return mount(body, h('p', { class: 'muted' }, 'No changes yet.'));
    mount(body, h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'versions-table' },
      h('thead', null, h('tr', null, ['Version', 'When', 'By', 'Created', 'Updated', 'Deleted', 'Items', 'Hash'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, page.data.map((v) => h('tr', { 'data-version': v.version },
        h('td', { 'data-label': 'Version' }, h('span', null, String(v.version))),
        h('td', { 'data-label': 'When' }, h('span', null, dateTime(v.createdAt))),
        h('td', { 'data-label': 'By' }, h('span', null, who(v.createdBy))),
        h('td', { 'data-label': 'Created' }, h('span', null, String(v.change.created))),
        h('td', { 'data-label': 'Updated' }, h('span', null, String(v.change.updated))),
        h('td', { 'data-label': 'Deleted' }, h('span', null, String(v.change.deleted))),
        h('td', { 'data-label': 'Items' }, h('span', null, String(v.itemCount))),
        h('td', { 'data-label': 'Hash', class: 'mono' }, h('span', null, v.contentHash.slice(0, 12)))))))),
    page.nextPageToken ? h('p', { class: 'muted small' }, 'Older versions: GET /evaluation_sets/{id}/versions.') : null);
  }).catch((err) => { if (ctx.isCurrent()) mount(body, h('p', { class: 'error' }, `Versions could not be loaded: ${err.message}`)); });
  return node;
}

// Flattens an expected output's value into path -> text, for field-level diffs.
function flat(value, prefix = '', out = {}) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flat(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix || '(output)'] = valueText(value);
  }
  return out;
}

function changes(before, after) {
  const a = flat(before && before.value !== undefined ? before.value : before);
  const b = flat(after && after.value !== undefined ? after.value : after);
  const rows = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[key] === b[key]) continue;
    const marked = a[key] !== undefined && b[key] !== undefined ? diffPair(a[key], b[key]) : null;
    rows.push(h('li', { 'data-field': key }, h('span', { class: 'mono' }, key), ': ',
      h('del', null, marked ? marked.expected : (a[key] ?? '—')), ' → ', h('ins', null, marked ? marked.actual : (b[key] ?? '—'))));
  }
  return rows;
}

// The set item's page: its revisions, newest first, each with what changed from the one
// before and a Revert button. `onReverted(item)` is called after a revert.
export function itemHistory(setId, itemId, ctx, onReverted) {
  const status = h('p', { class: 'small', role: 'status', id: 'history-status' });
  const list = h('ol', { class: 'history', id: 'item-history', reversed: true });
  const node = h('section', { 'aria-labelledby': 'history-h', id: 'item-history-section' }, h('h2', { id: 'history-h' }, 'History'), status, list);
  const load = () => get(`/evaluation_sets/${enc(setId)}/items/${enc(itemId)}/history`, { maxPageSize: 100 }).then((page) => {
    if (!ctx.isCurrent()) return;
    const revs = page.data;
    mount(list, revs.map((r, i) => {
      const prev = revs[i + 1];
      const diff = prev ? changes(prev.expectedOutput, r.expectedOutput) : [];
      const revert = i > 0 && r.expectedOutput !== null
        ? h('button', { type: 'button', class: 'secondary small', 'data-revert': r.revision, onclick: async () => {
          status.className = 'small';
          status.textContent = `Reverting to revision ${r.revision}…`;
          try {
            const item = await post(`/evaluation_sets/${enc(setId)}/items/${enc(itemId)}/revert`, { revision: r.revision });
            if (!ctx.isCurrent()) return;
            status.className = 'small ok';
            status.textContent = `Reverted to revision ${r.revision} (now revision ${item.revision}).`;
            if (onReverted) onReverted(item);
            load();
          } catch (err) {
            status.className = 'small error';
            status.textContent = `Revert refused: ${err.message}`;
          }
        } }, `Revert to ${r.revision}`)
        : null;
      return h('li', { 'data-revision': r.revision, 'data-reason': r.reason },
        h('strong', null, `Revision ${r.revision}`), ' · ', h('span', { class: 'badge' }, r.reason), ' · ', dateTime(r.changedAt), ' · ', who(r.changedBy),
        r.sourceRunId ? [' · from run ', h('a', { href: `#/runs/${enc(r.sourceRunId)}`, class: 'mono' }, r.sourceRunId)] : null,
        ' ', revert,
        diff.length ? h('ul', { class: 'diff small' }, diff) : null);
    }));
  }).catch((err) => { if (ctx.isCurrent()) { status.className = 'small error'; status.textContent = `History could not be loaded: ${err.message}`; } });
  load();
  return node;
}

// The run item page: "Promote to expected", the whole output or one field.
export function promoteControls(run, result, ctx) {
  if (result.status !== 'PROCESSED') return null;
  const status = h('p', { class: 'small', role: 'status', id: 'promote-status' });
  const promote = async (fields) => {
    status.className = 'small';
    status.textContent = 'Promoting…';
    try {
      const item = await post(`/evaluation_set_runs/${enc(run.id)}/results/${enc(result.evaluationSetItemId)}/promote`, fields ? { fields } : {});
      if (!ctx.isCurrent()) return;
      status.className = 'small ok';
      status.textContent = `Promoted ${fields ? fields.join(', ') : 'the whole output'}: the item is now at revision ${item.revision}.`;
    } catch (err) {
      status.className = 'small error';
      status.textContent = `Promote refused: ${err.message}`;
    }
  };
  const wrong = Object.entries(result.fields || {}).filter(([path, f]) => f.verdict === 'incorrect' && !path.includes('[]') && !path.startsWith('splits[') && path !== 'classification');
  return h('section', { 'aria-labelledby': 'promote-h', id: 'promote-section' },
    h('h2', { id: 'promote-h' }, 'Promote to expected'),
    h('p', { class: 'muted small' }, 'The run was right and the label was not: copy its output into the expected output, as a new revision.'),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', id: 'promote-all', onclick: () => promote(null) }, 'Promote the whole output'),
      wrong.map(([path]) => h('button', { type: 'button', class: 'secondary', 'data-promote-field': path, onclick: () => promote([path]) }, `Promote ${path}`))),
    status);
}

// The run page: where a re-scored run came from, and "Re-score with current labels".
export function rescoreControls(run) {
  const status = h('span', { class: 'small', role: 'status', id: 'rescore-status' });
  const finished = ['PROCESSED', 'FAILED', 'CANCELLED'].includes(run.status);
  return h('div', { class: 'toolbar', id: 'rescore-bar' },
    run.rescoredFrom ? h('span', { id: 'rescored-from' }, 'Re-scored from ', h('a', { href: `#/runs/${enc(run.rescoredFrom)}`, class: 'mono' }, run.rescoredFrom)) : null,
    run.evaluationSetVersion !== null && run.evaluationSetVersion !== undefined
      ? h('span', { class: 'muted small', id: 'run-set-version' }, `set version ${run.evaluationSetVersion}`) : null,
    finished ? h('button', { type: 'button', class: 'secondary', id: 'rescore-current', onclick: async (e) => {
      e.target.disabled = true;
      status.textContent = 'Re-scoring…';
      try {
        const next = await post(`/evaluation_set_runs/${enc(run.id)}/rescore`, { expected: 'current' });
        location.hash = `#/runs/${enc(next.id)}`;
      } catch (err) {
        e.target.disabled = false;
        status.textContent = `Re-score refused: ${err.message}`;
      }
    } }, 'Re-score with current labels') : null,
    finished ? h('a', { class: 'button secondary', href: `#/sets/${enc(run.evaluationSetId)}/suspects`, id: 'suspects-link' }, 'Suspect labels') : null,
    status);
}
