// An extractor's JSON schema read the way the server reads it (src/eval/schema.cpp):
// the field model the label form is built from, the checks a value must pass before it
// is sent, and the schema rules the editor checks as you type. The server stays the
// judge: these checks only catch mistakes early; its 400/422 answers are shown too.

// -> {kind, nullable, description, enumValues?, properties?: [{name, spec}], items?}
// kind: string | number | integer | boolean | enum | date | currency | object | array | any
export function fieldSpec(node, depth = 0) {
  const spec = { kind: 'any', nullable: false, description: '' };
  if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 32) return spec;
  let type = '';
  if (typeof node.type === 'string') type = node.type;
  else if (Array.isArray(node.type)) {
    for (const t of node.type) {
      if (t === 'null') spec.nullable = true;
      else if (!type && typeof t === 'string') type = t;
    }
  }
  spec.description = typeof node.description === 'string' ? node.description : '';
  const ext = typeof node['extend:type'] === 'string' ? node['extend:type'] : '';
  const props = node.properties && typeof node.properties === 'object' && !Array.isArray(node.properties) ? node.properties : null;
  if (Array.isArray(node.enum)) {
    spec.kind = 'enum';
    spec.enumValues = node.enum.filter((e) => typeof e === 'string');
    if (node.enum.includes(null)) spec.nullable = true;
  } else if (ext === 'currency' || (type === 'object' && props && Object.keys(props).length === 2 && 'amount' in props && 'iso_4217_currency_code' in props)) {
    spec.kind = 'currency';
  } else if (ext === 'date' || node.format === 'date') {
    spec.kind = 'date';
  } else if (['string', 'number', 'integer', 'boolean'].includes(type)) {
    spec.kind = type;
  } else if (type === 'object') {
    spec.kind = 'object';
    spec.properties = Object.entries(props || {}).map(([name, child]) => ({ name, spec: fieldSpec(child, depth + 1) }));
  } else if (type === 'array') {
    spec.kind = 'array';
    spec.items = fieldSpec(node.items, depth + 1);
  }
  return spec;
}

// The root object of an extractor config's schema (an empty object when it has none).
export function rootSpec(config) {
  const spec = fieldSpec(config && config.schema);
  return spec.kind === 'object' ? spec : { kind: 'object', nullable: false, description: '', properties: [] };
}

// Scorable field paths, as the server's FieldPaths: leaves with dot paths, plus the
// columns of arrays of objects as "path[].column". kind: the leaf's kind.
export function fieldPaths(root) {
  const out = [];
  const walk = (spec, prefix) => {
    for (const { name, spec: child } of spec.properties || []) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (child.kind === 'object') { walk(child, path); continue; }
      out.push({ path, kind: child.kind });
      if (child.kind === 'array' && child.items.kind === 'object') {
        const cols = [];
        const walkCols = (s, p) => {
          for (const { name: n, spec: c } of s.properties || []) {
            const cp = p ? `${p}.${n}` : n;
            if (c.kind === 'object') walkCols(c, cp);
            else cols.push({ path: `${path}[].${cp}`, kind: c.kind });
          }
        };
        walkCols(child.items, '');
        out.push(...cols);
      }
    }
  };
  walk(root, '');
  return out;
}

