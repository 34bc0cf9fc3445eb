// The run page's "Analysis" section (GET /evaluation_set_runs/{id}/analysis, an
// extension; docs/metrics.md): errors by category per field as stacked bars, a
// reliability diagram per field with confidence (recommended auto-accept threshold
// marked), line-item diagnostics per array field, and what the run cost.
//
// Loaded once the run has finished (while it runs the server would recompute it on every
// poll) and behind the first screen: the first request for a large finished run computes
// and stores it. The node persists across the run page's repaints.
import { h, mount, td } from '../dom.js';
import { enc, get } from '../api.js';
import { count, money, ms, pct } from '../format.js';
import { categoryLegend, errorBars } from '../charts/error_bars.js';
import { calibrationPlot } from '../charts/calibration.js';

export function analysisPanel(runId, ctx) {
  const body = h('div', { id: 'analysis-body', 'aria-live': 'polite' });
  const node = h('section', { 'aria-labelledby': 'analysis-h', id: 'analysis', 'data-state': 'waiting' },
    h('h2', { id: 'analysis-h' }, 'Analysis'), body);
  let started = false;
  let target = null; // null: the server's default target precision

  async function load() {
    node.dataset.state = 'loading';
    const busy = h('p', { class: 'muted', role: 'status' }, 'Computing the analysis…');
    if (!body.firstChild) mount(body, busy);
    else body.prepend(busy);
    try {
      const a = await get(`/evaluation_set_runs/${enc(runId)}/analysis`, target === null ? undefined : { targetPrecision: target });
      if (!ctx.isCurrent()) return;
      mount(body, content(a, targetForm()));
      node.dataset.state = 'ready';
    } catch (err) {
      if (!ctx.isCurrent()) return;
      busy.remove();
      // What was shown stays (a refused target changes nothing); one message at a time.
      body.querySelector('#analysis-error')?.remove();
      body.prepend(h('p', { class: 'error', role: 'alert', id: 'analysis-error' }, `Could not load the analysis: ${err.message}`));
      node.dataset.state = 'error';
    }
  }

  // Another target precision moves every field's threshold: the server recomputes them.
  function targetForm() {
    const input = h('input', { type: 'number', id: 'target-precision-input', step: 'any',
      value: String(target ?? 0.99), 'aria-describedby': 'target-precision-error', inputmode: 'decimal' });
    const error = h('span', { class: 'error small', id: 'target-precision-error', role: 'alert' });
    return h('form', { class: 'inline toolbar', id: 'target-precision-form', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const v = Number(input.value);
      if (input.value.trim() === '' || !(v > 0 && v <= 1)) {
        error.textContent = 'Enter a precision above 0 and at most 1 (e.g. 0.95).';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      target = v;
      load();
    } }, h('label', { for: 'target-precision-input' }, 'Target precision'), input,
    h('button', { type: 'submit', class: 'secondary', id: 'target-precision-apply' }, 'Recompute thresholds'), error);
  }

  return {
    node,
    // Called on every repaint of the run page; loads once the run is no longer active.
    update(run, active) {
      const m = run.metrics || {};
      if (m.type && m.type !== 'EXTRACT') {
        node.hidden = true;
        return;
      }
      if (active) {
        mount(body, h('p', { class: 'muted' }, 'The analysis appears when the run has finished.'));
        return;
      }
      if (!started) {
        started = true;
        load();
      }
    },
  };
}

