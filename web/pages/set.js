// One evaluation set: its runs with the accuracy trend and the cost / latency / accuracy
// trade-off (pages/set-tradeoffs.js), and its items page by page (file,
// expected output, outcome in the latest run) with links to label each one. Documents can
// be added here (one item per file); runs start from "Start a run".
//
// Sets can hold thousands of items, so the first screen needs one page of item summaries,
// the expected outputs of that page and the first page of the latest run's results; the
// rest of the lists load behind it.
import { versionHistory } from '../versions.js';
import { h, mount, td } from '../dom.js';
import { enc, get, getAll, mapLimit, post } from '../api.js';
import { count, dateTime, pct, statusBadge, valueText } from '../format.js';
import { trendChart } from '../charts/trend.js';
import { tradeoffSection } from './set-tradeoffs.js';
import { loadResults } from '../results.js';
import { blankExpected, isBlank, labelsOf, setProcessor } from '../processors.js';
import { pager } from '../widgets/pager.js';
import { uploader } from '../widgets/uploader.js';

// Rows per page: each shows an expected output (one GET per item, the list has none).
const PAGE_SIZE = 25;

export async function render(main, { setId }, ctx) {
  const base = `/evaluation_sets/${enc(setId)}`;
  const itemsQuery = { sortBy: 'createdAt', sortDir: 'asc' };
  const [set, firstItems, runs] = await Promise.all([
    get(base),
    get(`${base}/items`, { ...itemsQuery, maxPageSize: PAGE_SIZE }),
    getRuns(setId),
  ]);
  // Each item's outcome in the newest finished run links straight to its detail page.
  const latest = runs.find((r) => r.status === 'PROCESSED' || r.status === 'FAILED');
  const outcome = new Map();
  let latestLoad = null;
  let tableReady = false; // rows are repainted as later results arrive, once there are rows
  if (latest) {
    latestLoad = await loadResults(latest.id, {
      firstPage: 2 * PAGE_SIZE,
      isCurrent: ctx.isCurrent,
      onMore: (all) => {
        for (const r of all) outcome.set(r.evaluationSetItemId, r);
        if (tableReady) refreshRows();
      },
    }).catch(() => null);
    if (latestLoad) for (const r of latestLoad.first) outcome.set(r.evaluationSetItemId, r);
  }
  const summaries = [...(firstItems.data || [])];
  let itemsComplete = !firstItems.nextPageToken;
  const full = new Map(); // item id -> item with expectedOutput (summaries carry none)
  const inflight = new Map(); // item id -> its GET, so overlapping repaints share it
  const fetchFull = (list) => mapLimit(list.filter((it) => !full.has(it.id)), 6, (it) => {
    if (!inflight.has(it.id)) {
      inflight.set(it.id, get(`${base}/items/${enc(it.id)}`)
        .then((x) => { full.set(it.id, x); })
        .finally(() => inflight.delete(it.id)));
    }
    return inflight.get(it.id);
  });
  await fetchFull(summaries.slice(0, PAGE_SIZE));
  if (!ctx.isCurrent()) return;
  document.title = `${set.name} · Goldset`;
  const kind = (set.entity && set.entity.object) || '';

  // -- Items table (one page in the DOM) -------------------------------------------------
  const tbody = h('tbody');
  const itemCount = h('span', { id: 'set-item-count-box' });
  const paintCount = () => mount(itemCount, count(summaries.length, { id: 'set-item-count', 'data-complete': String(itemsComplete) }), itemsComplete ? '' : '+');
  const pages = pager({ id: 'items-pager', pageSize: PAGE_SIZE, label: 'Pages of items', onPage: () => paintPage() });
  let paintToken = 0;
  // Paints the current page once its items' expected outputs are in; the newest call wins.
  async function paintPage() {
    const token = ++paintToken;
    const slice = summaries.slice(pages.page * PAGE_SIZE, (pages.page + 1) * PAGE_SIZE);
    if (slice.some((it) => !full.has(it.id))) {
      tbody.setAttribute('aria-busy', 'true');
      await fetchFull(slice).catch(() => {});
      if (token !== paintToken || !ctx.isCurrent()) return;
    }
    tbody.removeAttribute('aria-busy');
    mount(tbody, slice.map((it) => itemRow(set, full.get(it.id) || it, latest, outcome.get(it.id), kind)));
  }
  function refreshRows() {
    if (ctx.isCurrent()) paintPage();
  }
  pages.setTotal(summaries.length, itemsComplete);
  paintCount();
  await paintPage();
  tableReady = true;

  // The rest of the summaries, 1,000 per request.
  (async () => {
    let token = firstItems.nextPageToken;
    while (token && ctx.isCurrent()) {
      const next = await get(`${base}/items`, { ...itemsQuery, maxPageSize: 1000, nextPageToken: token });
      summaries.push(...(next.data || []));
      token = next.nextPageToken;
      itemsComplete = !token;
      if (!ctx.isCurrent()) return;
      pages.setTotal(summaries.length, itemsComplete);
      paintCount();
    }
  })().catch(() => {});

  const chronological = [...runs].reverse();
  const scored = chronological.filter((r) => r.metrics && typeof r.metrics.accuracy === 'number');
  const firstItem = summaries[0];

  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ', set.name),
    h('h1', null, set.name),
    set.description ? h('p', { class: 'muted' }, set.description) : null,
    h('p', null, 'Processor: ', (set.entity && set.entity.object) || '', ' ', h('strong', null, (set.entity && set.entity.name) || ''),
      ' · ', itemCount, ' items · ', count(runs.length, { id: 'set-run-count' }), ' runs'),
    h('div', { class: 'toolbar' },
      h('a', { class: 'button', href: `#/sets/${enc(set.id)}/runs/new`, id: 'start-run-link' }, 'Start a run'),
      firstItem ? h('a', { class: 'button secondary', href: `#/sets/${enc(set.id)}/items/${enc(firstItem.id)}`, id: 'label-first-link' }, 'Label items') : null,
      latest ? h('a', { class: 'button secondary', href: `#/runs/${enc(latest.id)}/review`, id: 'review-latest-link' }, 'Review the latest run') : null),
    addDocuments(set, kind, ctx),
    versionHistory(set, ctx),

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
    runs.length ? tradeoffSection(runs, ctx, { width: main.clientWidth - 48 }) : null,

    h('section', { 'aria-labelledby': 'items-h' },
      h('h2', { id: 'items-h' }, 'Items'),
      summaries.length ? [
        pages.node,
        h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'items-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col', class: 'right' }, 'Pages'),
            h('th', { scope: 'col' }, 'Expected output'),
            latest ? h('th', { scope: 'col' }, 'Latest run') : null)),
          tbody)),
      ] : h('p', { class: 'muted' }, 'No items yet: add documents above.')),
  );
  // The first screen is on the page: browser tests read this mark to time it.
  performance.mark('goldset:set-first-screen');
}

