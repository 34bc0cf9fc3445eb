// Two runs of one set side by side: accuracy change with its confidence interval and
// McNemar p-value, per-field deltas, and the items that regressed or improved.
import { h, mount } from '../dom.js';
import { download, enc, get, getAll } from '../api.js';
import { count, deltaPct, pValue, pct } from '../format.js';
import { intervalChart } from '../charts/interval.js';

export async function render(main, { runId, baselineId }, ctx) {
  if (!runId || !baselineId) throw new Error('Compare needs ?run=…&baseline=… (open it from a run page).');
  const [cmp, run, baseline, results] = await Promise.all([
    get(`/evaluation_set_runs/${enc(runId)}/compare`, { baseline: baselineId }),
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
  const card = (label, node) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, node));

  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ',
      h('a', { href: `#/sets/${enc(run.evaluationSetId)}` }, set ? set.name : run.evaluationSetId), ' / Compare'),
    h('h1', null, 'Compare runs'),
    h('p', null, 'Candidate ', h('a', { href: `#/runs/${enc(run.id)}`, class: 'mono', id: 'candidate-link' }, run.id),
      ' against baseline ', h('a', { href: `#/runs/${enc(baseline.id)}`, class: 'mono', id: 'baseline-link' }, baseline.id),
      ' · ', h('a', { href: `#/compare?run=${enc(baseline.id)}&baseline=${enc(run.id)}`, id: 'swap-link' }, 'swap')),
    h('section', { class: 'stats', 'aria-label': 'Accuracy change' },
      card('Baseline accuracy', pct(acc.baseline, { id: 'cmp-baseline' })),
      card('Candidate accuracy', pct(acc.candidate, { id: 'cmp-candidate' })),
      card('Change', deltaPct(acc.delta, { id: 'cmp-delta' })),
      card('95% CI', [deltaPct(ci.low, { id: 'cmp-ci-low' }), ' to ', deltaPct(ci.high, { id: 'cmp-ci-high' })]),
      card('McNemar p-value', pValue(mc.pValue, { id: 'cmp-pvalue' })),
      card('Items compared', count(cmp.numItemsCompared, { id: 'cmp-items' }))),
    h('figure', { class: 'chart-box' }, intervalChart(acc.delta, ci.low, ci.high),
      h('figcaption', { class: 'muted small' },
        `Paired bootstrap, ${acc.resamples ?? '?'} resamples (seed ${acc.seed ?? '?'}). `,
        'McNemar: ', count(mc.regressed, { id: 'cmp-regressed-count' }), ' regressed, ', count(mc.improved, { id: 'cmp-improved-count' }), ' improved.')),
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', onclick: () => download(`/evaluation_set_runs/${enc(run.id)}/results.csv`, `${run.id}-results.csv`) }, 'Export candidate CSV'),
      h('button', { type: 'button', onclick: () => download(`/evaluation_set_runs/${enc(baseline.id)}/results.csv`, `${baseline.id}-results.csv`) }, 'Export baseline CSV')),
    fieldDeltas(cmp.fieldDeltas || {}),
    itemList('Regressed items', 'regressed', cmp.regressedItems || [], byItem, run.id),
    itemList('Improved items', 'improved', cmp.improvedItems || [], byItem, run.id),
  );
}

function fieldDeltas(deltas) {
  // Biggest drops first.
  const rows = Object.entries(deltas).sort(([ka, a], [kb, b]) => (a.delta ?? 0) - (b.delta ?? 0) || ka.localeCompare(kb));
  return h('section', { 'aria-labelledby': 'fd-h' },
    h('h2', { id: 'fd-h' }, 'Per-field change'),
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'field-deltas' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col', class: 'right' }, 'Baseline'),
        h('th', { scope: 'col', class: 'right' }, 'Candidate'), h('th', { scope: 'col', class: 'right' }, 'Change'))),
      h('tbody', null, rows.map(([k, d]) => h('tr', { 'data-field': k },
        h('th', { scope: 'row', class: 'mono' }, k),
        h('td', { class: 'right' }, pct(d.baseline, { class: 'fd-baseline' })),
        h('td', { class: 'right' }, pct(d.candidate, { class: 'fd-candidate' })),
        h('td', { class: 'right' }, deltaPct(d.delta, { class: 'fd-delta' }))))))) : h('p', { class: 'muted' }, 'No per-field data.'));
}

function itemList(title, id, items, byItem, runId) {
  return h('section', { 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, title, ' (', count(items.length, { id: `${id}-total` }), ')'),
    items.length ? h('ul', { class: 'changed-items', id: `${id}-items` }, items.map((it) => {
      const r = byItem.get(it.evaluationSetItemId);
      const name = (r && r.file && r.file.name) || it.evaluationSetItemId;
      return h('li', { 'data-item-id': it.evaluationSetItemId },
        r ? h('a', { href: `#/runs/${enc(runId)}/items/${enc(r.id)}`, class: 'item-link' }, name) : name,
        it.fields && it.fields.length ? h('span', { class: 'muted small' }, ` — ${it.fields.join(', ')}`) : null);
    })) : h('p', { class: 'muted' }, 'None.'));
}
