// Create an evaluation set: choose or create its processor, name it, drop files; each
// uploaded file becomes one item. Every step is a public API call (POST /extractors…,
// POST /evaluation_sets, POST /files/upload, POST /evaluation_sets/{id}/items) and
// shows its error in place. A failed step can be retried without redoing the ones that
// worked (the processor, the set and the uploads are kept).
import { h, clear, mount } from '../dom.js';
import { ApiError, enc, get, post } from '../api.js';
import { count } from '../format.js';
import { KINDS, blankExpected, labelsOf, listProcessors } from '../processors.js';
import { schemaEditor, labelsEditor } from '../forms/schema-editor.js';
import { uploader } from '../widgets/uploader.js';

const ITEMS_PER_REQUEST = 100; // the contract's limit per POST /evaluation_sets/{id}/items

export async function render(main, _params, ctx) {
  document.title = 'New evaluation set · Goldset';
  const processors = await listProcessors();
  if (!ctx.isCurrent()) return;

  // What was created so far: a retry continues from here.
  const done = { processor: null, set: null, itemFiles: new Set() };

  // -- 1. Processor ---------------------------------------------------------------------
  const useExisting = h('input', { type: 'radio', name: 'proc-mode', id: 'proc-existing', value: 'existing', checked: processors.length > 0, disabled: !processors.length });
  const useNew = h('input', { type: 'radio', name: 'proc-mode', id: 'proc-new', value: 'new', checked: !processors.length });
  const existing = h('select', { id: 'proc-select', 'aria-describedby': 'proc-select-help' },
    Object.entries(KINDS).map(([kind, k]) => {
      const mine = processors.filter((p) => p.kind === kind);
      return mine.length ? h('optgroup', { label: `${k.label}s` }, mine.map((p) => h('option', { value: `${kind}:${p.id}` }, `${p.name} (${p.id})`))) : null;
    }));
  const kindSelect = h('select', { id: 'proc-kind' }, Object.entries(KINDS).map(([kind, k]) => h('option', { value: kind }, k.label)));
  const procName = h('input', { id: 'proc-name', type: 'text', autocomplete: 'off', 'aria-describedby': 'proc-name-error' });
  const procNameError = h('p', { class: 'field-error', id: 'proc-name-error', hidden: true });
  const schema = schemaEditor({ id: 'schema' });
  const classes = labelsEditor({ id: 'classifications', what: 'classification' });
  const splits = labelsEditor({ id: 'split-classifications', what: 'split classification' });
  const configBox = h('div', { id: 'proc-config' });
  const showConfig = () => {
    mount(configBox, kindSelect.value === 'extractor' ? schema.node : kindSelect.value === 'classifier'
      ? [h('h2', { class: 'minor' }, 'Classifications'), classes.node] : [h('h2', { class: 'minor' }, 'Split classifications'), splits.node]);
    refreshInitialClass();
  };
  kindSelect.addEventListener('change', showConfig);
  const newBox = h('div', { class: 'new-processor', id: 'new-processor' },
    h('div', { class: 'form-row' }, h('label', { for: 'proc-kind' }, 'Kind'), kindSelect),
    h('div', { class: 'form-row' }, h('label', { for: 'proc-name' }, 'Processor name'), procName, procNameError),
    configBox);
  const existingBox = h('div', { class: 'form-row', id: 'existing-processor' }, h('label', { for: 'proc-select' }, 'Processor'), existing,
    h('p', { class: 'muted small', id: 'proc-select-help' }, 'The set evaluates this processor; runs can use any of its versions.'));
  const syncMode = () => {
    newBox.hidden = !useNew.checked;
    existingBox.hidden = !useExisting.checked;
    refreshInitialClass();
  };
  useExisting.addEventListener('change', syncMode);
  useNew.addEventListener('change', syncMode);

  // -- 2. Set --------------------------------------------------------------------------
  const setName = h('input', { id: 'set-name', type: 'text', required: true, autocomplete: 'off', 'aria-describedby': 'set-name-error' });
  const setNameError = h('p', { class: 'field-error', id: 'set-name-error', hidden: true });
  const setDescription = h('input', { id: 'set-description', type: 'text', autocomplete: 'off' });

  // -- 3. Files ------------------------------------------------------------------------
  const files = uploader({ id: 'files', label: 'Files', onChange: () => refreshButton() });
  const initialClass = h('select', { id: 'initial-class', 'aria-describedby': 'initial-class-help' });
  const initialClassRow = h('div', { class: 'form-row', hidden: true },
    h('label', { for: 'initial-class' }, 'Class of the new items'), initialClass,
    h('p', { class: 'muted small', id: 'initial-class-help' }, 'A classifier item needs a class; correct each one while labelling.'));
  function chosenKind() {
    if (useNew.checked) return kindSelect.value;
    return (existing.value || '').split(':')[0];
  }
  async function refreshInitialClass() {
    const kind = chosenKind();
    initialClassRow.hidden = kind !== 'classifier';
    if (kind !== 'classifier') return;
    let labels = [];
    if (useNew.checked) {
      labels = [...document.querySelectorAll('#classifications tbody tr')].map((tr) => ({
        id: tr.querySelector('input[name=id]').value.trim(), type: tr.querySelector('input[name=type]').value.trim(),
      })).filter((c) => c.id && c.type);
    } else {
      const id = existing.value.split(':')[1];
      try {
        const p = await get(`/classifiers/${enc(id)}`);
        labels = labelsOf('classifier', p.draftVersion.config);
      } catch { labels = []; }
    }
    const keep = initialClass.value;
    mount(initialClass, labels.map((c) => h('option', { value: JSON.stringify({ id: c.id, type: c.type }), selected: JSON.stringify({ id: c.id, type: c.type }) === keep }, `${c.type} (${c.id})`)));
  }
  existing.addEventListener('change', refreshInitialClass);
  configBox.addEventListener('change', () => { if (kindSelect.value === 'classifier') refreshInitialClass(); });

  // -- Create --------------------------------------------------------------------------
  const createBtn = h('button', { type: 'submit', id: 'create-set' }, 'Create evaluation set');
  const status = h('div', { id: 'create-status', 'aria-live': 'polite' });
  const refreshButton = () => {
    const pending = files.pending();
    createBtn.textContent = pending ? `Create evaluation set (waiting for ${pending} upload${pending > 1 ? 's' : ''})` : 'Create evaluation set';
  };

  const fail = (where, err) => {
    const text = err instanceof ApiError ? `${err.status} ${err.code || ''}: ${err.message}` : String(err.message || err);
    mount(status, h('p', { class: 'error', role: 'alert', 'data-step': where }, `Could not ${where}: ${text}`));
  };
  const fieldError = (input, errorEl, message) => {
    errorEl.textContent = message;
    errorEl.hidden = !message;
    if (message) { input.setAttribute('aria-invalid', 'true'); input.focus(); } else input.removeAttribute('aria-invalid');
  };

  async function create(e) {
    e.preventDefault();
    fieldError(setName, setNameError, '');
    fieldError(procName, procNameError, '');
    clear(status);
    if (!setName.value.trim()) return fieldError(setName, setNameError, 'Name the evaluation set.');
    // 1. The processor.
    let kind = chosenKind();
    if (!done.processor) {
      if (useNew.checked) {
        if (!procName.value.trim()) return fieldError(procName, procNameError, 'Name the new processor.');
        let config;
        if (kind === 'extractor') {
          const sch = schema.value();
          if (!sch) { schema.focus(); return mount(status, h('p', { class: 'error', role: 'alert' }, 'Fix the schema first (its problems are listed under it).')); }
          config = { schema: sch };
        } else {
          const list = (kind === 'classifier' ? classes : splits).value();
          if (!list) return undefined;
          config = { [KINDS[kind].labelsKey]: list };
        }
        try {
          const p = await post(KINDS[kind].collection, { name: procName.value.trim(), config });
          done.processor = { kind, id: p.id, config: p.draftVersion.config };
        } catch (err) {
          if (err instanceof ApiError && err.fieldPath && err.fieldPath.startsWith('config')) {
            const path = err.fieldPath.replace(/^config\./, '');
            (kind === 'extractor' ? schema : kind === 'classifier' ? classes : splits).showServerError(path, err.message.replace(/;\s*Path:.*$/, ''));
          }
          return fail('create the processor', err);
        }
      } else {
        if (!existing.value) return mount(status, h('p', { class: 'error', role: 'alert' }, 'Choose a processor.'));
        const [k, id] = existing.value.split(':');
        done.processor = { kind: k, id };
      }
    }
    kind = done.processor.kind;
    let firstClass = null;
    if (kind === 'classifier') {
      if (!initialClass.value) return mount(status, h('p', { class: 'error', role: 'alert' }, 'The classifier has no classifications to give the new items.'));
      firstClass = JSON.parse(initialClass.value);
    }
    createBtn.disabled = true;
    try {
      // 2. The set.
      if (!done.set) {
        try {
          done.set = await post('/evaluation_sets', { name: setName.value.trim(), description: setDescription.value.trim(), entityId: done.processor.id });
        } catch (err) {
          if (err instanceof ApiError && /name/.test(err.message)) fieldError(setName, setNameError, err.message);
          return fail('create the evaluation set', err);
        }
      }
      // 3. Wait for the uploads, then one item per uploaded file, 100 per request.
      if (files.pending()) mount(status, h('p', { class: 'muted' }, 'Waiting for the uploads to finish…'));
      await files.settled();
      const todo = files.uploaded().filter((u) => !done.itemFiles.has(u.record.id));
      for (let i = 0; i < todo.length; i += ITEMS_PER_REQUEST) {
        const chunk = todo.slice(i, i + ITEMS_PER_REQUEST);
        mount(status, h('p', { class: 'muted' }, `Creating items ${i + 1}–${i + chunk.length} of ${todo.length}…`));
        try {
          await post(`/evaluation_sets/${enc(done.set.id)}/items`, { items: chunk.map((u) => ({ fileId: u.record.id, expectedOutput: blankExpected(kind, firstClass) })) });
          chunk.forEach((u) => done.itemFiles.add(u.record.id));
        } catch (err) {
          return fail('create the items', err);
        }
      }
      if (!ctx.isCurrent()) return undefined;
      const failed = files.failed();
      mount(status, h('div', { class: 'card done', role: 'status', id: 'create-done' },
        h('p', null, 'Created ', h('a', { href: `#/sets/${enc(done.set.id)}`, id: 'created-set-link' }, done.set.name), ' with ',
          count(done.itemFiles.size, { id: 'created-item-count' }), ` item${done.itemFiles.size === 1 ? '' : 's'}.`),
        failed ? h('p', { class: 'error' }, `${failed} file${failed > 1 ? 's' : ''} failed to upload: retry them above, then press the button again to add them.`) : null,
        h('p', null, h('a', { href: `#/sets/${enc(done.set.id)}`, class: 'button' }, 'Open the set and label its items'))));
      status.querySelector('a').focus();
    } finally {
      createBtn.disabled = false;
      refreshButton();
    }
    return undefined;
  }

  const form = h('form', { class: 'workbench-form', id: 'new-set-form', onsubmit: create, novalidate: true },
    h('fieldset', { class: 'step' }, h('legend', null, '1. Processor'),
      h('div', { class: 'radio-row' }, useExisting, h('label', { for: 'proc-existing' }, 'Use an existing processor'),
        useNew, h('label', { for: 'proc-new' }, 'Create a new processor')),
      existingBox, newBox),
    h('fieldset', { class: 'step' }, h('legend', null, '2. Evaluation set'),
      h('div', { class: 'form-row' }, h('label', { for: 'set-name' }, 'Name'), setName, setNameError),
      h('div', { class: 'form-row' }, h('label', { for: 'set-description' }, 'Description (optional)'), setDescription)),
    h('fieldset', { class: 'step' }, h('legend', null, '3. Documents'), files.node, initialClassRow),
    h('div', { class: 'toolbar' }, createBtn), status);

  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/sets' }, 'Evaluation sets'), ' / New'),
    h('h1', null, 'New evaluation set'),
    h('p', { class: 'muted' }, 'Pick the processor to evaluate, name the set and drop its documents: each file becomes one item, labelled next.'),
    form);
  showConfig();
  syncMode();
}
