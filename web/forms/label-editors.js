// The expected-output editor of an item, one per processor kind, with one interface:
// {node, read() -> {expected, problems}, showError(path, message) -> bool,
//  fill(output) (a processor's output, to correct), onChange(fn)}.
// Paths are the server's ("expectedOutput.value.total", "expectedOutput.splits[1].endPage").
import { h, clear } from '../dom.js';
import { rootSpec } from './schema.js';
import { valueForm } from './value-form.js';
import { labelsOf } from '../processors.js';

export function labelEditor(kind, config, expected, { pageCount = 1, docView = null } = {}) {
  if (kind === 'extractor') return extractorEditor(config, expected);
  if (kind === 'classifier') return classifierEditor(config, expected);
  return splitterEditor(config, expected, pageCount, docView);
}

function extractorEditor(config, expected) {
  const form = valueForm(rootSpec(config), expected && expected.value, { idPrefix: 'fld' });
  return {
    node: form.node,
    read() {
      const { value, problems } = form.read();
      return { expected: { value }, problems };
    },
    showError: (path, message) => form.showError(path, message),
    fill(output) {
      form.setValue(output && output.value && typeof output.value === 'object' ? output.value : {});
    },
    onChange: (fn) => form.onChange(fn),
  };
}

function groupError(id) {
  return h('p', { class: 'field-error', id, hidden: true, role: 'alert' });
}

function setGroupError(el, target, message) {
  el.textContent = message || '';
  el.hidden = !message;
  if (message) target.setAttribute('aria-invalid', 'true');
  else target.removeAttribute('aria-invalid');
}

function classifierEditor(config, expected) {
  const classes = labelsOf('classifier', config);
  const listeners = [];
  const error = groupError('class-error');
  const radios = classes.map((c, i) => {
    const input = h('input', { type: 'radio', name: 'class', id: `class-${i}`, value: c.id, checked: expected && expected.id === c.id, 'data-type': c.type });
    input.addEventListener('change', () => listeners.forEach((fn) => fn()));
    return h('div', { class: 'radio-option' }, input,
      h('label', { for: `class-${i}` }, h('strong', null, c.type), ' ', h('span', { class: 'mono muted small' }, c.id),
        c.description ? h('span', { class: 'muted small block' }, c.description) : null));
  });
  const group = h('fieldset', { class: 'class-picker', id: 'class-picker', 'aria-describedby': 'class-error', tabindex: -1 },
    h('legend', null, 'Class of this document'),
    classes.length ? radios : h('p', { class: 'error' }, 'The classifier has no classifications.'), error);
  const selected = () => group.querySelector('input[name=class]:checked');
  return {
    node: group,
    read() {
      setGroupError(error, group, null);
      const s = selected();
      if (!s) {
        setGroupError(error, group, 'Choose a class.');
        return { expected: null, problems: [{ path: 'expectedOutput.id', message: 'Choose a class.' }] };
      }
      return { expected: { id: s.value, type: s.dataset.type }, problems: [] };
    },
    showError(path, message) {
      if (!path.startsWith('expectedOutput')) return false;
      setGroupError(error, group, message);
      (selected() || group.querySelector('input') || group).focus();
      return true;
    },
    fill(output) {
      const match = output && classes.find((c) => c.id === output.id) ? output.id
        : output && (classes.find((c) => c.type === output.type) || {}).id;
      for (const r of group.querySelectorAll('input[name=class]')) r.checked = r.value === match;
      setGroupError(error, group, match ? null : `The output's class ${output && (output.type || output.id)} is not one of this classifier's.`);
      listeners.forEach((fn) => fn());
    },
    onChange: (fn) => listeners.push(fn),
  };
}

