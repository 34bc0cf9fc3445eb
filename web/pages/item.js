// One item of a run: the document's page images beside expected vs actual, field by
// field, with incorrect fields and the differing characters highlighted.
import { h, clear, mount } from '../dom.js';
import { enc, get, getAll, getBlob } from '../api.js';
import { ms, pct, statusBadge, valueText } from '../format.js';
import { diffPair } from '../diff.js';
import { promoteControls } from '../versions.js';

const MAX_PAGES = 20; // a preview, not a viewer: long documents show their first pages

export async function render(main, { runId, runItemId }, ctx) {
  // The item itself first; its neighbours (for previous/next) come from the run's result
  // list, which can hold thousands of items, so it loads behind the page.
  const [run, result] = await Promise.all([
    get(`/evaluation_set_runs/${enc(runId)}`),
    get(`/evaluation_set_runs/${enc(runId)}/results/${enc(runItemId)}`),
  ]);
  const set = await get(`/evaluation_sets/${enc(run.evaluationSetId)}`).catch(() => null);
  if (!ctx.isCurrent()) return;
  const file = result.file || {};
  document.title = `${file.name || result.evaluationSetItemId} · Run ${run.id} · Goldset`;

  const sibling = (r) => (r ? `#/runs/${enc(runId)}/items/${enc(r.id)}` : null);
  const pager = h('nav', { class: 'pager', 'aria-label': 'Items in this run' }, h('span'), h('span'));
  getAll(`/evaluation_set_runs/${enc(runId)}/results`, { maxPageSize: 1000 }).then((results) => {
    if (!ctx.isCurrent()) return;
    const index = results.findIndex((r) => r.id === result.id);
    const prev = sibling(results[index - 1]);
    const next = sibling(results[index + 1]);
    mount(pager,
      prev ? h('a', { href: prev, rel: 'prev' }, '← Previous item') : h('span'),
      next ? h('a', { href: next, rel: 'next' }, 'Next item →') : h('span'));
  }).catch(() => {});

  // Focusable: the pages scroll, and keyboard users must be able to scroll them.
  const pages = h('div', { class: 'pages', id: 'page-images', role: 'region', 'aria-label': 'Document pages', tabindex: 0 });
  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ',
      h('a', { href: `#/sets/${enc(run.evaluationSetId)}` }, set ? set.name : run.evaluationSetId), ' / ',
      h('a', { href: `#/runs/${enc(run.id)}`, id: 'back-to-run' }, run.id), ' / ', file.name || result.id),
    h('h1', null, file.name || result.evaluationSetItemId, ' ', statusBadge(result.status)),
    h('p', { class: 'muted' },
      result.correct === true ? h('span', { class: 'verdict correct' }, 'correct') : result.correct === false ? h('span', { class: 'verdict incorrect' }, 'incorrect') : '',
      ' · score ', pct(result.score, { id: 'item-score' }), ' · latency ', ms(result.latencyMs, { id: 'item-latency' }),
      ' · item ', h('span', { class: 'mono' }, result.evaluationSetItemId)),
    result.error ? h('p', { class: 'error', role: 'alert' }, `${result.error.code || 'ERROR'}: ${result.error.message || ''}`) : null,
    pager,
    promoteControls(run, result, ctx),
    h('div', { class: 'item-layout' },
      h('section', { 'aria-labelledby': 'doc-h', class: 'doc-col' }, h('h2', { id: 'doc-h' }, 'Document'), pages),
      h('section', { 'aria-labelledby': 'fields-h', class: 'fields-col' }, h('h2', { id: 'fields-h' }, 'Expected vs actual'), fieldsTable(result),
        h('details', null, h('summary', null, 'Raw outputs (JSON)'),
          h('h3', null, 'Expected'), h('pre', { id: 'raw-expected' }, JSON.stringify(result.expectedOutput, null, 2)),
          h('h3', null, 'Actual'), h('pre', { id: 'raw-actual' }, JSON.stringify(result.actualOutput, null, 2))))),
  );

  // Images need the Authorization header, so they are fetched as blobs and shown via
  // object URLs (revoked when leaving the page).
  const n = Math.min(MAX_PAGES, Math.max(1, result.numPages || (file.metadata && file.metadata.pageCount) || 1));
  if (!file.id) return;
  for (let p = 1; p <= n; p++) {
    const figure = h('figure', { class: 'page', 'data-page': p }, h('p', { class: 'muted small' }, `Loading page ${p}…`));
    pages.append(figure);
    try {
      const blob = await getBlob(`/files/${enc(file.id)}/pages/${p}.png`);
      if (!ctx.isCurrent()) return;
      const url = URL.createObjectURL(blob);
      ctx.onLeave(() => URL.revokeObjectURL(url));
      clear(figure).append(h('img', { src: url, alt: `Page ${p} of ${file.name || 'the document'}`, loading: 'lazy' }), h('figcaption', { class: 'muted small' }, `Page ${p}`));
    } catch (err) {
      if (!ctx.isCurrent()) return;
      clear(figure).append(h('p', { class: 'muted small' }, `No image for page ${p} (${err.message}).`));
    }
  }
}

function fieldsTable(result) {
  const fields = Object.entries(result.fields || {});
  if (!fields.length) return h('p', { class: 'muted' }, 'No field-level results.');
  // Incorrect first, then excluded, then correct: the reason to open an item.
  const rank = { incorrect: 0, excluded: 1, correct: 2 };
  fields.sort(([ka, a], [kb, b]) => (rank[a.verdict] ?? 0) - (rank[b.verdict] ?? 0) || ka.localeCompare(kb));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'item-fields' },
    h('thead', null, h('tr', null, ['Field', 'Expected', 'Actual', 'Verdict', 'Score'].map((c, i) => h('th', { scope: 'col', class: i === 4 ? 'right' : '' }, c)))),
    h('tbody', null, fields.map(([path, f]) => {
      const exp = valueText(f.expected);
      const act = valueText(f.actual);
      const wrong = f.verdict === 'incorrect';
      const marked = wrong && typeof f.expected !== 'object' && typeof f.actual !== 'object' ? diffPair(exp, act) : null;
      return h('tr', { 'data-field': path, 'data-verdict': f.verdict, class: `verdict-${f.verdict}` },
        h('th', { scope: 'row', class: 'mono' }, path),
        // One wrapper per cell so the phone layout (label + value grid) sees two children.
        h('td', { class: 'val expected', 'data-label': 'Expected' }, h('span', null, marked ? marked.expected : exp)),
        h('td', { class: 'val actual', 'data-label': 'Actual' }, h('span', null, marked ? marked.actual : act)),
        h('td', { 'data-label': 'Verdict' }, h('span', null, h('span', { class: `verdict ${f.verdict}` }, f.verdict),
          f.reason ? h('div', { class: 'muted small' }, f.reason) : null,
          typeof f.confidence === 'number' ? h('div', { class: 'muted small' }, 'confidence ', pct(f.confidence, { class: 'confidence' })) : null)),
        h('td', { class: 'right', 'data-label': 'Score' }, pct(f.score, { class: 'field-score' })));
    }))));
}
