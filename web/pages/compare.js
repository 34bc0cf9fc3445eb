// Two runs of one set side by side: the verdict on the accuracy change (paired bootstrap
// interval, exact McNemar test), how many items a change of a given size needs, every
// field's change on one axis with its Holm-adjusted verdict, and the items that became
// wrong first. alpha, margin and effect come from the URL and go to the API as they are.
import { h, mount, td } from '../dom.js';
import { download, enc, get, getAll } from '../api.js';
import { count, deltaPct, pValue, pct, pctText } from '../format.js';
import { intervalChart } from '../charts/interval.js';
import { fieldIntervalsChart } from '../charts/field_intervals.js';

const VERDICT_RANK = { regressed: 0, improved: 1, no_change: 2 };

export async function render(main, { runId, baselineId, alpha, margin, effect }, ctx) {
  if (!runId || !baselineId) throw new Error('Compare needs ?run=…&baseline=… (open it from a run page).');
  const params = { baseline: baselineId };
  for (const [k, v] of Object.entries({ alpha, margin, effect })) if (v) params[k] = v;
  const [cmp, run, baseline, results] = await Promise.all([
    get(`/evaluation_set_runs/${enc(runId)}/compare`, params),
    get(`/evaluation_set_runs/${enc(runId)}`),
    get(`/evaluation_set_runs/${enc(baselineId)}`),
    getAll(`/evaluation_set_runs/${enc(runId)}/results`, { maxPageSize: 100 }).catch(() => []),
  ]);
  const set = await get(`/evaluation_sets/${enc(run.evaluationSetId)}`).catch(() => null);
  if (!ctx.isCurrent()) return;
  document.title = `Compare ${run.id} vs ${baseline.id} · Goldset`;
  // Item ids -> this run's results, to link each changed item to its detail page.
  const byItem = new Map(results.map((r) => [r.evaluationSetItemId, r]));
  const acc = cmp.accuracy || {};
  const ci = acc.ci95 || {};
  const mc = cmp.mcnemar || {};
  const items = cmp.itemAccuracy || {};
  const card = (label, node) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, node));

  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ',
      h('a', { href: `#/sets/${enc(run.evaluationSetId)}` }, set ? set.name : run.evaluationSetId), ' / Compare'),
    h('h1', null, 'Compare runs'),
    h('p', null, 'Candidate ', h('a', { href: `#/runs/${enc(run.id)}`, class: 'mono', id: 'candidate-link' }, run.id),
      ' against baseline ', h('a', { href: `#/runs/${enc(baseline.id)}`, class: 'mono', id: 'baseline-link' }, baseline.id),
      ' · ', h('a', { href: `#/compare?run=${enc(baseline.id)}&baseline=${enc(run.id)}`, id: 'swap-link' }, 'swap')),
    verdictBanner(cmp),
    h('section', { class: 'stats', 'aria-label': 'Accuracy change' },
      card('Baseline accuracy', pct(acc.baseline, { id: 'cmp-baseline' })),
      card('Candidate accuracy', pct(acc.candidate, { id: 'cmp-candidate' })),
      card('Change', deltaPct(acc.delta, { id: 'cmp-delta' })),
      card('95% CI', [deltaPct(ci.low, { id: 'cmp-ci-low' }), ' to ', deltaPct(ci.high, { id: 'cmp-ci-high' })]),
      card('McNemar p-value', pValue(mc.pValue, { id: 'cmp-pvalue' })),
      card('Items compared', count(cmp.numItemsCompared, { id: 'cmp-items' })),
      card('Items fully right', [pct(items.baseline, { id: 'cmp-items-baseline' }), ' → ', pct(items.candidate, { id: 'cmp-items-candidate' })]),
      card(`Non-inferior (margin ${pctText(cmp.parameters?.margin)})`,
        h('span', { id: 'cmp-noninferior', 'data-value': String(cmp.nonInferior) }, cmp.nonInferior ? 'yes' : 'no'))),
    h('figure', { class: 'chart-box' }, intervalChart(acc.delta, ci.low, ci.high),
      h('figcaption', { class: 'muted small' },
        `Paired bootstrap, ${acc.resamples ?? '?'} resamples (seed ${acc.seed ?? '?'}). `,
        'McNemar: ', count(mc.regressed, { id: 'cmp-regressed-count' }), ' regressed, ', count(mc.improved, { id: 'cmp-improved-count' }), ' improved. ',
        'Items fully right, Wilson 95%: baseline ', wilson(items.baselineCi95, 'cmp-items-baseline-ci'),
        ', candidate ', wilson(items.candidateCi95, 'cmp-items-candidate-ci'), '.')),
    powerSentence(cmp),
    parametersForm(cmp, run.id, baseline.id),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', onclick: () => download(`/evaluation_set_runs/${enc(run.id)}/results.csv`, `${run.id}-results.csv`) }, 'Export candidate CSV'),
      h('button', { type: 'button', onclick: () => download(`/evaluation_set_runs/${enc(baseline.id)}/results.csv`, `${baseline.id}-results.csv`) }, 'Export baseline CSV')),
    flippedList('Newly incorrect items', 'newly-incorrect', cmp.newlyIncorrect || [], byItem, run.id),
    fieldsSection(cmp.fields || {}),
    flippedList('Newly correct items', 'newly-correct', cmp.newlyCorrect || [], byItem, run.id),
    fieldDeltas(cmp.fieldDeltas || {}),
    itemList('Items whose score fell', 'regressed', cmp.regressedItems || [], byItem, run.id),
    itemList('Items whose score rose', 'improved', cmp.improvedItems || [], byItem, run.id),
  );
}

