// The set page's "Cost, latency and accuracy" section: every finished run of the set as
// a point, accuracy against cost per item and against mean latency per item, the
// Pareto-optimal runs (web/pareto.js) marked and listed. Accuracy is the run's
// metrics.accuracy; cost and latency come from each run's analysis (GET
// /evaluation_set_runs/{id}/analysis, `usage`), fetched four at a time behind the first
// screen. Runs without a reported cost are drawn hollow in a lane of their own.
import { h, mount, td } from '../dom.js';
import { enc, get, mapLimit } from '../api.js';
import { money, ms, pct } from '../format.js';
import { paretoOptimal } from '../pareto.js';
import { tradeoffChart } from '../charts/tradeoff.js';

const FINISHED = new Set(['PROCESSED', 'FAILED', 'CANCELLED']);
// The newest runs only: each needs its analysis (computed once per run, then stored).
const MAX_RUNS = 100;

// runs: newest first, as the set page lists them.
export function tradeoffSection(runs, ctx, { width = 900 } = {}) {
  const body = h('div', { id: 'tradeoffs-body', 'aria-live': 'polite' });
  const node = h('section', { 'aria-labelledby': 'tradeoffs-h', id: 'tradeoffs', 'data-state': 'loading' },
    h('h2', { id: 'tradeoffs-h' }, 'Cost, latency and accuracy'), body);
  // Numbered oldest first, as the accuracy trend labels them.
  const numbered = [...runs].reverse().map((r, i) => ({ run: r, n: i + 1 }));
  const finished = numbered.filter(({ run }) => FINISHED.has(run.status) && run.metrics && typeof run.metrics.accuracy === 'number')
    .slice(-MAX_RUNS);
  if (!finished.length) {
    mount(body, h('p', { class: 'muted' }, 'No finished run with an accuracy yet.'));
    node.dataset.state = 'ready';
    return node;
  }
  mount(body, h('p', { class: 'muted', role: 'status' }, 'Loading each run\'s cost and latency…'));
  (async () => {
    const usages = await mapLimit(finished, 4, ({ run }) => get(`/evaluation_set_runs/${enc(run.id)}/analysis`)
      .then((a) => a.usage || {}).catch(() => ({})));
    if (!ctx.isCurrent()) return;
    const points = finished.map(({ run, n }, i) => {
      const u = usages[i];
      return {
        id: run.id, n, run, accuracy: run.metrics.accuracy, currency: u.currency,
        cost: typeof u.costPerItem === 'number' ? u.costPerItem : undefined,
        latency: u.latencyMs && typeof u.latencyMs.mean === 'number' ? u.latencyMs.mean : undefined,
      };
    });
    mount(body, content(points, width));
    node.dataset.state = 'ready';
  })().catch((err) => {
    if (!ctx.isCurrent()) return;
    mount(body, h('p', { class: 'error', role: 'alert' }, `Could not load the runs' costs: ${err.message}`));
    node.dataset.state = 'error';
  });
  return node;
}

function content(points, width) {
  const { optimal, ranked, byCost } = paretoOptimal(points);
  for (const p of points) p.state = optimal.has(p.id) ? 'optimal' : ranked.has(p.id) ? 'dominated' : 'unranked';
  const currencies = [...new Set(points.map((p) => p.currency).filter(Boolean))];
  const currency = currencies.length === 1 ? currencies[0] : '';
  const costText = (v) => `${v === 0 ? '0' : v < 1 ? v.toPrecision(2) : v.toFixed(2)}${currency ? ` ${currency}` : ''}`;
  const msText = (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
  const chartWidth = width >= 900 ? (width - 40) / 2 : width;
  const best = points.filter((p) => p.state === 'optimal').sort((a, b) => b.accuracy - a.accuracy || (a.cost ?? 0) - (b.cost ?? 0));
  const unranked = points.filter((p) => p.state === 'unranked');
  const noCost = points.filter((p) => typeof p.cost !== 'number');
  return [
    h('p', { class: 'muted small' }, byCost
      ? 'Pareto-optimal: no other run is at least as accurate, as cheap per item and as fast per item, and better in one of them. Runs without a reported cost are not ranked.'
      : 'No run reported a cost: Pareto-optimal means no other run is at least as accurate and as fast per item, and better in one.'),
    h('div', { class: 'tradeoff-charts' },
      h('figure', { class: 'chart-box' },
        tradeoffChart(points.map((p) => ({ ...p, x: p.cost })), { id: 'pareto-cost', xLabel: 'cost per item', xText: costText, missingLabel: 'no cost', width: chartWidth }),
        h('figcaption', { class: 'muted small' }, 'Accuracy against cost per item', noCost.length ? `; ${noCost.length} run${noCost.length > 1 ? 's' : ''} without a cost in the left lane.` : '.')),
      h('figure', { class: 'chart-box' },
        tradeoffChart(points.map((p) => ({ ...p, x: p.latency })), { id: 'pareto-latency', xLabel: 'mean latency per item', xText: msText, width: chartWidth }),
        h('figcaption', { class: 'muted small' }, 'Accuracy against mean latency per item.'))),
    h('h3', { id: 'pareto-h' }, 'Pareto-optimal runs'),
    best.length ? runTable(best, 'pareto-table') : h('p', { class: 'muted' }, 'No run could be ranked.'),
    unranked.length ? h('details', { class: 'field-details', id: 'pareto-unranked' },
      h('summary', null, `Not ranked (${unranked.length}): no ${byCost ? 'cost or latency' : 'latency'} reported`),
      runTable(unranked, 'pareto-unranked-table')) : null,
  ];
}

function runTable(points, id) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Run'), h('th', { scope: 'col', class: 'right' }, 'Accuracy'),
      h('th', { scope: 'col', class: 'right' }, 'Cost per item'), h('th', { scope: 'col', class: 'right' }, 'Mean latency'))),
    h('tbody', null, points.map((p) => h('tr', { 'data-run-id': p.id },
      h('th', { scope: 'row' }, h('a', { href: `#/runs/${enc(p.id)}`, class: 'mono' }, `#${p.n} ${p.id}`)),
      td('Accuracy', { class: 'right' }, pct(p.accuracy, { class: 'pareto-accuracy' })),
      td('Cost per item', { class: 'right' }, money(p.cost, p.currency, { class: 'pareto-cost' })),
      td('Mean latency', { class: 'right' }, ms(p.latency, { class: 'pareto-latency' })))))));
}
