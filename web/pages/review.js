// Review a run item by item from the keyboard: j/k next/previous item, ↑/↓ field,
// e edit the item's ground truth, p promote the focused field's actual value to expected,
// ? the keys. Filters: only items with mistakes, one field. The page shows the boxes of
// the citations the engine returned over the document's pages.
import { h, clear, mount } from '../dom.js';
import { ApiError, enc, get } from '../api.js';
import { pct, statusBadge, valueText } from '../format.js';
import { diffPair } from '../diff.js';
import { setProcessor } from '../processors.js';
import { promoteField } from '../promote.js';
import { loadResults } from '../results.js';
import { citationBoxes, documentView } from '../widgets/pages.js';

const KEYS = [
  ['j', 'Next item'], ['k', 'Previous item'], ['↓ / ↑', 'Next / previous field'],
  ['e', 'Edit this item’s expected output'], ['p', 'Promote the focused field: its actual value becomes the expected value'],
  ['?', 'Show or hide these keys'], ['Esc', 'Close this list'],
];

export async function render(main, { runId, itemId, field, mistakes }, ctx) {
  // Results arrive in pages: the first screen uses the first, the rest load behind it.
  let results = [];
  let painted = false;
  let finishedLoading = false;
  const run = await get(`/evaluation_set_runs/${enc(runId)}`);
  const [set, loaded] = await Promise.all([
    get(`/evaluation_sets/${enc(run.evaluationSetId)}`),
    loadResults(runId, { isCurrent: ctx.isCurrent, onMore: (all, finished) => {
      results = all;
      finishedLoading = finished;
      if (painted) refreshFilters();
    } }),
  ]);
  const proc = await setProcessor(set).catch(() => ({ kind: (set.entity && set.entity.object) || 'extractor' }));
  if (!ctx.isCurrent()) return;
  document.title = `Review ${run.id} · Goldset`;
  if (results.length < loaded.first.length) results = loaded.first;
  finishedLoading = finishedLoading || loaded.complete;
  const state = { onlyMistakes: mistakes === '1', field: field || '', index: 0, focusField: null };
  // Promoted values, by item and field: the run itself never changes.
  const promoted = new Map();

  // -- Filters ------------------------------------------------------------------------------
  const mistakesBox = h('input', { type: 'checkbox', id: 'review-mistakes', checked: state.onlyMistakes });
  const fieldSelect = h('select', { id: 'review-field' });
  const position = h('span', { id: 'review-position', class: 'muted', 'aria-live': 'polite' });
  const loading = h('span', { id: 'review-loading', class: 'muted small' });
  const helpBtn = h('button', { type: 'button', class: 'secondary', id: 'show-keys', 'aria-haspopup': 'dialog' }, 'Keys (?)');

  const fieldsOf = (r) => Object.keys(r.fields || {});
  const isMistake = (r, f) => (f ? (r.fields && r.fields[f] && r.fields[f].verdict === 'incorrect') || r.status === 'FAILED' : r.correct !== true);
  const visible = () => results.filter((r) => (!state.field || fieldsOf(r).includes(state.field) || r.status === 'FAILED')
    && (!state.onlyMistakes || isMistake(r, state.field)));

  function refreshFilters() {
    const paths = [...new Set(results.flatMap(fieldsOf))].sort();
    const keep = state.field;
    mount(fieldSelect, h('option', { value: '' }, 'All fields'), paths.map((p) => h('option', { value: p, selected: p === keep }, p)));
    loading.textContent = finishedLoading ? '' : `Loaded ${results.length} results so far…`;
    loading.dataset.complete = String(finishedLoading);
    paintPosition();
  }

  // -- The item panel -------------------------------------------------------------------------
  const docBox = h('section', { class: 'doc-col', 'aria-labelledby': 'review-doc-h' });
  const itemBox = h('section', { class: 'fields-col', 'aria-labelledby': 'review-item-h', id: 'review-item' });
  const status = h('p', { id: 'review-status', role: 'status', class: 'small' });
  let doc = null;
  let docFileId = null;

  const current = () => visible()[state.index] || null;

  function paintPosition() {
    const list = visible();
    position.textContent = list.length ? `Item ${Math.min(state.index + 1, list.length)} of ${list.length}` : 'No item matches the filters';
  }

  function syncUrl() {
    const r = current();
    const q = new URLSearchParams();
    if (r) q.set('item', r.id);
    if (state.field) q.set('field', state.field);
    if (state.onlyMistakes) q.set('mistakes', '1');
    history.replaceState(null, '', `#/runs/${enc(runId)}/review?${q}`);
    main.dataset.route = location.hash; // the router's marker follows the address
  }

  function rows(r) {
    const fields = Object.entries(r.fields || {}).filter(([p]) => !state.field || p === state.field);
    const rank = { incorrect: 0, unlabeled: 1, excluded: 2, correct: 3 };
    fields.sort(([ka, a], [kb, b]) => (rank[a.verdict] ?? 0) - (rank[b.verdict] ?? 0) || ka.localeCompare(kb));
    return fields;
  }

  function paintItem(focusFirst = false) {
    const r = current();
    paintPosition();
    syncUrl();
    if (!r) {
      mount(itemBox, h('h2', { id: 'review-item-h' }, 'No item'), h('p', { class: 'muted' }, 'No item matches the filters.'));
      mount(docBox, h('h2', { id: 'review-doc-h' }, 'Document'));
      doc = null;
      docFileId = null;
      return;
    }
    const file = r.file || {};
    if (!doc || docFileId !== file.id) {
      doc = documentView(file, { ctx, idPrefix: 'review' });
      docFileId = file.id;
      mount(docBox, h('h2', { id: 'review-doc-h' }, 'Document'), doc.node);
    }
    doc.drawBoxes(citationBoxes(r.actualOutput));
    const fields = rows(r);
    if (!state.focusField || !fields.some(([p]) => p === state.focusField)) state.focusField = fields.length ? fields[0][0] : null;
    const table = h('table', { class: 'data stack review-fields', id: 'review-fields' },
      h('caption', { class: 'visually-hidden' }, 'Fields of this item; ↑/↓ moves, p promotes the focused field'),
      h('thead', null, h('tr', null, ['Field', 'Expected', 'Actual', 'Verdict', 'Score'].map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', null, fields.map(([path, f]) => fieldRow(r, path, f))));
    mount(itemBox,
      h('h2', { id: 'review-item-h' }, file.name || r.evaluationSetItemId, ' ', statusBadge(r.status)),
      h('p', { class: 'muted small' },
        r.correct === true ? h('span', { class: 'verdict correct' }, 'correct') : r.correct === false ? h('span', { class: 'verdict incorrect' }, 'incorrect') : '',
        ' · score ', pct(r.score, { id: 'review-score' }), ' · ',
        h('a', { href: editHref(r), id: 'review-edit' }, 'Edit expected output (e)')),
      r.error ? h('p', { class: 'error' }, `${r.error.code || 'ERROR'}: ${r.error.message || ''}`) : null,
      fields.length ? h('div', { class: 'table-wrap' }, table) : h('p', { class: 'muted' }, 'No field results for this item.'),
      status);
    doc.focusField(state.focusField);
    if (focusFirst) focusRow();
  }

  function fieldRow(r, path, f) {
    const key = `${r.id}\u0000${path}`;
    const promotedValue = promoted.get(key);
    const exp = valueText(promotedValue !== undefined ? promotedValue : f.expected);
    const act = valueText(f.actual);
    const wrong = f.verdict === 'incorrect' && promotedValue === undefined;
    const marked = wrong && typeof f.expected !== 'object' && typeof f.actual !== 'object' ? diffPair(exp, act) : null;
    const row = h('tr', {
      tabindex: path === state.focusField ? 0 : -1, 'data-field': path, 'data-verdict': f.verdict,
      class: `verdict-${f.verdict}${path === state.focusField ? ' focused' : ''}`, 'aria-current': path === state.focusField ? 'true' : null,
    },
    h('th', { scope: 'row', class: 'mono' }, path),
    h('td', { class: 'val expected', 'data-label': 'Expected' }, h('span', null, marked ? marked.expected : exp,
      promotedValue !== undefined ? h('span', { class: 'badge promoted' }, 'promoted') : null)),
    h('td', { class: 'val actual', 'data-label': 'Actual' }, h('span', null, marked ? marked.actual : act)),
    h('td', { 'data-label': 'Verdict' }, h('span', null, h('span', { class: `verdict ${f.verdict}` }, f.verdict))),
    h('td', { class: 'right', 'data-label': 'Score' }, h('span', null, pct(f.score, { class: 'field-score' }))),
    h('td', null, h('button', { type: 'button', class: 'secondary small-button', tabindex: -1, 'aria-label': `Promote the actual value of ${path}`, onclick: () => { setFocus(path); promote(); } }, 'Promote')));
    row.addEventListener('focus', () => setFocus(path, false));
    row.addEventListener('click', () => setFocus(path));
    return row;
  }

  function setFocus(path, moveFocus = true) {
    if (state.focusField === path && !moveFocus) return;
    state.focusField = path;
    for (const tr of itemBox.querySelectorAll('#review-fields tbody tr')) {
      const on = tr.dataset.field === path;
      tr.tabIndex = on ? 0 : -1;
      tr.classList.toggle('focused', on);
      if (on) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    }
    if (doc) doc.focusField(path);
    if (moveFocus) focusRow();
  }

  function focusRow() {
    const tr = itemBox.querySelector('#review-fields tbody tr.focused');
    if (tr) tr.focus();
  }

  function editHref(r) {
    const back = location.hash;
    return `#/sets/${enc(run.evaluationSetId)}/items/${enc(r.evaluationSetItemId)}?run=${enc(run.id)}&back=${enc(back)}`;
  }

  async function promote() {
    const r = current();
    if (!r || !state.focusField) return;
    const path = state.focusField;
    const f = r.fields[path];
    status.className = 'small';
    status.textContent = `Promoting ${path}…`;
    try {
      await promoteField({ setId: run.evaluationSetId, itemId: r.evaluationSetItemId, kind: proc.kind, field: path, actualOutput: r.actualOutput, runId: run.id });
      if (!ctx.isCurrent()) return;
      promoted.set(`${r.id}\u0000${path}`, f.actual === undefined ? null : f.actual);
      paintItem();
      focusRow();
      status.className = 'small ok';
      status.textContent = `Promoted: the expected ${path} is now ${valueText(f.actual)} (the next run scores it).`;
    } catch (err) {
      status.className = 'small error';
      status.textContent = `Could not promote ${path}: ${err instanceof ApiError ? `${err.status} ${err.message}` : err.message}`;
    }
  }

  function move(delta) {
    const list = visible();
    if (!list.length) return;
    state.index = Math.max(0, Math.min(list.length - 1, state.index + delta));
    state.focusField = null;
    paintItem(true);
  }

  function moveField(delta) {
    const trs = [...itemBox.querySelectorAll('#review-fields tbody tr')];
    const i = trs.findIndex((tr) => tr.dataset.field === state.focusField);
    const next = trs[Math.max(0, Math.min(trs.length - 1, i + delta))];
    if (next) setFocus(next.dataset.field);
  }

  // -- Keys ------------------------------------------------------------------------------
  const dialog = h('dialog', { id: 'keys-dialog', 'aria-labelledby': 'keys-h' },
    h('h2', { id: 'keys-h' }, 'Keyboard'),
    h('dl', { class: 'keys' }, KEYS.flatMap(([k, what]) => [h('dt', null, h('kbd', null, k)), h('dd', null, what)])),
    h('form', { method: 'dialog' }, h('button', { type: 'submit', id: 'close-keys' }, 'Close')));
  const toggleHelp = () => (dialog.open ? dialog.close() : dialog.showModal());
  helpBtn.addEventListener('click', toggleHelp);

  const onKey = (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))) return;
    if (dialog.open) {
      if (e.key === '?') { e.preventDefault(); dialog.close(); }
      return;
    }
    switch (e.key) {
      case 'j': move(1); break;
      case 'k': move(-1); break;
      case 'ArrowDown': if (itemBox.contains(t)) moveField(1); else return; break;
      case 'ArrowUp': if (itemBox.contains(t)) moveField(-1); else return; break;
      case 'e': { const r = current(); if (r) location.hash = editHref(r); break; }
      case 'p': promote(); break;
      case '?': toggleHelp(); break;
      default: return;
    }
    e.preventDefault();
  };
  document.addEventListener('keydown', onKey);
  ctx.onLeave(() => document.removeEventListener('keydown', onKey));

  mistakesBox.addEventListener('change', () => {
    state.onlyMistakes = mistakesBox.checked;
    state.index = 0;
    paintItem();
  });
  fieldSelect.addEventListener('change', () => {
    state.field = fieldSelect.value;
    state.index = 0;
    state.focusField = state.field || null;
    paintItem();
  });

  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ',
      h('a', { href: `#/sets/${enc(set.id)}` }, set.name), ' / ',
      h('a', { href: `#/runs/${enc(run.id)}`, id: 'back-to-run' }, run.id), ' / Review'),
    h('h1', null, 'Review run ', h('span', { class: 'mono' }, run.id)),
    h('p', { class: 'muted small' }, 'Walk the items with ', h('kbd', null, 'j'), ' and ', h('kbd', null, 'k'), '; ', h('kbd', null, '?'), ' lists every key.'),
    h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Filters' },
      mistakesBox, h('label', { for: 'review-mistakes' }, 'Only items with mistakes'),
      h('label', { for: 'review-field' }, 'Field'), fieldSelect, helpBtn, position, loading),
    h('div', { class: 'item-layout' }, docBox, itemBox),
    dialog);
  refreshFilters();
  painted = true;
  if (itemId) {
    const i = visible().findIndex((r) => r.id === itemId);
    if (i >= 0) state.index = i;
  }
  paintItem();
  clear(status);
}