// Splits as rows (class, first page, last page) and, over the page thumbnails, which
// split each page belongs to, with a "new split from here" button per page.
function splitterEditor(config, expected, pageCount, docView) {
  const classes = labelsOf('splitter', config);
  const listeners = [];
  const changed = () => { paintPages(); listeners.forEach((fn) => fn()); };
  const tbody = h('tbody');
  const error = groupError('splits-error');
  let rows = [];
  const controls = new Map(); // path -> {input, error}

  const rowFor = (sp) => {
    const i = rows.length;
    const err = h('p', { class: 'field-error', hidden: true, id: `split-${i}-error`, role: 'alert' });
    const type = h('select', { 'aria-label': `Class of split ${i + 1}`, 'aria-describedby': err.id },
      classes.map((c) => h('option', { value: c.id, selected: sp.classificationId === c.id }, `${c.type} (${c.id})`)));
    const num = (v, label) => {
      const el = h('input', { type: 'number', min: 1, max: pageCount || null, step: 1, inputmode: 'numeric', 'aria-label': `${label} of split ${i + 1}`, 'aria-describedby': err.id, class: 'page-input' });
      el.value = v === undefined || v === null ? '' : String(v);
      el.addEventListener('input', changed);
      return el;
    };
    const start = num(sp.startPage, 'First page');
    const end = num(sp.endPage, 'Last page');
    type.addEventListener('change', changed);
    const row = { type, start, end, err };
    const base = `expectedOutput.splits[${i}]`;
    controls.set(base, { input: type, error: err });
    controls.set(`${base}.classificationId`, { input: type, error: err });
    controls.set(`${base}.type`, { input: type, error: err });
    controls.set(`${base}.startPage`, { input: start, error: err });
    controls.set(`${base}.endPage`, { input: end, error: err });
    tbody.append(h('tr', { 'data-split': i },
      h('th', { scope: 'row' }, String(i + 1)),
      h('td', { 'data-label': 'Class' }, type),
      h('td', { 'data-label': 'First page' }, start),
      h('td', { 'data-label': 'Last page' }, end),
      h('td', null, h('button', { type: 'button', class: 'secondary small-button', 'aria-label': `Remove split ${i + 1}`, onclick: () => {
        const kept = current().filter((_, j) => j !== i);
        rebuild(kept);
        changed();
      } }, 'Remove'), err)));
    rows.push(row);
  };
  const current = () => rows.map((r) => {
    const c = classes.find((x) => x.id === r.type.value) || {};
    return { classificationId: r.type.value, type: c.type, startPage: r.start.value === '' ? null : Number(r.start.value), endPage: r.end.value === '' ? null : Number(r.end.value) };
  });
  const rebuild = (splits) => {
    clear(tbody);
    controls.clear();
    rows = [];
    splits.forEach(rowFor);
  };
  rebuild((expected && Array.isArray(expected.splits) ? expected.splits : []));

  // A new split starting at `page`: the split covering it (if any) ends the page before.
  const splitAt = (page) => {
    const splits = current();
    for (const sp of splits) if (sp.startPage < page && sp.endPage >= page) sp.endPage = page - 1;
    const nextStart = splits.filter((sp) => sp.startPage > page).map((sp) => sp.startPage).sort((a, b) => a - b)[0];
    const c = classes[0] || {};
    splits.push({ classificationId: c.id, type: c.type, startPage: page, endPage: nextStart ? nextStart - 1 : pageCount });
    splits.sort((a, b) => a.startPage - b.startPage);
    rebuild(splits);
    changed();
    const idx = splits.findIndex((sp) => sp.startPage === page);
    if (rows[idx]) rows[idx].type.focus();
  };

  function paintPages() {
    if (!docView) return;
    const splits = current();
    for (const fig of docView.node.querySelectorAll('figure.page')) {
      const page = Number(fig.dataset.page);
      const k = splits.findIndex((sp) => sp.startPage <= page && page <= sp.endPage);
      let tag = fig.querySelector('.split-tag');
      if (!tag) {
        tag = h('span', { class: 'split-tag small' });
        const btn = h('button', { type: 'button', class: 'secondary small-button', 'data-split-at': page, onclick: () => splitAt(page) }, `New split from page ${page}`);
        fig.append(h('div', { class: 'split-controls' }, tag, btn));
      }
      tag.textContent = k >= 0 ? `Split ${k + 1}: ${splits[k].type || splits[k].classificationId}` : 'In no split';
      fig.dataset.split = k >= 0 ? String(k + 1) : '';
      fig.classList.toggle('unsplit', k < 0);
    }
  }
  if (docView) docView.ready.then(paintPages);

  const add = h('button', { type: 'button', class: 'secondary', id: 'add-split', onclick: () => {
    const splits = current();
    const last = Math.max(0, ...splits.map((sp) => sp.endPage || 0));
    const start = Math.min(pageCount || last + 1, last + 1);
    const c = classes[0] || {};
    splits.push({ classificationId: c.id, type: c.type, startPage: start, endPage: pageCount || start });
    rebuild(splits);
    changed();
    rows[rows.length - 1].type.focus();
  } }, 'Add split');
  const node = h('div', { class: 'splits-editor' },
    h('p', { class: 'muted small' }, `${pageCount || '?'} page${pageCount === 1 ? '' : 's'}. Each split is a run of pages of one class; use “New split from page …” under a page to cut there.`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'splits-table' },
      h('caption', { class: 'visually-hidden' }, 'Splits'),
      h('thead', null, h('tr', null, ['#', 'Class', 'First page', 'Last page'].map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody)),
    add, error);

  return {
    node,
    read() {
      for (const { input, error: e } of controls.values()) setGroupError(e, input, null);
      setGroupError(error, node, null);
      const problems = [];
      const splits = current();
      splits.forEach((sp, i) => {
        const base = `expectedOutput.splits[${i}]`;
        for (const key of ['startPage', 'endPage']) {
          const v = sp[key];
          if (!Number.isInteger(v) || v < 1) problems.push({ path: `${base}.${key}`, message: 'A page number from 1' });
          else if (pageCount && v > pageCount) problems.push({ path: `${base}.${key}`, message: `The document has ${pageCount} pages` });
        }
        if (Number.isInteger(sp.startPage) && Number.isInteger(sp.endPage) && sp.startPage > sp.endPage) {
          problems.push({ path: `${base}.startPage`, message: 'The first page comes after the last' });
        }
        if (!sp.type) problems.push({ path: `${base}.classificationId`, message: 'Choose a class' });
      });
      for (const p of problems) this.showError(p.path, p.message, false);
      return { expected: { splits }, problems };
    },
    showError(path, message, focus = true) {
      let p = path;
      while (p && !controls.has(p)) p = p.slice(0, Math.max(p.lastIndexOf('.'), p.lastIndexOf('['), 0));
      const c = controls.get(p);
      if (!c) {
        if (!path.startsWith('expectedOutput')) return false;
        setGroupError(error, node, message);
        if (focus) add.focus();
        return true;
      }
      setGroupError(c.error, c.input, message);
      if (focus) c.input.focus();
      return true;
    },
    fill(output) {
      const splits = output && Array.isArray(output.splits) ? output.splits.map((sp) => ({
        classificationId: sp.classificationId, type: sp.type, startPage: sp.startPage, endPage: sp.endPage,
      })) : [];
      rebuild(splits);
      changed();
    },
    onChange: (fn) => listeners.push(fn),
  };
}
