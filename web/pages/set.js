// One evaluation set: its items (file + expected output) and its runs, with the
// accuracy trend across runs.
import { h, mount, td } from '../dom.js';
import { enc, get, getAll, mapLimit } from '../api.js';
import { count, dateTime, pct, statusBadge, valueText } from '../format.js';
import { trendChart } from '../charts/trend.js';

export async function render(main, { setId }, ctx) {
  const base = `/evaluation_sets/${enc(setId)}`;
  const [set, summaries, runs] = await Promise.all([
    get(base),
    getAll(`${base}/items`, { maxPageSize: 1000 }),
    getAll('/evaluation_set_runs', { evaluationSetId: setId, maxPageSize: 100 }).catch(() => []),
  ]);
  // Summaries carry no expectedOutput; fetch each item (a few at a time).
  const items = await mapLimit(summaries, 4, (it) => get(`${base}/items/${enc(it.id)}`));
  // Each item's outcome in the newest finished run links straight to its detail page.
  const latest = runs.find((r) => r.status === 'PROCESSED' || r.status === 'FAILED');
  const latestResults = latest
    ? await getAll(`/evaluation_set_runs/${enc(latest.id)}/results`, { maxPageSize: 100 }).catch(() => [])
    : [];
  const outcome = new Map(latestResults.map((r) => [r.evaluationSetItemId, r]));
  if (!ctx.isCurrent()) return;
  document.title = `${set.name} · Goldset`;

  const chronological = [...runs].reverse();
  const scored = chronological.filter((r) => r.metrics && typeof r.metrics.accuracy === 'number');

  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ', set.name),
    h('h1', null, set.name),
    set.description ? h('p', { class: 'muted' }, set.description) : null,
    h('p', null, 'Processor: ', (set.entity && set.entity.object) || '', ' ', h('strong', null, (set.entity && set.entity.name) || ''),
      ' · ', count(items.length, { id: 'set-item-count' }), ' items · ', count(runs.length, { id: 'set-run-count' }), ' runs'),

    h('section', { 'aria-labelledby': 'runs-h' },
      h('h2', { id: 'runs-h' }, 'Runs'),
      scored.length
        ? h('figure', { class: 'chart-box' },
          trendChart(scored.map((r, i) => ({
            value: r.metrics.accuracy, id: r.id, href: `#/runs/${enc(r.id)}`,
            label: `Run ${i + 1} (${r.createdAt || r.id})`, short: `#${i + 1}`,
          })), { width: main.clientWidth - 48 }),
          h('figcaption', { class: 'muted small' }, 'Overall accuracy per run, oldest to newest.'))
        : null,
      runs.length ? runsTable(runs) : h('p', { class: 'muted' }, 'No runs yet.')),

    h('section', { 'aria-labelledby': 'items-h' },
      h('h2', { id: 'items-h' }, 'Items'),
      items.length ? itemsTable(items, latest, outcome) : h('p', { class: 'muted' }, 'No items yet.')),
  );
}

function runsTable(runs) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'runs-table' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Run'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Version'),
      h('th', { scope: 'col', class: 'right' }, 'Accuracy'), h('th', { scope: 'col', class: 'right' }, 'Files'),
      h('th', { scope: 'col' }, 'Created'), h('th', { scope: 'col' }, 'Compare'))),
    h('tbody', null, runs.map((r, i) => {
      const m = r.metrics || {};
      const previous = runs[i + 1]; // newest first, so the next row is the earlier run
      return h('tr', { 'data-run-id': r.id },
        h('th', { scope: 'row' }, h('a', { href: `#/runs/${enc(r.id)}`, class: 'mono' }, r.id)),
        td('Status', null, statusBadge(r.status)),
        td('Version', null, (r.entityVersion && r.entityVersion.version) || ''),
        td('Accuracy', { class: 'right' }, pct(m.accuracy, { class: 'run-accuracy' })),
        td('Files', { class: 'right' }, count(m.numFilesProcessed ?? m.numFiles), ' / ', count(m.numFilesTotal)),
        td('Created', null, dateTime(r.createdAt)),
        td('Compare', null, previous
          ? h('a', { href: `#/compare?run=${enc(r.id)}&baseline=${enc(previous.id)}`, class: 'compare-link' }, 'vs previous')
          : h('span', { class: 'muted' }, '—')));
    }))));
}

function itemsTable(items, latest, outcome) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'items-table' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col', class: 'right' }, 'Pages'),
      h('th', { scope: 'col' }, 'Expected output'),
      latest ? h('th', { scope: 'col' }, 'Latest run') : null)),
    h('tbody', null, items.map((it) => {
      const f = it.file || {};
      return h('tr', { 'data-item-id': it.id },
        h('th', { scope: 'row' }, f.name || f.id || it.id, h('div', { class: 'muted small mono' }, it.id)),
        td('Type', null, f.type || ''),
        td('Pages', { class: 'right' }, count(f.metadata && f.metadata.pageCount)),
        td('Expected', null, expectedSummary(it.expectedOutput)),
        latest ? td('Latest run', null, latestCell(latest, outcome.get(it.id))) : null);
    }))));
}

function latestCell(run, result) {
  if (!result) return h('span', { class: 'muted' }, 'not in run');
  const label = result.correct === true ? 'correct' : result.correct === false ? 'incorrect' : (result.status || '').toLowerCase();
  return h('a', { href: `#/runs/${enc(run.id)}/items/${enc(result.id)}`, class: 'latest-result' },
    h('span', { class: `verdict ${label}` }, label), ' ', pct(result.score, { class: 'latest-score' }));
}

// Extractor outputs as key/value pairs; classifier and splitter outputs in their own words.
function expectedSummary(out) {
  if (!out) return h('span', { class: 'muted' }, 'none');
  if (out.value && typeof out.value === 'object') {
    return h('dl', { class: 'kv' }, Object.entries(out.value).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, valueText(v))]));
  }
  if (Array.isArray(out.splits)) {
    return h('ul', { class: 'plain' }, out.splits.map((sp) => h('li', null, `${sp.type} p.${sp.startPage}–${sp.endPage}`)));
  }
  if (out.type) return h('span', null, out.type);
  return h('code', null, JSON.stringify(out));
}
