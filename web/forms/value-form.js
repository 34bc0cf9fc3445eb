// A form generated from an extractor schema (forms/schema.js fieldSpec): strings,
// numbers, dates, currency, enums, booleans, nested objects, arrays of primitives and
// arrays of objects (an editable table with add/remove row). Every control is labelled
// and carries data-path, the path the server names in a 422 ("expectedOutput.value.
// line_items[1].amount"), so a server error lands on its field (showError).
//
// An empty control is null ("not in the document"). A top-level field the expected output
// did not have stays absent (not labelled, not scored) until it is edited.
import { h, clear } from '../dom.js';
import { currencyCodeProblem, dateProblem, parseNumber } from './schema.js';

const ROOT = 'expectedOutput.value';
let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

// -> {node, read(), setValue(v), showError(path, msg), clearErrors(), onChange(fn)}
// read() -> {value, problems: [{path, message}]}; problems are shown at their fields.
export function valueForm(root, initial, { idPrefix = 'f' } = {}) {
  const controls = new Map(); // path -> {input, error}
  const listeners = [];
  const changed = () => listeners.forEach((fn) => fn());
  const node = h('div', { class: 'value-form' });
  let fields = [];

  const ctx = {
    idPrefix,
    register(path, input, error) {
      input.dataset.path = path;
      controls.set(path, { input, error });
    },
    unregisterUnder(prefix) {
      for (const p of [...controls.keys()]) if (p.startsWith(prefix)) controls.delete(p);
    },
    changed,
  };

  function build(value) {
    controls.clear();
    clear(node);
    const obj = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    fields = (root.properties || []).map(({ name, spec }) => {
      const present = Object.prototype.hasOwnProperty.call(obj, name);
      const state = { name, present, touched: false };
      const badge = present ? null : h('span', { class: 'badge unlabelled' }, 'not labelled');
      const field = control(spec, `${ROOT}.${name}`, name, obj[name], ctx, badge);
      const wrap = h('div', { class: 'form-field', 'data-field': name }, field.el);
      const touch = () => {
        if (!state.touched) {
          state.touched = true;
          if (badge) badge.remove();
        }
        changed();
      };
      wrap.addEventListener('input', touch);
      wrap.addEventListener('change', touch);
      wrap.addEventListener('click', (e) => { if (e.target.closest('button')) touch(); });
      node.append(wrap);
      return { state, field };
    });
    if (!fields.length) node.append(h('p', { class: 'muted' }, 'The extractor schema has no fields.'));
  }

  function clearErrors() {
    for (const { input, error } of controls.values()) setError(input, error, null);
  }

  build(initial);
  return {
    node,
    read() {
      clearErrors();
      const problems = [];
      const value = {};
      for (const { state, field } of fields) {
        const v = field.read(problems);
        if (state.present || state.touched) value[state.name] = v;
      }
      for (const p of problems) showAt(controls, p.path, p.message, false);
      return { value, problems };
    },
    setValue(v) {
      build(v);
      // Every field the new value has counts as labelled.
      changed();
    },
    // Shows `message` at the control for `path` (or its nearest registered parent) and
    // focuses it. Returns false when no control matches.
    showError(path, message) {
      return showAt(controls, path, message, true);
    },
    clearErrors,
    onChange(fn) { listeners.push(fn); },
  };
}

function showAt(controls, path, message, focus) {
  let p = path;
  while (p && !controls.has(p)) {
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) { p = ''; break; }
    p = p.slice(0, cut);
  }
  const c = controls.get(p);
  if (!c) return false;
  setError(c.input, c.error, message);
  if (focus) c.input.focus();
  return true;
}

function setError(input, error, message) {
  if (!error) return;
  if (message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  } else {
    error.textContent = '';
    error.hidden = true;
    input.removeAttribute('aria-invalid');
  }
}

function errorNode(ctx) {
  return h('p', { class: 'field-error', id: nextId(`${ctx.idPrefix}-err`), hidden: true, role: 'alert' });
}

// One schema node -> {el, read(problems)}.
function control(spec, path, label, value, ctx, badge) {
  switch (spec.kind) {
    case 'object': return objectControl(spec, path, label, value, ctx, badge);
    case 'currency': return currencyControl(spec, path, label, value, ctx, badge);
    case 'array':
      if (spec.items.kind === 'object') return tableControl(spec, path, label, value, ctx, badge);
      if (['string', 'number', 'integer', 'date', 'enum', 'boolean'].includes(spec.items.kind)) return listControl(spec, path, label, value, ctx, badge);
      return leafControl({ ...spec, kind: 'any' }, path, label, value, ctx, badge);
    default: return leafControl(spec, path, label, value, ctx, badge);
  }
}