function content(a, form) {
  const errors = a.errors || {};
  const calibration = Object.entries(a.calibration || {}).filter(([, c]) => c && c.numFields > 0);
  const lines = Object.entries(a.lineItems || {});
  return [
    usageCards(a),
    h('h3', { id: 'errors-h' }, 'Errors by category'),
    Object.keys(errors).length ? [
      h('p', { class: 'muted small' }, 'How each field is wrong, worst field first. Hover a segment for its count.'),
      categoryLegend(),
      errorBars(errors),
    ] : h('p', { class: 'muted', id: 'errors-none' }, 'No labelled field was scored.'),
    h('h3', { id: 'reliability-h' }, 'Reliability'),
    calibration.length ? [
      h('p', { class: 'muted small' },
        'Observed accuracy per confidence bin; the diagonal is perfect calibration, dot size the values in the bin. ',
        'The vertical line is the lowest confidence whose accepted values reach ',
        pct(firstTarget(calibration), { id: 'target-precision' }), ' precision.'),
      form,
      h('div', { class: 'grid-charts', id: 'calibration' }, calibration.map(([path, c]) => calibrationPlot(path, c))),
    ] : h('p', { class: 'muted', id: 'calibration-none' }, 'The engine reported no confidence for any field (metadata.ocrConfidence or logprobsConfidence).'),
    lines.length ? [h('h3', { id: 'lines-h' }, 'Line items'), lineItemsTable(lines)] : null,
  ];
}

function firstTarget(calibration) {
  for (const [, c] of calibration) {
    if (c.recommendedThreshold && typeof c.recommendedThreshold.targetPrecision === 'number') return c.recommendedThreshold.targetPrecision;
  }
  return 0.99; // the server's default
}

function usageCards(a) {
  const u = a.usage || {};
  const lat = u.latencyMs || {};
  const card = (label, node) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, node));
  const anls = a.anlsStar && a.anlsStar.score;
  return h('div', { class: 'stats', id: 'analysis-usage', 'aria-label': 'Cost and latency' },
    typeof anls === 'number' ? card(h('abbr', { title: 'ANLS*: partial-credit similarity of the whole output (docs/metrics.md)' }, 'ANLS*'), pct(anls, { id: 'anls-star' })) : null,
    card('Cost per item', money(u.costPerItem, u.currency, { id: 'cost-per-item' })),
    typeof u.cost === 'number' ? card('Cost of the run', money(u.cost, u.currency, { id: 'run-cost' })) : null,
    typeof u.costPerCorrectField === 'number' ? card('Cost per correct field', money(u.costPerCorrectField, u.currency, { id: 'cost-per-correct-field' })) : null,
    u.itemsWithUsage ? card('Tokens (prompt / completion)', [count(u.promptTokens, { id: 'prompt-tokens' }), ' / ', count(u.completionTokens, { id: 'completion-tokens' })]) : null,
    typeof lat.mean === 'number' ? card('Mean latency per item', ms(lat.mean, { id: 'analysis-latency-mean' })) : null);
}

const LINE_COLS = [
  ['rowsExpected', 'Rows expected', count], ['rowsActual', 'Rows extracted', count], ['rowsMatched', 'Matched', count],
  ['dropped', 'Dropped', count], ['extra', 'Extra', count], ['duplicated', 'Duplicated', count],
  ['precision', 'Row precision', pct], ['recall', 'Row recall', pct], ['f1', 'Row F1', pct],
];

function lineItemsTable(lines) {
  const share = lines[0][1].rowMatchShare;
  return [
    h('p', { class: 'muted small' }, 'Rows paired optimally; a pair matches when at least ',
      pct(share, { id: 'row-match-share' }), ' of its cells are right. LIR F1: DocILE\'s micro F1 over cells.'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'line-items-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'),
        LINE_COLS.map(([, label]) => h('th', { scope: 'col', class: 'right' }, label)),
        h('th', { scope: 'col', class: 'right' }, 'LIR F1'))),
      h('tbody', null, lines.map(([path, l]) => h('tr', { 'data-field': path },
        h('th', { scope: 'row', class: 'mono' }, path),
        LINE_COLS.map(([key, label, fmt]) => td(label, { class: 'right' }, fmt(l[key], { class: `li-${key}` }))),
        td('LIR F1', { class: 'right' }, pct(l.lir && l.lir.f1, { class: 'li-lir-f1' }),
          l.lir ? h('div', { class: 'muted small' }, 'TP ', count(l.lir.truePositives, { class: 'li-lir-tp' }),
            ' · FP ', count(l.lir.falsePositives, { class: 'li-lir-fp' }), ' · FN ', count(l.lir.falseNegatives, { class: 'li-lir-fn' })) : null)))))),
  ];
}
