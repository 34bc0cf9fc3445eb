// Label one item: the document beside an editor of its expected output (a form from the
// extractor schema, a class picker, or a page-range editor over thumbnails). "Pre-fill"
// copies a run's output into the editor to correct. Saving is the public
// POST /evaluation_sets/{id}/items/{itemId}; its 422 lands on the field it names, and a
// failed save keeps everything typed.
import { h, mount } from '../dom.js';
import { ApiError, enc, get, getAll, post } from '../api.js';
import { KINDS, setProcessor } from '../processors.js';
import { labelEditor } from '../forms/label-editors.js';
import { itemHistory } from '../versions.js';
import { documentView } from '../widgets/pages.js';

const FINISHED = new Set(['PROCESSED', 'FAILED', 'CANCELLED']);
const POLL_MS = 500;

export async function render(main, { setId, itemId, runId, back }, ctx) {
  const base = `/evaluation_sets/${enc(setId)}`;
  const [set, item, runs] = await Promise.all([
    get(base),
    get(`${base}/items/${enc(itemId)}`),
    getAll('/evaluation_set_runs', { evaluationSetId: setId, maxPageSize: 100 }).catch(() => []),
  ]);
  const proc = await setProcessor(set);
  if (!ctx.isCurrent()) return;
  const file = item.file || {};
  document.title = `Label ${file.name || item.id} · ${set.name} · Goldset`;

  const pageCount = Number((file.metadata && file.metadata.pageCount) || 1);
  const doc = documentView(file, { ctx, thumbs: proc.kind === 'splitter', maxPages: proc.kind === 'splitter' ? 60 : 20 });
  const editor = labelEditor(proc.kind, proc.config, item.expectedOutput, { pageCount, docView: doc });

  // -- Save ----------------------------------------------------------------------------
  const status = h('p', { id: 'save-status', role: 'status', class: 'small' });
  const dirtyNote = h('span', { id: 'dirty', class: 'badge unsaved', hidden: true }, 'Unsaved changes');
  let dirty = false;
  const setDirty = (d) => { dirty = d; dirtyNote.hidden = !d; };
  editor.onChange(() => setDirty(true));
  const beforeUnload = (e) => { if (dirty) { e.preventDefault(); e.returnValue = ''; } };
  window.addEventListener('beforeunload', beforeUnload);
  ctx.onLeave(() => window.removeEventListener('beforeunload', beforeUnload));

  const say = (text, cls = '') => { status.className = `small ${cls}`.trim(); status.textContent = text; };
  let saving = false;
  async function save() {
    if (saving) return false;
    const { expected, problems } = editor.read();
    if (problems.length) {
      say(`${problems.length} field${problems.length > 1 ? 's need' : ' needs'} fixing before saving (marked in red).`, 'error');
      editor.showError(problems[0].path, problems[0].message);
      return false;
    }
    saving = true;
    say('Saving…');
    try {
      await post(`${base}/items/${enc(itemId)}`, { expectedOutput: expected });
      if (!ctx.isCurrent()) return true;
      setDirty(false);
      say(`Saved at ${new Date().toLocaleTimeString()}.`, 'ok');
      return true;
    } catch (err) {
      // The form keeps its content: only the message changes.
      const msg = err instanceof ApiError ? err.message.replace(/;\s*Path:.*$/, '') : String(err.message || err);
      const placed = err instanceof ApiError && err.fieldPath && editor.showError(err.fieldPath, msg);
      say(`Not saved (${err.status || 'network'}): ${msg}${placed ? ' — see the marked field.' : ''}`, 'error');
      return false;
    } finally {
      saving = false;
    }
  }

  // -- Neighbours (loaded in the background: sets can hold thousands of items) ----------
  const pager = h('nav', { class: 'pager', 'aria-label': 'Items of this set' }, h('span', { class: 'muted small' }, 'Loading the item list…'));
  let next = null;
  getAll(`${base}/items`, { maxPageSize: 1000, sortBy: 'createdAt', sortDir: 'asc' }).then((all) => {
    if (!ctx.isCurrent()) return;
    const i = all.findIndex((x) => x.id === itemId);
    const link = (x, rel, text) => (x ? h('a', { href: `#/sets/${enc(setId)}/items/${enc(x.id)}`, rel, id: `${rel}-item` }, text) : h('span'));
    next = all[i + 1] || null;
    mount(pager, link(all[i - 1], 'prev', '← Previous item'), h('span', { class: 'muted small', id: 'item-position' }, `Item ${i + 1} of ${all.length}`), link(next, 'next', 'Next item →'));
  }).catch(() => mount(pager));

  const saveBtn = h('button', { type: 'submit', id: 'save-item' }, 'Save');
  const saveNextBtn = h('button', { type: 'button', class: 'secondary', id: 'save-next', onclick: async () => {
    if (await save() && next && ctx.isCurrent()) location.hash = `#/sets/${enc(setId)}/items/${enc(next.id)}`;
  } }, 'Save and next');
  const form = h('form', { id: 'label-form', class: 'label-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); save(); } },
    editor.node,
    h('div', { class: 'toolbar sticky-actions' }, saveBtn, saveNextBtn, dirtyNote, status));
  const onKey = (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 's') {
      e.preventDefault();
      save();
    }
  };
  document.addEventListener('keydown', onKey);
  ctx.onLeave(() => document.removeEventListener('keydown', onKey));

  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ',
      h('a', { href: `#/sets/${enc(setId)}`, id: 'back-to-set' }, set.name), ' / ', file.name || item.id),
    h('h1', null, 'Label ', h('span', { class: 'mono' }, file.name || item.id)),
    h('p', { class: 'muted small' }, `${KINDS[proc.kind].label} `, h('strong', null, proc.processor.name), ' · item ', h('span', { class: 'mono' }, item.id),
      back ? [' · ', h('a', { href: back, id: 'back-to-review' }, 'Back to the review')] : null),
    pager,
    h('div', { class: 'item-layout' },
      h('section', { 'aria-labelledby': 'doc-h', class: 'doc-col' }, h('h2', { id: 'doc-h' }, 'Document'), doc.node),
      h('section', { 'aria-labelledby': 'label-h', class: 'fields-col' }, h('h2', { id: 'label-h' }, 'Expected output'),
        prefill(runs, proc, file, itemId, editor, ctx, runId, say, () => setDirty(true)),
        form)),
    itemHistory(setId, itemId, ctx, () => { if (ctx.isCurrent()) location.reload(); }),
  );
}