function describe(spec, ctx) {
  if (!spec.description) return null;
  return h('span', { class: 'field-hint muted small', id: nextId(`${ctx.idPrefix}-hint`) }, spec.description);
}

// A single input for a primitive (or JSON for anything else). `aria` labels a control
// without a visible label (table cells).
function input(spec, path, value, ctx, { id, aria, describedBy } = {}) {
  let el;
  const attrs = { id, 'aria-label': aria || null, 'aria-describedby': describedBy || null };
  if (spec.kind === 'enum' || spec.kind === 'boolean') {
    const options = spec.kind === 'enum' ? spec.enumValues : ['true', 'false'];
    const current = value === null || value === undefined ? '' : String(value);
    el = h('select', attrs,
      h('option', { value: '' }, '— not set (null)'),
      options.map((o) => h('option', { value: o, selected: o === current }, o)),
      current && !options.includes(current) ? h('option', { value: current, selected: true }, `${current} (not in the schema)`) : null);
  } else if (spec.kind === 'any') {
    el = h('textarea', { ...attrs, rows: 3, spellcheck: 'false', class: 'mono' });
    el.value = value === undefined || value === null ? '' : JSON.stringify(value, null, 1);
  } else {
    const numeric = spec.kind === 'number' || spec.kind === 'integer';
    el = h('input', {
      ...attrs,
      type: 'text',
      inputmode: numeric ? 'decimal' : null,
      placeholder: spec.kind === 'date' ? 'YYYY-MM-DD' : null,
      autocomplete: 'off',
      spellcheck: spec.kind === 'string' ? null : 'false',
    });
    el.value = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  const read = (problems) => readInput(spec, el, path, problems);
  // Check as soon as the user leaves the control, not only on save.
  el.addEventListener('change', () => {
    const local = [];
    readInput(spec, el, path, local);
    const err = el.dataset.errorId ? document.getElementById(el.dataset.errorId) : null;
    setError(el, err, local.length ? local[0].message : null);
  });
  return { el, read };
}

function readInput(spec, el, path, problems) {
  const raw = el.value;
  if (raw.trim() === '') return null;
  switch (spec.kind) {
    case 'number':
    case 'integer': {
      const n = parseNumber(raw);
      if (n === null) { problems.push({ path, message: `Enter a number (got “${raw}”)` }); return raw; }
      if (spec.kind === 'integer' && !Number.isInteger(n)) { problems.push({ path, message: 'Enter a whole number' }); return n; }
      return n;
    }
    case 'date': {
      const p = dateProblem(raw);
      if (p) problems.push({ path, message: p });
      return raw.trim();
    }
    case 'boolean': return raw === 'true';
    case 'any': {
      try { return JSON.parse(raw); } catch (err) { problems.push({ path, message: `Not valid JSON: ${err.message}` }); return raw; }
    }
    default: return raw;
  }
}

function leafControl(spec, path, label, value, ctx, badge) {
  const id = nextId(ctx.idPrefix);
  const hint = describe(spec, ctx);
  const error = errorNode(ctx);
  const c = input(spec, path, value, ctx, { id, describedBy: [hint && hint.id, error.id].filter(Boolean).join(' ') });
  c.el.dataset.errorId = error.id;
  ctx.register(path, c.el, error);
  const el = h('div', { class: `field kind-${spec.kind}` },
    h('label', { for: id }, h('span', { class: 'mono' }, label), ' ', h('span', { class: 'muted small' }, kindWord(spec)), badge ? [' ', badge] : null),
    c.el, hint, error);
  return { el, read: c.read };
}

function kindWord(spec) {
  return { string: 'text', number: 'number', integer: 'whole number', boolean: 'yes/no', enum: 'choice', date: 'date', any: 'JSON' }[spec.kind] || spec.kind;
}

function currencyControl(spec, path, label, value, ctx, badge) {
  const v = value && typeof value === 'object' ? value : {};
  const amountId = nextId(ctx.idPrefix);
  const codeId = nextId(ctx.idPrefix);
  const error = errorNode(ctx);
  const amount = h('input', { id: amountId, type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': error.id });
  amount.value = v.amount === undefined || v.amount === null ? '' : String(v.amount);
  const code = h('input', { id: codeId, type: 'text', maxlength: 3, size: 4, autocomplete: 'off', spellcheck: 'false', class: 'currency-code', 'aria-describedby': error.id });
  code.value = v.iso_4217_currency_code || '';
  amount.dataset.errorId = error.id;
  code.dataset.errorId = error.id;
  ctx.register(path, amount, error);
  ctx.register(`${path}.amount`, amount, error);
  ctx.register(`${path}.iso_4217_currency_code`, code, error);
  const hint = describe(spec, ctx);
  const el = h('fieldset', { class: 'field currency' },
    h('legend', null, h('span', { class: 'mono' }, label), ' ', h('span', { class: 'muted small' }, 'currency'), badge ? [' ', badge] : null),
    h('div', { class: 'inline-inputs' },
      h('label', { for: amountId }, 'Amount'), amount,
      h('label', { for: codeId }, 'Currency'), code),
    hint, error);
  const read = (problems) => {
    const a = amount.value.trim();
    const c = code.value.trim();
    if (!a && !c) return null;
    const out = { amount: null, iso_4217_currency_code: null };
    if (a) {
      const n = parseNumber(a);
      if (n === null) problems.push({ path: `${path}.amount`, message: `Enter an amount (got “${a}”)` });
      out.amount = n === null ? a : n;
    }
    if (c) {
      const p = currencyCodeProblem(c);
      if (p) problems.push({ path: `${path}.iso_4217_currency_code`, message: p });
      out.iso_4217_currency_code = c.toUpperCase();
    }
    return out;
  };
  return { el, read };
}

function objectControl(spec, path, label, value, ctx, badge) {
  const v = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  const children = (spec.properties || []).map(({ name, spec: child }) => ({ name, c: control(child, `${path}.${name}`, name, v[name], ctx) }));
  const error = errorNode(ctx);
  const legend = h('legend', { tabindex: -1 }, h('span', { class: 'mono' }, label), ' ', h('span', { class: 'muted small' }, 'group'), badge ? [' ', badge] : null);
  ctx.register(path, legend, error);
  const el = h('fieldset', { class: 'field object' }, legend, describe(spec, ctx), children.map((x) => x.c.el), error);
  const wasNull = value === null || value === undefined;
  const read = (problems) => {
    const out = {};
    for (const { name, c } of children) out[name] = c.read(problems);
    // An object that was null stays null until something in it is filled in.
    if (wasNull && Object.values(out).every((x) => x === null)) return null;
    return out;
  };
  return { el, read };
}

// An array of primitives: one input per element, add/remove.
function listControl(spec, path, label, value, ctx, badge) {
  let items = Array.isArray(value) ? [...value] : [];
  const wasNull = !Array.isArray(value);
  const list = h('ol', { class: 'value-list' });
  const error = errorNode(ctx);
  const legend = h('legend', { tabindex: -1 }, h('span', { class: 'mono' }, label), ' ', h('span', { class: 'muted small' }, `list of ${kindWord(spec.items)}`), badge ? [' ', badge] : null);
  ctx.register(path, legend, error);
  let readers = [];
  const render = () => {
    ctx.unregisterUnder(`${path}[`);
    clear(list);
    readers = items.map((item, i) => {
      const id = nextId(ctx.idPrefix);
      const err = errorNode(ctx);
      const c = input(spec.items, `${path}[${i}]`, item, ctx, { id, aria: `${label} item ${i + 1}`, describedBy: err.id });
      c.el.dataset.errorId = err.id;
      ctx.register(`${path}[${i}]`, c.el, err);
      list.append(h('li', null, c.el,
        h('button', { type: 'button', class: 'secondary small-button', 'aria-label': `Remove ${label} item ${i + 1}`, onclick: () => {
          items = snapshot();
          items.splice(i, 1);
          render();
          ctx.changed();
        } }, 'Remove'), err));
      return c.read;
    });
  };
  const snapshot = () => readers.map((r) => r([]));
  render();
  const add = h('button', { type: 'button', class: 'secondary', onclick: () => {
    items = snapshot();
    items.push(null);
    render();
    list.lastElementChild.querySelector('input, select').focus();
    ctx.changed();
  } }, `Add ${label} item`);
  const el = h('fieldset', { class: 'field list' }, legend, describe(spec, ctx), list, add, error);
  const read = (problems) => {
    const out = readers.map((r) => r(problems));
    return wasNull && !out.length ? null : out;
  };
  return { el, read };
}

// An array of objects as a table: a column per property of its items, add/remove row.
function tableControl(spec, path, label, value, ctx, badge) {
  const columns = (spec.items.properties || []).map(({ name, spec: s }) => ({ name, spec: s.kind === 'object' || s.kind === 'array' ? { ...s, kind: 'any' } : s }));
  let rows = Array.isArray(value) ? value.map((r) => (r && typeof r === 'object' ? { ...r } : {})) : [];
  const wasNull = !Array.isArray(value);
  const tbody = h('tbody');
  const error = errorNode(ctx);
  const caption = h('caption', { tabindex: -1 }, h('span', { class: 'mono' }, label), ' ', h('span', { class: 'muted small' }, 'table'), badge ? [' ', badge] : null);
  ctx.register(path, caption, error);
  let readers = [];
  const render = () => {
    ctx.unregisterUnder(`${path}[`);
    clear(tbody);
    readers = rows.map((row, i) => {
      const cells = columns.map((col) => {
        const cellPath = `${path}[${i}].${col.name}`;
        const err = errorNode(ctx);
        const c = col.spec.kind === 'currency'
          ? currencyCell(col.spec, cellPath, row[col.name], ctx, `${col.name} (row ${i + 1})`, err)
          : input(col.spec, cellPath, row[col.name], ctx, { id: nextId(ctx.idPrefix), aria: `${col.name} (row ${i + 1})`, describedBy: err.id });
        c.el.dataset.errorId = err.id;
        ctx.register(cellPath, c.el, err);
        if (c.extra) for (const [p, el] of c.extra) ctx.register(p, el, err);
        return { name: col.name, c, td: h('td', { 'data-label': col.name }, c.wrapper || c.el, err) };
      });
      const removeBtn = h('button', { type: 'button', class: 'secondary small-button', 'aria-label': `Remove row ${i + 1} of ${label}`, onclick: () => {
        rows = snapshot();
        rows.splice(i, 1);
        render();
        ctx.changed();
        (tbody.rows[Math.min(i, rows.length - 1)]?.querySelector('input, select, textarea') || addBtn).focus();
      } }, 'Remove');
      tbody.append(h('tr', { 'data-row': i }, h('th', { scope: 'row', class: 'row-number' }, String(i + 1)), cells.map((x) => x.td), h('td', null, removeBtn)));
      return (problems) => {
        const out = {};
        for (const { name, c } of cells) out[name] = c.read(problems);
        return out;
      };
    });
  };
  const snapshot = () => readers.map((r) => r([]));
  render();
  const addBtn = h('button', { type: 'button', class: 'secondary', onclick: () => {
    rows = snapshot();
    rows.push(Object.fromEntries(columns.map((c) => [c.name, null])));
    render();
    tbody.lastElementChild.querySelector('input, select, textarea').focus();
    ctx.changed();
  } }, `Add row to ${label}`);
  const table = h('table', { class: 'data edit-table stack' }, caption,
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, '#'), columns.map((c) => h('th', { scope: 'col' }, c.name)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    tbody);
  const el = h('div', { class: 'field table-field' }, describe(spec, ctx), h('div', { class: 'table-wrap' }, table), addBtn, error);
  const read = (problems) => {
    const out = readers.map((r) => r(problems));
    return wasNull && !out.length ? null : out;
  };
  return { el, read };
}

// A currency inside a table cell: amount and code side by side.
function currencyCell(spec, path, value, ctx, aria, err) {
  const v = value && typeof value === 'object' ? value : {};
  const amount = h('input', { type: 'text', inputmode: 'decimal', 'aria-label': `${aria} amount`, 'aria-describedby': err.id, autocomplete: 'off' });
  amount.value = v.amount === undefined || v.amount === null ? '' : String(v.amount);
  const code = h('input', { type: 'text', maxlength: 3, size: 4, 'aria-label': `${aria} currency`, 'aria-describedby': err.id, class: 'currency-code', autocomplete: 'off' });
  code.value = v.iso_4217_currency_code || '';
  const el = h('span', { class: 'inline-inputs' }, amount, code);
  const read = (problems) => {
    const a = amount.value.trim();
    const c = code.value.trim();
    if (!a && !c) return null;
    const n = a ? parseNumber(a) : null;
    if (a && n === null) problems.push({ path: `${path}.amount`, message: `Enter an amount (got “${a}”)` });
    if (c && currencyCodeProblem(c)) problems.push({ path: `${path}.iso_4217_currency_code`, message: currencyCodeProblem(c) });
    return { amount: a ? (n === null ? a : n) : null, iso_4217_currency_code: c ? c.toUpperCase() : null };
  };
  // The cell's own element is the amount input (focus target); the code is registered too.
  return { el: amount, read, extra: [[`${path}.amount`, amount], [`${path}.iso_4217_currency_code`, code]], wrapper: el };
}