// Numbers as the scorer reads them: plain JSON numbers, or strings like "1,234.50".
export function parseNumber(text) {
  const t = String(text).trim().replace(/,/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

// ISO dates must name a real day; other printed forms ("15/01/2026", "Jan 15, 2026")
// are left to the server, which knows the field's date order.
export function dateProblem(text) {
  const t = String(text).trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (iso) {
    const [y, m, d] = iso.slice(1).map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return `${t} is not a day of the calendar`;
    return null;
  }
  return /\d/.test(t) ? null : 'Enter a date, e.g. 2026-01-15';
}

export function currencyCodeProblem(text) {
  return /^[A-Za-z]{3}$/.test(String(text).trim()) ? null : 'A three-letter ISO 4217 code, e.g. USD';
}

// ---- Schema rules (the editor's live check), paths as the server reports them --------

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);
const KEY_RE = /^[A-Za-z0-9_-]+$/;

// -> [{path, message, severity: 'error' | 'warning'}]; errors are what the server refuses.
export function checkSchema(schema) {
  const problems = [];
  const error = (path, message) => problems.push({ path, message, severity: 'error' });
  const warn = (path, message) => problems.push({ path, message, severity: 'warning' });
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
    error('schema', 'The schema must be a JSON object');
    return problems;
  }
  const rootType = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (!(rootType.length === 1 && rootType[0] === 'object')) error('schema.type', 'The root of the schema must have type "object"');
  const node = (v, path, depth) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) { error(path, 'Schema node must be an object'); return; }
    const t = v.type;
    if (t === undefined && !('enum' in v)) { error(`${path}.type`, 'Schema node is missing `type`'); return; }
    let type = 'string';
    let nullable = false;
    if (Array.isArray(t)) {
      if (!t.every((e) => typeof e === 'string')) { error(`${path}.type`, '`type` entries must be strings'); return; }
      const named = t.filter((e) => e !== 'null');
      if (named.length !== 1) { error(`${path}.type`, '`type` must name one type, optionally with "null"'); return; }
      type = named[0];
      nullable = t.includes('null');
    } else if (typeof t === 'string') {
      type = t;
    } else if (t !== undefined) {
      error(`${path}.type`, '`type` must be a string or an array');
      return;
    }
    if (!TYPES.has(type)) { error(`${path}.type`, `Unsupported type "${type}"`); return; }
    if ('description' in v && typeof v.description !== 'string') error(`${path}.description`, '`description` must be a string');
    if ('x-rules' in v && (typeof v['x-rules'] !== 'object' || v['x-rules'] === null || Array.isArray(v['x-rules']))) {
      error(`${path}.x-rules`, '`x-rules` must be an object');
    } else if (v['x-rules'] && 'dateOrder' in v['x-rules'] && !['DMY', 'MDY', 'YMD'].includes(v['x-rules'].dateOrder)) {
      error(`${path}.x-rules.dateOrder`, '`x-rules.dateOrder` must be "DMY", "MDY" or "YMD"');
    }
    if ('enum' in v) {
      if (!Array.isArray(v.enum) || !v.enum.length) error(`${path}.enum`, '`enum` must be a non-empty array');
      else v.enum.forEach((e, i) => { if (typeof e !== 'string' && e !== null) error(`${path}.enum[${i}]`, '`enum` values must be strings or null'); });
    }
    if ('extend:type' in v && !['currency', 'date', 'signature'].includes(v['extend:type'])) {
      error(`${path}.extend:type`, '`extend:type` must be "currency", "date" or "signature"');
    }
    if (['string', 'number', 'integer', 'boolean'].includes(type) && !nullable && depth > 0 && !('enum' in v)) {
      warn(`${path}.type`, `Extend requires primitives to be nullable: ["${type}", "null"]`);
    }
    if (type === 'object') {
      if (depth > 5) error(path, 'Schema nesting exceeds 5 levels');
      const props = v.properties;
      if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props))) {
        error(`${path}.properties`, '`properties` must be an object');
        return;
      }
      for (const [key, child] of Object.entries(props || {})) {
        const cp = `${path}.properties.${key}`;
        if (!KEY_RE.test(key)) { error(cp, "Property keys may contain letters, digits, '_' and '-'"); continue; }
        node(child, cp, depth + 1);
      }
      if ('required' in v) {
        if (!Array.isArray(v.required)) error(`${path}.required`, '`required` must be an array');
        else v.required.forEach((r, i) => {
          if (typeof r !== 'string') error(`${path}.required[${i}]`, '`required` entries must be strings');
          else if (!props || !(r in props)) error(`${path}.required[${i}]`, `\`required\` names an unknown property "${r}"`);
        });
      }
    } else if (type === 'array') {
      if (!('items' in v)) error(`${path}.items`, 'Array schema is missing `items`');
      else node(v.items, `${path}.items`, depth);
    }
  };
  node(schema, 'schema', 0);
  return problems;
}

// JSON.parse with the position of a syntax error as line and column.
export function parseJsonText(text) {
  try {
    return { value: JSON.parse(text), error: null };
  } catch (err) {
    const msg = String(err.message || err);
    const m = /position (\d+)/.exec(msg);
    if (!m) return { value: undefined, error: msg };
    const pos = Number(m[1]);
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    return { value: undefined, error: `${msg.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${col}`, line, col };
  }
}
