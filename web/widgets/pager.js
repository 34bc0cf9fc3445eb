// Page controls for long lists (sets with thousands of items, runs with thousands of
// results): only one page of rows is in the DOM, so the first screen costs the same at
// 10 rows or 10,000. The total may grow while the rest of the list loads.
import { h, mount } from '../dom.js';
import { count } from '../format.js';

// -> {node, page, setTotal(n, complete), pages()}; onPage(page) after a change.
export function pager({ id, pageSize, label = 'Pages', onPage }) {
  let total = 0;
  let complete = true;
  const state = { page: 0 };
  const node = h('nav', { class: 'list-pager', id, 'aria-label': label });
  const pages = () => Math.max(1, Math.ceil(total / pageSize));
  const go = (p) => {
    const next = Math.max(0, Math.min(pages() - 1, p));
    if (next === state.page) return;
    state.page = next;
    paint();
    onPage(next);
  };
  const paint = () => {
    const first = state.page * pageSize;
    const btn = (text, target, disabled, cls) => h('button', { type: 'button', class: `secondary small-button ${cls}`, disabled, onclick: () => go(target) }, text);
    mount(node,
      btn('« First', 0, state.page === 0, 'first-page'),
      btn('‹ Previous', state.page - 1, state.page === 0, 'prev-page'),
      h('span', { class: 'page-label', 'aria-live': 'polite' }, total
        ? ['Rows ', count(first + 1), '–', count(Math.min(total, first + pageSize)), ' of ', count(total, { class: 'pager-total' }), complete ? '' : '+']
        : 'No rows'),
      btn('Next ›', state.page + 1, state.page >= pages() - 1, 'next-page'),
      btn('Last »', pages() - 1, state.page >= pages() - 1, 'last-page'));
    node.hidden = total <= pageSize && complete;
  };
  paint();
  return {
    node,
    get page() { return state.page; },
    setPage(p) { state.page = Math.max(0, Math.min(pages() - 1, p)); paint(); },
    setTotal(n, isComplete = true) {
      total = n;
      complete = isComplete;
      if (state.page > pages() - 1) state.page = pages() - 1;
      paint();
    },
    pageSize,
  };
}
