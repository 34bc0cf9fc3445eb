// Evaluation sets: every set (all pages fetched), searchable by name on the client,
// with its item count and the accuracy of its most recent run.
import { h, mount, td } from '../dom.js';
import { enc, get, getAll, mapLimit, post } from '../api.js';
import { count, dateTime, pct, statusBadge } from '../format.js';

export async function render(main, _params, ctx) {
  document.title = 'Evaluation sets · Goldset';
  const sets = await getAll('/evaluation_sets', { maxPageSize: 100 });
  const details = await mapLimit(sets, 4, async (set) => {
    const [items, lastRun] = await Promise.all([
      getAll(`/evaluation_sets/${enc(set.id)}/items`, { maxPageSize: 1000 }),
      latestRun(set.id),
    ]);
    return { set, itemCount: items.length, lastRun };
  });
  if (!ctx.isCurrent()) return;

  const search = h('input', { id: 'set-search', type: 'search', placeholder: 'Filter by name', autocomplete: 'off' });
  const tbody = h('tbody');
  const empty = h('p', { class: 'muted', hidden: true }, 'No evaluation set matches.');
  const rows = details.map((d) => ({ name: d.set.name.toLowerCase(), row: row(d) }));
  tbody.append(...rows.map((r) => r.row));
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    let shown = 0;
    for (const r of rows) {
      r.row.hidden = q !== '' && !r.name.includes(q);
      if (!r.row.hidden) shown++;
    }
    empty.hidden = shown > 0;
  });

  mount(main,
    h('h1', null, 'Evaluation sets'),
    h('div', { class: 'toolbar' }, h('label', { for: 'set-search' }, 'Search'), search,
      h('a', { class: 'button', href: '#/sets/new', id: 'new-set-link' }, 'New evaluation set')),
    sets.length === 0
      ? emptyState()
      : h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'sets-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col' }, 'Processor'),
          h('th', { scope: 'col', class: 'right' }, 'Items'),
          h('th', { scope: 'col', class: 'right' }, 'Last run accuracy'),
          h('th', { scope: 'col' }, 'Created'))),
        tbody)),
    empty,
  );
}

// A first look without writing a config: labelled sample data with finished runs
// (POST /sample_data; the same as `goldset demo`).
function emptyState() {
  const status = h('p', { class: 'muted', role: 'status', id: 'sample-data-status' });
  const button = h('button', { type: 'button', id: 'load-sample-data' }, 'Load sample data');
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = 'Loading sample invoices and document types, and starting their runs…';
    try {
      await post('/sample_data', {});
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (e) {
      status.textContent = `Could not load the sample data: ${e.message}`;
      button.disabled = false;
    }
  });
  return h('section', { id: 'sets-empty' },
    h('p', { class: 'muted' }, 'No evaluation sets yet: create one with “New evaluation set” (or POST /evaluation_sets).'),
    h('p', null, 'Or look around first: load a small labelled sample (invoices and receipts, an extractor with a weaker and a stronger version, a classifier) with its runs. Everything is named “Sample: …”; remove it with DELETE /sample_data or goldset demo --remove.'),
    button, status);
}

async function latestRun(setId) {
  try {
    const page = await get('/evaluation_set_runs', { evaluationSetId: setId, maxPageSize: 1 });
    return (page.data && page.data[0]) || null;
  } catch {
    return null; // the runs list is an extension; a server without it just shows "—"
  }
}

function row({ set, itemCount, lastRun }) {
  const entity = set.entity || {};
  return h('tr', { 'data-set-id': set.id },
    h('th', { scope: 'row' }, h('a', { href: `#/sets/${enc(set.id)}` }, set.name),
      set.description ? h('div', { class: 'muted small' }, set.description) : null),
    td('Processor', null, h('span', { class: 'muted small' }, entity.object || ''), ' ', entity.name || entity.id || ''),
    td('Items', { class: 'right' }, count(itemCount, { class: 'item-count' })),
    td('Last run', { class: 'right' }, lastRun
      ? h('a', { href: `#/runs/${enc(lastRun.id)}`, class: 'last-run' },
        pct(lastRun.metrics && lastRun.metrics.accuracy, { class: 'last-accuracy' }), ' ', statusBadge(lastRun.status))
      : h('span', { class: 'muted' }, 'no runs')),
    td('Created', null, dateTime(set.createdAt)));
}
