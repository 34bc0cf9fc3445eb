// One run: live progress while it is pending/processing (polled every 2 s, with a Cancel
// button), then its metrics (field bars, latency, confusion matrix, splitter metrics),
// the analysis of an extractor run (error categories, reliability, line items, cost;
// pages/run-analysis.js) and the per-item results, a page at a time: runs can hold thousands of
// items, so the first screen needs only the first page of results and the rest loads
// behind it.
import { rescoreControls } from '../versions.js';
import { h, mount, td } from '../dom.js';
import { ApiError, download, enc, get, getAll, post } from '../api.js';
import { count, dateTime, ms, pct, statusBadge } from '../format.js';
import { pager } from '../widgets/pager.js';
import { fractionBars, latencyBars } from '../charts/bars.js';
import { confusionHeatmap } from '../charts/heatmap.js';
import { analysisPanel } from './run-analysis.js';

const POLL_MS = 2000;
const ACTIVE = new Set(['PENDING', 'PROCESSING', 'CANCELLING']);
const PAGE_SIZE = 50;
let onlyMistakes = false; // results filter, kept across polls and runs

export async function render(main, { runId }, ctx) {
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));
  const results = resultsPanel(runId, ctx);
  const analysis = analysisPanel(runId, ctx);

  const load = async () => {
    const run = await get(`/evaluation_set_runs/${enc(runId)}`);
    const [set, firstPage, siblings] = await Promise.all([
      get(`/evaluation_sets/${enc(run.evaluationSetId)}`).catch(() => null),
      // One page of results for the first screen; the panel loads the rest once the run is done.
      get(`/evaluation_set_runs/${enc(runId)}/results`, { maxPageSize: 100 }).catch(() => null),
      getAll('/evaluation_set_runs', { evaluationSetId: run.evaluationSetId, maxPageSize: 100 }).catch(() => []),
    ]);
    results.update(firstPage, ACTIVE.has(run.status));
    analysis.update(run, ACTIVE.has(run.status));
    return { run, set, results, analysis, siblings, poll: () => { clearTimeout(timer); poll(); } };
  };

  const paint = (data) => {
    // The page is rebuilt on every poll, not patched: keep the scroll position and
    // the keyboard focus (by id or link target) so polling never yanks the user away.
    const y = window.scrollY;
    const focused = main.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    mount(main, view(data));
    window.scrollTo(0, y);
    if (focused) {
      const again = focused.id ? document.getElementById(focused.id) : main.querySelector(`a[href="${CSS.escape(focused.href)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  };

  const poll = async () => {
    if (!ctx.isCurrent()) return;
    try {
      const data = await load();
      if (!ctx.isCurrent()) return;
      paint(data);
      if (ACTIVE.has(data.run.status)) timer = setTimeout(poll, POLL_MS);
    } catch {
      // A transient error while polling keeps the last good view and tries again.
      if (ctx.isCurrent()) timer = setTimeout(poll, POLL_MS);
    }
  };

  const first = await load();
  if (!ctx.isCurrent()) return;
  paint(first);
  // The first screen is on the page: browser tests read this mark to time it.
  performance.mark('goldset:run-first-screen');
  if (ACTIVE.has(first.run.status)) timer = setTimeout(poll, POLL_MS);
}

function focusKey(el) {
  if (el.id) return { id: el.id };
  const href = el.getAttribute && el.getAttribute('href');
  return href ? { href } : null;
}

function view({ run, set, results, analysis, siblings, poll }) {
  const m = run.metrics || {};
  document.title = `Run ${run.id} · Goldset`;
  const active = ACTIVE.has(run.status);
  const others = siblings.filter((r) => r.id !== run.id);
  return [
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ',
      h('a', { href: `#/sets/${enc(run.evaluationSetId)}` }, set ? set.name : run.evaluationSetId), ' / ', run.id),
    h('h1', null, 'Run ', h('span', { class: 'mono' }, run.id), ' ', statusBadge(run.status)),
    h('p', { class: 'muted' },
      (run.entity && run.entity.name) || '', ' · version ', (run.entityVersion && run.entityVersion.version) || '?',
      ' · started ', dateTime(run.createdAt), ' · ', m.type || ''),
    active ? progress(run, m, poll) : null,
    summaryCards(m),
    actions(run, others),
    rescoreControls(run),
    m.type === 'EXTRACT' ? extractSection(m) : null,
    m.type === 'CLASSIFY' ? classifySection(m) : null,
    m.type === 'SPLITTER' ? splitterSection(m) : null,
    latencySection(m),
    m.type === 'EXTRACT' || !m.type ? analysis.node : null,
    results.node,
  ];
}

function progress(run, m, poll) {
  const done = m.numFilesProcessed ?? m.numFiles ?? 0;
  const total = m.numFilesTotal ?? 0;
  const status = h('span', { class: 'small', id: 'cancel-status', role: 'status' });
  const cancel = run.status === 'CANCELLING' ? null : h('button', { type: 'button', class: 'danger', id: 'cancel-run', onclick: async () => {
    cancel.disabled = true;
    status.textContent = 'Cancelling…';
    try {
      await post(`/evaluation_set_runs/${enc(run.id)}/cancel`);
      poll();
    } catch (err) {
      cancel.disabled = false;
      status.className = 'small error';
      status.textContent = `Could not cancel: ${err instanceof ApiError ? `${err.status} ${err.message}` : err.message}`;
    }
  } }, 'Cancel run');
  return h('section', { class: 'card progress-card', id: 'run-progress' },
    h('div', { 'aria-live': 'polite' },
      h('label', { for: 'run-progress-bar' }, run.status === 'CANCELLING' ? 'Cancelling: ' : 'Processing: ', count(done, { id: 'progress-done' }), ' of ', count(total, { id: 'progress-total' }), ' files'),
      h('progress', { id: 'run-progress-bar', max: total || 1, value: done })),
    h('div', { class: 'toolbar' }, cancel, status,
      h('span', { class: 'muted small' }, run.status === 'CANCELLING' ? 'Items in flight finish; no new item starts.' : 'Updates every 2 seconds.')));
}

function summaryCards(m) {
  const card = (label, node) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, node));
  return h('section', { class: 'stats', 'aria-label': 'Summary' },
    // Splitter runs report precision/recall instead of an overall accuracy.
    typeof m.accuracy === 'number' || m.type !== 'SPLITTER' ? card('Overall accuracy', pct(m.accuracy, { id: 'run-accuracy' })) : null,
    card('Files processed', [count(m.numFilesProcessed ?? m.numFiles, { id: 'files-processed' }), ' / ', count(m.numFilesTotal, { id: 'files-total' })]),
    typeof m.numFilesFailed === 'number' ? card('Files failed', count(m.numFilesFailed, { id: 'files-failed' })) : null,
    typeof m.numPages === 'number' ? card('Pages', count(m.numPages, { id: 'num-pages' })) : null);
}