// "Pre-fill from a run": a finished run of this set (its output for this item), or a
// fresh run of the processor's draft on this file (POST /extract_runs and friends).
function prefill(runs, proc, file, itemId, editor, ctx, preselect, say, markDirty) {
  const finished = runs.filter((r) => FINISHED.has(r.status));
  const NOW = '__now__';
  const select = h('select', { id: 'prefill-run' },
    finished.map((r) => h('option', { value: r.id, selected: r.id === preselect },
      `Run ${r.id} (${(r.entityVersion && r.entityVersion.version) || '?'}, ${r.status.toLowerCase()})`)),
    file.id ? h('option', { value: NOW, selected: !finished.length && !preselect }, `Run the ${proc.kind} (draft) on this file now`) : null);
  const status = h('span', { class: 'small', id: 'prefill-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'secondary', id: 'prefill-go' }, 'Pre-fill');
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.className = 'small';
    try {
      let output;
      if (select.value === NOW) {
        const k = KINDS[proc.kind];
        status.textContent = 'Running the processor…';
        let run = await post(k.runs, { [k.runKey]: { id: proc.processor.id, version: 'draft' }, file: { id: file.id } });
        while (run.status === 'PENDING' || run.status === 'PROCESSING') {
          await new Promise((r) => setTimeout(r, POLL_MS));
          if (!ctx.isCurrent()) return;
          run = await get(`${k.runs}/${enc(run.id)}`);
        }
        if (run.status !== 'PROCESSED') throw new Error(`the run ended ${run.status}: ${run.failureMessage || ''}`);
        output = run.output;
      } else {
        let result;
        try {
          result = await get(`/evaluation_set_runs/${enc(select.value)}/results/${enc(itemId)}`);
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) throw new Error('this item was not part of that run');
          throw err;
        }
        if (!result.actualOutput) throw new Error(`that run has no output for this item (${result.status}${result.error ? `: ${result.error.message}` : ''})`);
        output = result.actualOutput;
      }
      if (!ctx.isCurrent()) return;
      editor.fill(output);
      markDirty();
      status.textContent = 'Pre-filled: correct what is wrong, then save.';
    } catch (err) {
      status.className = 'small error';
      status.textContent = `Could not pre-fill: ${err.message}`;
    } finally {
      button.disabled = false;
    }
    say('');
  });
  if (!select.options.length) return null;
  return h('div', { class: 'toolbar prefill' }, h('label', { for: 'prefill-run' }, 'Pre-fill from'), select, button, status);
}