function getRuns(setId) {
  return getAll('/evaluation_set_runs', { evaluationSetId: setId, maxPageSize: 100 }).catch(() => []);
}

// "Add documents": upload files, then one item per file with a blank expected output.
function addDocuments(set, kind, ctx) {
  const status = h('div', { id: 'add-docs-status', 'aria-live': 'polite' });
  const classSelect = h('select', { id: 'add-docs-class' });
  const classRow = h('div', { class: 'form-row', hidden: kind !== 'classifier' }, h('label', { for: 'add-docs-class' }, 'Class of the new items'), classSelect);
  let classesLoaded = false;
  const loadClasses = async () => {
    if (classesLoaded || kind !== 'classifier') return;
    classesLoaded = true;
    const { config } = await setProcessor(set);
    mount(classSelect, labelsOf('classifier', config).map((c) => h('option', { value: JSON.stringify({ id: c.id, type: c.type }) }, `${c.type} (${c.id})`)));
  };
  const created = new Set();
  const up = uploader({ id: 'add-docs', label: 'Documents' });
  const addBtn = h('button', { type: 'button', id: 'add-docs-create' }, 'Add the uploaded files as items');
  addBtn.addEventListener('click', async () => {
    addBtn.disabled = true;
    try {
      await up.settled();
      const todo = up.uploaded().filter((u) => !created.has(u.record.id));
      if (!todo.length) { mount(status, h('p', { class: 'muted' }, 'Nothing new to add.')); return; }
      const initial = kind === 'classifier' && classSelect.value ? JSON.parse(classSelect.value) : null;
      if (kind === 'classifier' && !initial) { mount(status, h('p', { class: 'error', role: 'alert' }, 'The classifier has no classifications.')); return; }
      for (let i = 0; i < todo.length; i += 100) {
        const chunk = todo.slice(i, i + 100);
        await post(`/evaluation_sets/${enc(set.id)}/items`, { items: chunk.map((u) => ({ fileId: u.record.id, expectedOutput: blankExpected(kind, initial) })) });
        chunk.forEach((u) => created.add(u.record.id));
      }
      if (!ctx.isCurrent()) return;
      mount(status, h('p', { class: 'ok', role: 'status' }, `Added ${todo.length} item${todo.length > 1 ? 's' : ''}. `,
        h('a', { href: location.hash, onclick: (e) => { e.preventDefault(); window.dispatchEvent(new HashChangeEvent('hashchange')); } }, 'Refresh the list')));
    } catch (err) {
      mount(status, h('p', { class: 'error', role: 'alert' }, `Could not add the items: ${err.message}`));
    } finally {
      addBtn.disabled = false;
    }
  });
  const details = h('details', { class: 'add-docs', id: 'add-docs' }, h('summary', null, 'Add documents'), up.node, classRow, h('div', { class: 'toolbar' }, addBtn), status);
  details.addEventListener('toggle', () => { if (details.open) loadClasses().catch(() => {}); });
  return details;
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

function itemRow(set, it, latest, result, kind) {
  const f = it.file || {};
  return h('tr', { 'data-item-id': it.id },
    h('th', { scope: 'row' }, h('a', { href: `#/sets/${enc(set.id)}/items/${enc(it.id)}`, class: 'label-link' }, f.name || f.id || it.id),
      h('div', { class: 'muted small mono' }, it.id)),
    td('Type', null, f.type || ''),
    td('Pages', { class: 'right' }, count(f.metadata && f.metadata.pageCount)),
    td('Expected', null, 'expectedOutput' in it ? expectedSummary(it.expectedOutput, kind) : h('span', { class: 'muted' }, '…')),
    latest ? td('Latest run', null, latestCell(latest, result)) : null);
}

function latestCell(run, result) {
  if (!result) return h('span', { class: 'muted' }, 'not in run');
  const label = result.correct === true ? 'correct' : result.correct === false ? 'incorrect' : (result.status || '').toLowerCase();
  return h('a', { href: `#/runs/${enc(run.id)}/items/${enc(result.id)}`, class: 'latest-result' },
    h('span', { class: `verdict ${label}` }, label), ' ', pct(result.score, { class: 'latest-score' }));
}

// Extractor outputs as key/value pairs; classifier and splitter outputs in their own words.
function expectedSummary(out, kind) {
  if (isBlank(kind, out)) return h('span', { class: 'badge unlabelled' }, 'not labelled');
  if (out.value && typeof out.value === 'object') {
    return h('dl', { class: 'kv' }, Object.entries(out.value).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, valueText(v))]));
  }
  if (Array.isArray(out.splits)) {
    return h('ul', { class: 'plain' }, out.splits.map((sp) => h('li', null, `${sp.type} p.${sp.startPage}–${sp.endPage}`)));
  }
  if (out.type) return h('span', null, out.type);
  return h('code', null, JSON.stringify(out));
}