function actions(run, others) {
  const select = h('select', { id: 'baseline-select', 'aria-label': 'Baseline run' },
    others.map((r) => h('option', { value: r.id }, `${r.id} (${(r.entityVersion && r.entityVersion.version) || ''}, ${r.status})`)));
  const status = h('span', { class: 'muted small', role: 'status' });
  return h('div', { class: 'toolbar' },
    h('a', { class: 'button', href: `#/runs/${enc(run.id)}/review`, id: 'review-link' }, 'Review items'),
    h('a', { class: 'button secondary', href: `#/sets/${enc(run.evaluationSetId)}/runs/new`, id: 'new-run-link' }, 'Start another run'),
    h('button', { type: 'button', class: 'secondary', id: 'export-csv', onclick: async () => {
      status.textContent = 'Exporting…';
      try {
        await download(`/evaluation_set_runs/${enc(run.id)}/results.csv`, `${run.id}-results.csv`);
        status.textContent = 'CSV saved.';
      } catch (err) {
        status.textContent = `Export failed: ${err.message}`;
      }
    } }, 'Export CSV'),
    status,
    others.length ? h('form', { class: 'inline', onsubmit: (e) => {
      e.preventDefault();
      location.hash = `#/compare?run=${enc(run.id)}&baseline=${enc(select.value)}`;
    } }, h('label', { for: 'baseline-select' }, 'Compare with'), select, h('button', { type: 'submit', id: 'compare-go' }, 'Compare')) : null);
}