function verdictText(v) {
  return v === 'regressed' ? 'Regressed' : v === 'improved' ? 'Improved' : 'No significant change';
}

function verdictBanner(cmp) {
  const p = cmp.parameters || {};
  return h('section', { class: `cmp-verdict ${cmp.verdict}`, id: 'verdict', 'data-verdict': cmp.verdict, 'aria-label': 'Verdict' },
    h('strong', null, verdictText(cmp.verdict)), ': accuracy ', deltaPct(cmp.delta, { id: 'verdict-delta' }),
    ' (95% CI ', deltaPct(cmp.ci95?.low), ' to ', deltaPct(cmp.ci95?.high), '), McNemar p = ', pValue(cmp.pValue, { id: 'verdict-pvalue' }),
    ', at alpha ', h('span', { id: 'verdict-alpha', 'data-value': String(p.alpha) }, String(p.alpha)), '.');
}

// "With N paired items this comparison detects a change of X with 80% power …; a change
// of E needs about M items."
function powerSentence(cmp) {
  const p = cmp.parameters || {};
  const mde = cmp.minimumDetectableEffect;
  return h('p', { id: 'power-sentence', class: 'power' },
    'With ', count(cmp.numItemsCompared), ' paired items this comparison ',
    typeof mde === 'number' ? ['detects a change of ', pp(mde, 'cmp-mde')] : h('span', { id: 'cmp-mde', 'data-value': '' }, 'cannot detect any change'),
    ` with ${Math.round((p.power ?? 0.8) * 100)}% power at alpha ${p.alpha}; detecting `, pp(p.effect, 'cmp-effect'),
    ' needs about ', count(cmp.itemsNeeded, { id: 'cmp-items-needed' }), ' items.');
}

function pp(value, id) {
  return h('span', { class: 'num', id, 'data-value': typeof value === 'number' ? String(value) : '' },
    typeof value === 'number' ? `${(value * 100).toFixed(1)} pp` : '—');
}

function wilson(interval, id) {
  if (!interval) return '—';
  return h('span', { id }, pct(interval.low, { class: 'ci-low' }), '–', pct(interval.high, { class: 'ci-high' }));
}

function parametersForm(cmp, runId, baselineId) {
  const p = cmp.parameters || {};
  const field = (name, label, value, min, max) => h('label', { class: 'param' }, `${label} `,
    h('input', { type: 'number', id: `param-${name}`, name, value: String(value), min, max, step: 'any', required: true }));
  return h('form', {
    class: 'toolbar cmp-params', id: 'compare-params', 'aria-label': 'Comparison parameters',
    onsubmit: (e) => {
      e.preventDefault();
      const f = new FormData(e.target);
      const q = new URLSearchParams({ run: runId, baseline: baselineId, alpha: f.get('alpha'), margin: f.get('margin'), effect: f.get('effect') });
      location.hash = `#/compare?${q}`;
    },
  }, field('alpha', 'Alpha', p.alpha, '0.000001', '0.5'), field('margin', 'Margin', p.margin, '0', '1'),
  field('effect', 'Effect', p.effect, '0.0001', '1'), h('button', { type: 'submit', id: 'params-apply' }, 'Apply'));
}

