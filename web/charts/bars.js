// Horizontal bars for fractions (per-field accuracy). Each row is a list item with an
// inline SVG bar, so labels wrap naturally on phones and numbers stay real text.
import { h, s } from '../dom.js';
import { pct } from '../format.js';

// rows: [{ key, label, value (0..1 or undefined), note? }]
export function fractionBars(rows, { id, label }) {
  return h('ol', { class: 'bars', id, 'aria-label': label }, rows.map((r) => h('li', { 'data-field': r.key },
    h('span', { class: 'bar-label' }, r.label),
    barSvg(r.value),
    h('span', { class: 'bar-value' }, pct(r.value, { class: 'field-accuracy' }), r.note ? h('span', { class: 'muted small' }, ` ${r.note}`) : null))));
}

function barSvg(value) {
  const v = typeof value === 'number' ? Math.max(0, Math.min(1, value)) : 0;
  // Colour steps make the worst fields stand out before reading any number.
  const tone = typeof value !== 'number' ? 'none' : v >= 0.9 ? 'good' : v >= 0.7 ? 'fair' : 'poor';
  return s('svg', { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    s('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height: 10 }),
    s('rect', { class: `bar-fill ${tone}`, x: 0, y: 0, width: (v * 100).toFixed(2), height: 10 }));
}

// Latency percentiles: bars scaled to the largest value shown.
export function latencyBars(entries, format) {
  const max = Math.max(1, ...entries.map((e) => (typeof e.value === 'number' ? e.value : 0)));
  return h('ol', { class: 'bars latency', id: 'latency', 'aria-label': 'Latency percentiles' }, entries.map((e) => h('li', { 'data-stat': e.key },
    h('span', { class: 'bar-label' }, e.label),
    s('svg', { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' },
      s('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height: 10 }),
      s('rect', { class: 'bar-fill neutral', x: 0, y: 0, width: typeof e.value === 'number' ? ((e.value / max) * 100).toFixed(2) : 0, height: 10 })),
    h('span', { class: 'bar-value' }, format(e.value, { class: 'latency-value' })))));
}