function extractSection(m) {
  const fm = m.fieldMetrics || {};
  // Worst first: the fields that need attention lead; fields with no expected values last.
  const rows = Object.entries(fm).map(([key, f]) => ({
    key, label: key, value: f.accuracy,
    note: typeof f.countExpected === 'number' ? `${f.countAccurate ?? 0}/${f.countExpected}` : '',
  })).sort((a, b) => (a.value ?? 2) - (b.value ?? 2) || a.key.localeCompare(b.key));
  return h('section', { 'aria-labelledby': 'fields-h' },
    h('h2', { id: 'fields-h' }, 'Accuracy by field'),
    rows.length ? fractionBars(rows, { id: 'field-bars', label: 'Accuracy by field, worst first' }) : h('p', { class: 'muted' }, 'No field metrics yet.'),
    rows.length ? fieldTable(fm, rows) : null);
}

function fieldTable(fm, rows) {
  const has = (k) => rows.some((r) => typeof fm[r.key][k] === 'number');
  const cols = ['score', 'precision', 'recall', 'f1'].filter(has);
  return h('details', { class: 'field-details' }, h('summary', null, 'Field metric details'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'field-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'),
        ['Expected', 'Present', 'Accurate'].map((c) => h('th', { scope: 'col', class: 'right' }, c)),
        cols.map((c) => h('th', { scope: 'col', class: 'right' }, c)))),
      h('tbody', null, rows.map((r) => {
        const f = fm[r.key];
        return h('tr', { 'data-field': r.key }, h('th', { scope: 'row' }, r.key),
          h('td', { class: 'right' }, count(f.countExpected)), h('td', { class: 'right' }, count(f.countPresent)),
          h('td', { class: 'right' }, count(f.countAccurate)),
          cols.map((c) => h('td', { class: 'right' }, pct(f[c], { class: `metric-${c}` }))));
      })))));
}

function classifySection(m) {
  const cm = m.classificationMetrics || {};
  return h('section', { 'aria-labelledby': 'cls-h' },
    h('h2', { id: 'cls-h' }, 'Classes'),
    m.confusionMatrix && Array.isArray(m.confusionMatrix.labels) && m.confusionMatrix.labels.length ? confusionHeatmap(m.confusionMatrix) : null,
    Object.keys(cm).length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'class-table' },
      h('thead', null, h('tr', null, ['Class', 'Expected', 'Predicted', 'Correct', 'Precision', 'Recall', 'F1']
        .map((c, i) => h('th', { scope: 'col', class: i ? 'right' : '' }, c)))),
      h('tbody', null, Object.entries(cm).map(([k, c]) => h('tr', { 'data-class': k }, h('th', { scope: 'row' }, k),
        h('td', { class: 'right' }, count(c.countExpected)), h('td', { class: 'right' }, count(c.countPredicted)),
        h('td', { class: 'right' }, count(c.countCorrect)), h('td', { class: 'right' }, pct(c.precision, { class: 'metric-precision' })),
        h('td', { class: 'right' }, pct(c.recall, { class: 'metric-recall' })), h('td', { class: 'right' }, pct(c.f1, { class: 'metric-f1' }))))))) : null);
}

function splitterSection(m) {
  const card = (label, node) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, node));
  return h('section', { 'aria-labelledby': 'split-h' },
    h('h2', { id: 'split-h' }, 'Splits'),
    h('div', { class: 'stats', id: 'splitter-metrics' },
      card('Precision', pct(m.precision, { id: 'split-precision' })),
      card('Recall', pct(m.recall, { id: 'split-recall' })),
      card('F1', pct(m.f1, { id: 'split-f1' })),
      typeof m.pageAccuracy === 'number' ? card('Page accuracy', pct(m.pageAccuracy, { id: 'split-page-accuracy' })) : null,
      card('Splits correct / predicted / expected', [count(m.numSplitsCorrect), ' / ', count(m.numSplitsPredicted), ' / ', count(m.numSplitsExpected)])));
}

function latencySection(m) {
  const entries = [['meanLatencyMs', 'mean'], ['p50LatencyMs', 'p50'], ['p90LatencyMs', 'p90'], ['p95LatencyMs', 'p95'], ['p99LatencyMs', 'p99']]
    .filter(([k]) => typeof m[k] === 'number').map(([key, label]) => ({ key, label, value: m[key] }));
  if (!entries.length) return null;
  return h('section', { 'aria-labelledby': 'lat-h' }, h('h2', { id: 'lat-h' }, 'Latency per file'), latencyBars(entries, ms));
}