function fieldsSection(fields) {
  const rows = Object.entries(fields).sort(([ka, a], [kb, b]) =>
    (VERDICT_RANK[a.verdict] ?? 3) - (VERDICT_RANK[b.verdict] ?? 3) || (a.delta ?? 0) - (b.delta ?? 0) || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const chartRows = rows.map(([name, f]) => ({ name, delta: f.delta, low: f.ci95?.low, high: f.ci95?.high, verdict: f.verdict || 'no_change' }));
  return h('section', { 'aria-labelledby': 'fields-h' },
    h('h2', { id: 'fields-h' }, 'Per-field significance'),
    rows.length ? [
      h('figure', { class: 'chart-box' }, fieldIntervalsChart(chartRows),
        h('figcaption', { class: 'muted small' }, 'Change of each field’s share fully right, exact paired bootstrap 95% interval; verdicts use exact McNemar p-values adjusted by Holm across fields.')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'fields-table' },
        h('thead', null, h('tr', null, ...['Field', 'Baseline (Wilson 95%)', 'Candidate (Wilson 95%)', 'Change', '95% CI', 'p', 'p (Holm)', 'Verdict']
          .map((t, i) => h('th', { scope: 'col', class: i > 0 && i < 7 ? 'right' : null }, t)))),
        h('tbody', null, rows.map(([k, f]) => h('tr', { 'data-field': k, 'data-verdict': f.verdict },
          h('th', { scope: 'row', class: 'mono' }, k),
          td('Baseline', { class: 'right' }, pct(f.baseline, { class: 'f-baseline' }), ' ', h('span', { class: 'muted small' },
            '(', pct(f.baselineCi95?.low, { class: 'f-baseline-low' }), '–', pct(f.baselineCi95?.high, { class: 'f-baseline-high' }), ')')),
          td('Candidate', { class: 'right' }, pct(f.candidate, { class: 'f-candidate' }), ' ', h('span', { class: 'muted small' },
            '(', pct(f.candidateCi95?.low, { class: 'f-candidate-low' }), '–', pct(f.candidateCi95?.high, { class: 'f-candidate-high' }), ')')),
          td('Change', { class: 'right' }, deltaPct(f.delta, { class: 'f-delta' })),
          td('95% CI', { class: 'right' }, deltaPct(f.ci95?.low, { class: 'f-ci-low' }), ' to ', deltaPct(f.ci95?.high, { class: 'f-ci-high' })),
          td('p', { class: 'right' }, pValue(f.pValue, { class: 'f-pvalue' })),
          td('p (Holm)', { class: 'right' }, pValue(f.pValueAdjusted, { class: 'f-padj' })),
          td('Verdict', null, h('span', { class: `cmp-verdict-word ${f.verdict} f-verdict` }, (f.verdict || '').replace('_', ' ')))))))),
    ] : h('p', { class: 'muted' }, 'No per-field outcomes to compare.'));
}

function fieldDeltas(deltas) {
  // Biggest drops first.
  const rows = Object.entries(deltas).sort(([ka, a], [kb, b]) => (a.delta ?? 0) - (b.delta ?? 0) || ka.localeCompare(kb));
  return h('section', { 'aria-labelledby': 'fd-h' },
    h('h2', { id: 'fd-h' }, 'Per-field mean score'),
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'field-deltas' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col', class: 'right' }, 'Baseline'),
        h('th', { scope: 'col', class: 'right' }, 'Candidate'), h('th', { scope: 'col', class: 'right' }, 'Change'))),
      h('tbody', null, rows.map(([k, d]) => h('tr', { 'data-field': k },
        h('th', { scope: 'row', class: 'mono' }, k),
        h('td', { class: 'right' }, pct(d.baseline, { class: 'fd-baseline' })),
        h('td', { class: 'right' }, pct(d.candidate, { class: 'fd-candidate' })),
        h('td', { class: 'right' }, deltaPct(d.delta, { class: 'fd-delta' }))))))) : h('p', { class: 'muted' }, 'No per-field data.'));
}

function itemLink(it, byItem, runId) {
  const r = byItem.get(it.evaluationSetItemId);
  const name = (r && r.file && r.file.name) || it.evaluationSetItemId;
  return r ? h('a', { href: `#/runs/${enc(runId)}/items/${enc(r.id)}`, class: 'item-link' }, name) : name;
}

// Items whose correctness flipped, with the fields that flipped.
function flippedList(title, id, items, byItem, runId) {
  return h('section', { 'aria-labelledby': `${id}-h`, id },
    h('h2', { id: `${id}-h` }, title, ' (', count(items.length, { id: `${id}-total` }), ')'),
    items.length ? h('ul', { class: 'changed-items', id: `${id}-items` }, items.map((it) => h('li', { 'data-item-id': it.evaluationSetItemId },
      itemLink(it, byItem, runId),
      it.fields && it.fields.length ? h('span', { class: 'muted small item-fields' }, ` — ${it.fields.join(', ')}`) : null))) : h('p', { class: 'muted' }, 'None.'));
}

function itemList(title, id, items, byItem, runId) {
  return h('section', { 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, title, ' (', count(items.length, { id: `${id}-total` }), ')'),
    items.length ? h('ul', { class: 'changed-items', id: `${id}-items` }, items.map((it) => h('li', { 'data-item-id': it.evaluationSetItemId },
      itemLink(it, byItem, runId),
      it.fields && it.fields.length ? h('span', { class: 'muted small' }, ` — ${it.fields.join(', ')}`) : null))) : h('p', { class: 'muted' }, 'None.'));
}
