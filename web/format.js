// Number formatting. Every number shown carries the exact API value in data-value,
// so tests (and curious users via devtools) can compare without rounding.
import { h } from './dom.js';

export function pctText(value) {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '—';
}

// A fraction in [0,1] shown as a percentage with one decimal.
export function pct(value, attrs = {}) {
  return num(value, pctText(value), attrs);
}

// A signed percentage-point delta, e.g. "+3.2 pp".
export function deltaPct(value, attrs = {}) {
  const text = typeof value === 'number' ? `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)} pp` : '—';
  const cls = typeof value === 'number' ? (value > 0 ? 'up' : value < 0 ? 'down' : 'flat') : '';
  return num(value, text, { ...attrs, class: `${attrs.class || ''} ${cls}`.trim() });
}

export function ms(value, attrs = {}) {
  // Sub-10 ms latencies (the built-in engine on text files) keep a decimal so they do not all read "0 ms".
  const text = typeof value !== 'number' ? '—'
    : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
  return num(value, text, attrs);
}

export function count(value, attrs = {}) {
  return num(value, typeof value === 'number' ? value.toLocaleString('en-US') : '—', attrs);
}

// p-values are small numbers where percentages mislead; three significant digits.
export function pValue(value, attrs = {}) {
  const text = typeof value === 'number' ? (value < 0.001 ? '< 0.001' : value.toPrecision(3)) : '—';
  return num(value, text, attrs);
}

// Costs are small per item: enough significant digits to tell runs apart.
export function money(value, currency, attrs = {}) {
  const text = typeof value !== 'number' ? 'not reported'
    : `${value < 1 ? value.toPrecision(3) : value.toFixed(2)}${currency ? ` ${currency}` : ''}`;
  return num(value, text, { ...attrs, class: `${attrs.class || ''}${typeof value === 'number' ? '' : ' muted'}`.trim() });
}

function num(value, text, attrs) {
  const dataValue = typeof value === 'number' ? String(value) : '';
  return h('span', { ...attrs, class: `num ${attrs.class || ''}`.trim(), 'data-value': dataValue }, text);
}

export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return h('time', { datetime: iso }, d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC');
}

// Values from expected/actual outputs, shown compactly.
export function valueText(value) {
  if (value === undefined) return '(absent)';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${String(status || '').toLowerCase()}` }, status || 'UNKNOWN');
}