// The per-item results: the first page at once, the rest (pages of 1,000) once the run is
// done; mistakes first; one page of rows in the DOM. The node persists across polls.
function resultsPanel(runId, ctx) {
  let results = [];
  let complete = false;
  let loadingRest = false;
  let available = true;
  const tbody = h('tbody');
  const mistakeCount = h('span', { id: 'mistake-count-box' });
  const toggle = h('input', { type: 'checkbox', id: 'only-mistakes', checked: onlyMistakes });
  const pages = pager({ id: 'results-pager', pageSize: PAGE_SIZE, label: 'Pages of results', onPage: () => paintRows() });
  const note = h('p', { class: 'muted', id: 'results-note' });
  const table = h('table', { class: 'data stack', id: 'results-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col' }, 'Result'), h('th', { scope: 'col', class: 'right' }, 'Score'), h('th', { scope: 'col', class: 'right' }, 'Latency'))),
    tbody);
  const body = h('div', null,
    h('div', { class: 'toolbar' }, toggle, h('label', { for: 'only-mistakes' }, 'Only items with mistakes (', mistakeCount, ')')),
    pages.node, h('div', { class: 'table-wrap' }, table));
  const node = h('section', { 'aria-labelledby': 'results-h', id: 'results-section' }, h('h2', { id: 'results-h' }, 'Items'), note, body);
  toggle.addEventListener('change', () => {
    onlyMistakes = toggle.checked;
    pages.setPage(0);
    paintRows();
  });

  const shown = () => {
    // Mistakes first: that is what people open a run to look at (stable within each group).
    const list = onlyMistakes ? results.filter((r) => r.correct !== true) : results;
    return [...list].sort((a, b) => Number(a.correct === true) - Number(b.correct === true));
  };
  function paintRows() {
    const list = shown();
    pages.setTotal(list.length, complete);
    const wrong = results.filter((r) => r.correct !== true).length;
    mount(mistakeCount, count(wrong, { id: 'mistake-count', 'data-complete': String(complete) }), complete ? '' : '+');
    const slice = list.slice(pages.page * PAGE_SIZE, (pages.page + 1) * PAGE_SIZE);
    mount(tbody, slice.map((r) => h('tr', { 'data-result-id': r.id, 'data-item-id': r.evaluationSetItemId, 'data-correct': String(r.correct === true) },
      h('th', { scope: 'row' }, h('a', { href: `#/runs/${enc(runId)}/items/${enc(r.id)}`, class: 'item-link' }, (r.file && r.file.name) || r.evaluationSetItemId)),
      td('Status', null, statusBadge(r.status), r.error ? h('div', { class: 'error small' }, r.error.message || r.error.code) : null),
      td('Result', null, r.correct === true ? h('span', { class: 'verdict correct' }, 'correct')
        : r.correct === false ? h('span', { class: 'verdict incorrect' }, 'incorrect') : h('span', { class: 'muted' }, '—')),
      td('Score', { class: 'right' }, pct(r.score, { class: 'item-score' })),
      td('Latency', { class: 'right' }, ms(r.latencyMs)))));
    node.dataset.complete = String(complete);
    note.textContent = !available ? 'Per-item results are not available.' : results.length ? '' : 'No item has finished yet.';
    body.hidden = !available || !results.length;
  }

  async function loadRest(token) {
    loadingRest = true;
    try {
      while (token && ctx.isCurrent()) {
        const next = await get(`/evaluation_set_runs/${enc(runId)}/results`, { maxPageSize: 1000, nextPageToken: token });
        results.push(...(next.data || []));
        token = next.nextPageToken;
        complete = !token;
        if (ctx.isCurrent()) paintRows();
      }
    } catch {
      // The rows loaded so far stay; the count says "+".
    } finally {
      loadingRest = false;
    }
  }

  return {
    node,
    // Called on every poll with the first page (null: results unavailable).
    update(firstPage, active) {
      if (loadingRest || (complete && results.length > 100)) return;
      available = !!firstPage;
      results = firstPage ? [...(firstPage.data || [])] : [];
      complete = !!firstPage && !firstPage.nextPageToken;
      paintRows();
      if (!active && firstPage && firstPage.nextPageToken) loadRest(firstPage.nextPageToken);
    },
  };
}
