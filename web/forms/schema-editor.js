// Editors for a new processor's config: an extractor's JSON schema (checked as you type
// against the rules the server applies, forms/schema.js checkSchema) and the labels of
// a classifier (classifications) or splitter (splitClassifications).
import { h, clear, mount } from '../dom.js';
import { checkSchema, fieldPaths, parseJsonText, rootSpec } from './schema.js';

export const EXAMPLE_SCHEMA = {
  type: 'object',
  properties: {
    invoice_number: { type: ['string', 'null'], description: 'The invoice number' },
    vendor_name: { type: ['string', 'null'], description: 'Who issued the invoice' },
    invoice_date: { type: ['string', 'null'], format: 'date' },
    total: { type: 'object', 'extend:type': 'currency', properties: { amount: { type: ['number', 'null'] }, iso_4217_currency_code: { type: ['string', 'null'] } }, required: ['amount', 'iso_4217_currency_code'] },
    paid: { type: ['boolean', 'null'] },
    line_items: {
      type: 'array',
      items: { type: 'object', properties: { description: { type: ['string', 'null'] }, amount: { type: ['number', 'null'] } } },
    },
  },
  required: ['invoice_number', 'vendor_name', 'invoice_date', 'total', 'paid', 'line_items'],
  additionalProperties: false,
};

// -> {node, value(): schema | undefined, showServerError(path, message), focus()}
export function schemaEditor({ id = 'schema', initial = EXAMPLE_SCHEMA } = {}) {
  const statusId = `${id}-status`;
  const text = h('textarea', { id, class: 'mono schema-text', rows: 18, spellcheck: 'false', 'aria-describedby': statusId, autocomplete: 'off' });
  text.value = JSON.stringify(initial, null, 2);
  const status = h('div', { id: statusId, class: 'schema-status', 'aria-live': 'polite' });
  const preview = h('ul', { class: 'plain field-preview', id: `${id}-fields`, 'aria-label': 'Fields the label form will show' });
  let current;
  let timer = null;

  const check = () => {
    const parsed = parseJsonText(text.value);
    clear(status);
    clear(preview);
    current = undefined;
    if (parsed.error) {
      text.setAttribute('aria-invalid', 'true');
      status.append(h('p', { class: 'error', 'data-problem': 'json' }, `Not valid JSON: ${parsed.error}`));
      return;
    }
    const problems = checkSchema(parsed.value);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length) text.setAttribute('aria-invalid', 'true');
    else text.removeAttribute('aria-invalid');
    if (!errors.length) current = parsed.value;
    const fields = errors.length ? [] : fieldPaths(rootSpec({ schema: parsed.value }));
    status.append(errors.length
      ? h('p', { class: 'error' }, `${errors.length} problem${errors.length > 1 ? 's' : ''} the server would refuse:`)
      : h('p', { class: 'ok', 'data-problem': 'none' }, `Valid schema: ${fields.length} field${fields.length === 1 ? '' : 's'}.`));
    if (problems.length) {
      status.append(h('ul', { class: 'problems' }, problems.map((p) => h('li', { class: p.severity, 'data-path': p.path },
        h('span', { class: 'mono' }, p.path), `: ${p.message}${p.severity === 'warning' ? ' (warning)' : ''}`))));
    }
    mount(preview, fields.map((f) => h('li', null, h('span', { class: 'mono' }, f.path), ' ', h('span', { class: 'muted small' }, f.kind))));
  };
  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, 120);
  });
  check();

  const node = h('div', { class: 'schema-editor' },
    h('label', { for: id }, 'JSON schema'),
    h('p', { class: 'muted small', id: `${id}-help` }, 'Extend’s schema rules: an object root, nullable primitives ["string", "null"], "format": "date" for dates, "extend:type": "currency" for amounts with a currency. Checked as you type.'),
    h('div', { class: 'schema-layout' }, text, h('div', null, status, h('h2', { class: 'minor' }, 'Fields'), preview)));
  text.setAttribute('aria-describedby', `${statusId} ${id}-help`);
  return {
    node,
    value: () => {
      clearTimeout(timer);
      check();
      return current;
    },
    showServerError(path, message) {
      clear(status).append(h('p', { class: 'error', role: 'alert' }, 'The server refused the schema: ', h('span', { class: 'mono' }, path || ''), ` ${message}`));
      text.setAttribute('aria-invalid', 'true');
      text.focus();
    },
    focus: () => text.focus(),
  };
}

// Rows of {id, type, description}; -> {node, value(): [..] | undefined, showServerError}
export function labelsEditor({ id = 'labels', what = 'classification', initial = [] } = {}) {
  const rows = h('tbody');
  const problems = h('div', { 'aria-live': 'polite', id: `${id}-problems` });
  let n = 0;
  const addRow = (c = { id: '', type: '', description: '' }) => {
    const i = ++n;
    const cell = (name, label, value, attrs = {}) => {
      const el = h('input', { type: 'text', 'aria-label': `${label} of ${what} ${i}`, name, autocomplete: 'off', ...attrs });
      el.value = value || '';
      return h('td', { 'data-label': label }, el);
    };
    const tr = h('tr', { 'data-row': i },
      cell('id', 'Id', c.id, { spellcheck: 'false', class: 'mono' }), cell('type', 'Type', c.type), cell('description', 'Description', c.description),
      h('td', null, h('button', { type: 'button', class: 'secondary small-button', 'aria-label': `Remove ${what} ${i}`, onclick: () => { tr.remove(); } }, 'Remove')));
    rows.append(tr);
    return tr;
  };
  (initial.length ? initial : [{}]).forEach((c) => addRow(c));
  const add = h('button', { type: 'button', class: 'secondary', id: `${id}-add`, onclick: () => addRow().querySelector('input').focus() }, `Add ${what}`);
  const node = h('div', { class: 'labels-editor' },
    h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id },
      h('caption', { class: 'visually-hidden' }, `${what}s`),
      h('thead', null, h('tr', null, ['Id', 'Type', 'Description'].map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      rows)),
    add, problems);
  const read = () => [...rows.rows].map((tr) => Object.fromEntries([...tr.querySelectorAll('input')].map((el) => [el.name, el.value.trim()])));
  return {
    node,
    value() {
      clear(problems);
      const list = read().filter((c) => c.id || c.type || c.description);
      const errs = [];
      const ids = new Set();
      const types = new Set();
      list.forEach((c, i) => {
        if (!c.id) errs.push(`Row ${i + 1}: the id is required`);
        if (!c.type) errs.push(`Row ${i + 1}: the type is required`);
        if (c.id && ids.has(c.id)) errs.push(`Row ${i + 1}: the id “${c.id}” is used twice`);
        if (c.type && types.has(c.type)) errs.push(`Row ${i + 1}: the type “${c.type}” is used twice`);
        ids.add(c.id);
        types.add(c.type);
      });
      if (!list.length) errs.push(`Add at least one ${what}`);
      if (errs.length) {
        problems.append(h('ul', { class: 'problems error', role: 'alert' }, errs.map((e) => h('li', null, e))));
        return undefined;
      }
      return list;
    },
    showServerError(path, message) {
      clear(problems).append(h('p', { class: 'error', role: 'alert' }, h('span', { class: 'mono' }, path || ''), ` ${message}`));
    },
  };
}
