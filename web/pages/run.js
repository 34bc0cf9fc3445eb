// One run: live progress while it is pending/processing (polled every 2 s), then its
// metrics (field bars, latency, confusion matrix, splitter metrics, calibration) and
// the per-item results.
import { h, mount, td } from '../dom.js';
import { download, enc, get, getAll } from '../api.js';
import { count, dateTime, ms, pct, statusBadge } from '../format.js';
import { fractionBars, latencyBars } from '../charts/bars.js';
import { confusionHeatmap } from '../charts/heatmap.js';
import { calibrationPlot } from '../charts/calibration.js';

const POLL_MS = 2000;
const ACTIVE = new Set(['PENDING', 'PROCESSING', 'CANCELLING']);
let onlyMistakes = false; // results filter, kept across polls and runs

export async function render(main, { runId }, ctx) {
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));

  const load = async () => {
    const run = await get(`/evaluation_set_runs/${enc(runId)}`);
    const [set, results, siblings] = await Promise.all([
      get(`/evaluation_sets/${enc(run.evaluationSetId)}`).catch(() => null),
      // While polling, one page of results is enough; the full list once the run is done.
      getAll(`/evaluation_set_runs/${enc(runId)}/results`, { maxPageSize: 100 }, ACTIVE.has(run.status) ? 100 : Infinity).catch(() => null),
      getAll('/evaluation_set_runs', { evaluationSetId: run.evaluationSetId, maxPageSize: 100 }).catch(() => []),
    ]);
    return { run, set, results, siblings };
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
  if (ACTIVE.has(first.run.status)) timer = setTimeout(poll, POLL_MS);
}

function focusKey(el) {
  if (el.id) return { id: el.id };
  const href = el.getAttribute && el.getAttribute('href');
  return href ? { href } : null;
}

function view({ run, set, results, siblings }) {
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
    active ? progress(m) : null,
    summaryCards(m),
    actions(run, others),
    m.type === 'EXTRACT' ? extractSection(m) : null,
    m.type === 'CLASSIFY' ? classifySection(m) : null,
    m.type === 'SPLITTER' ? splitterSection(m) : null,
    latencySection(m),
    resultsSection(run, results),
  ];
}

function progress(m) {
  const done = m.numFilesProcessed ?? m.numFiles ?? 0;
  const total = m.numFilesTotal ?? 0;
  return h('section', { class: 'card progress-card', 'aria-live': 'polite', id: 'run-progress' },
    h('label', { for: 'run-progress-bar' }, 'Processing: ', count(done, { id: 'progress-done' }), ' of ', count(total, { id: 'progress-total' }), ' files'),
    h('progress', { id: 'run-progress-bar', max: total || 1, value: done }),
    h('p', { class: 'muted small' }, 'Updates every 2 seconds.'));
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
    h('button', { type: 'button', id: 'export-csv', onclick: async () => {
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
  const calibrated = Object.entries(fm).filter(([, f]) => f.calibration && Array.isArray(f.calibration.buckets));
  return [
    h('section', { 'aria-labelledby': 'fields-h' },
      h('h2', { id: 'fields-h' }, 'Accuracy by field'),
      rows.length ? fractionBars(rows, { id: 'field-bars', label: 'Accuracy by field, worst first' }) : h('p', { class: 'muted' }, 'No field metrics yet.'),
      rows.length ? fieldTable(fm, rows) : null),
    calibrated.length ? h('section', { 'aria-labelledby': 'cal-h' },
      h('h2', { id: 'cal-h' }, 'Calibration'),
      h('p', { class: 'muted small' }, 'Accuracy by confidence bucket; the diagonal is perfect calibration. Dot size: items in the bucket.'),
      h('div', { class: 'grid-charts', id: 'calibration' }, calibrated.map(([k, f]) => calibrationPlot(k, f.calibration)))) : null,
  ];
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

function resultsSection(run, results) {
  if (!results) return h('section', null, h('h2', null, 'Items'), h('p', { class: 'muted' }, 'Per-item results are not available.'));
  if (!results.length) return h('section', null, h('h2', null, 'Items'), h('p', { class: 'muted' }, 'No item has finished yet.'));
  // Mistakes first: that is what people open a run to look at.
  const sorted = [...results].sort((a, b) => Number(a.correct === true) - Number(b.correct === true));
  const table = h('table', { class: 'data stack', id: 'results-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Result'), h('th', { scope: 'col', class: 'right' }, 'Score'), h('th', { scope: 'col', class: 'right' }, 'Latency'))),
      h('tbody', null, sorted.map((r) => h('tr', { 'data-result-id': r.id, 'data-item-id': r.evaluationSetItemId, 'data-correct': String(r.correct === true) },
        h('th', { scope: 'row' }, h('a', { href: `#/runs/${enc(run.id)}/items/${enc(r.id)}`, class: 'item-link' }, (r.file && r.file.name) || r.evaluationSetItemId)),
        td('Status', null, statusBadge(r.status), r.error ? h('div', { class: 'error small' }, r.error.message || r.error.code) : null),
        td('Result', null, r.correct === true ? h('span', { class: 'verdict correct' }, 'correct')
          : r.correct === false ? h('span', { class: 'verdict incorrect' }, 'incorrect') : h('span', { class: 'muted' }, '—')),
        td('Score', { class: 'right' }, pct(r.score, { class: 'item-score' })),
        td('Latency', { class: 'right' }, ms(r.latencyMs))))));
  // The filter is applied by toggling row visibility; its state lives at module level so
  // it survives the rebuild on every poll.
  const apply = () => {
    for (const row of table.tBodies[0].rows) {
      row.hidden = onlyMistakes && row.dataset.correct === 'true';
    }
  };
  const toggle = h('input', { type: 'checkbox', id: 'only-mistakes', checked: onlyMistakes, onchange: (e) => {
    onlyMistakes = e.target.checked;
    apply();
  } });
  apply();
  const wrong = results.filter((r) => r.correct !== true).length;
  return h('section', { 'aria-labelledby': 'results-h' },
    h('h2', { id: 'results-h' }, 'Items'),
    h('div', { class: 'toolbar' }, toggle, h('label', { for: 'only-mistakes' }, 'Only items with mistakes (', count(wrong, { id: 'mistake-count' }), ')')),
    h('div', { class: 'table-wrap' }, table));
}
