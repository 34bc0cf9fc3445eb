// Error categories per field as stacked horizontal bars (the run analysis's `errors`):
// each bar is the field's scored values split into correct, missing, hallucinated,
// format-only, near-miss and wrong-value, so the kind of mistake reads at a glance.
// Every segment carries its count (data-value) and a <title> with count and share.
import { h, s } from '../dom.js';
import { count, pctText } from '../format.js';

// Display order: correct first, then from "fixable by post-processing" to "plain wrong".
// key: the analysis's key; name: the per-item verdict's `category` word.
export const CATEGORIES = [
  { key: 'correct', name: 'correct', label: 'Correct' },
  { key: 'formatOnly', name: 'format_only', label: 'Format only' },
  { key: 'nearMiss', name: 'near_miss', label: 'Near miss' },
  { key: 'missing', name: 'missing', label: 'Missing' },
  { key: 'hallucinated', name: 'hallucinated', label: 'Hallucinated' },
  { key: 'wrongValue', name: 'wrong_value', label: 'Wrong value' },
];

export function categoryLegend() {
  return h('ul', { class: 'legend', 'aria-label': 'Error categories' }, CATEGORIES.map((c) => h('li', { 'data-category': c.name },
    s('svg', { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true' }, s('rect', { class: `cat-${c.name}`, x: 0, y: 0, width: 10, height: 10 })),
    c.label)));
}

// errors: {path: {correct, missing, …, total}}. Worst fields (lowest correct share) first.
export function errorBars(errors) {
  const rows = Object.entries(errors || {}).map(([path, e]) => {
    const total = e.total ?? CATEGORIES.reduce((sum, c) => sum + (e[c.key] || 0), 0);
    return { path, e, total, share: total ? (e.correct || 0) / total : 1 };
  }).sort((a, b) => a.share - b.share || a.path.localeCompare(b.path));
  return h('ol', { class: 'bars stacked', id: 'error-bars', 'aria-label': 'Error categories by field, worst first' },
    rows.map(({ path, e, total }) => {
      const wrong = total - (e.correct || 0);
      return h('li', { 'data-field': path, 'data-total': String(total) },
        h('span', { class: 'bar-label' }, path),
        stackedBar(path, e, total),
        h('span', { class: 'bar-value' }, count(wrong, { class: 'field-errors' }), ' wrong of ', count(total, { class: 'field-total' })));
    }));
}

function stackedBar(path, e, total) {
  // role=img with the whole breakdown as its name: screen readers get every count.
  const parts = CATEGORIES.filter((c) => e[c.key]).map((c) => `${c.label} ${e[c.key]}`);
  const svg = s('svg', { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', role: 'img',
    'aria-label': `${path}: ${parts.join(', ') || 'no scored values'} (of ${total})` });
  svg.append(s('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height: 10 }));
  let x = 0;
  for (const c of CATEGORIES) {
    const n = e[c.key] || 0;
    if (!n || !total) continue;
    const w = (n / total) * 100;
    svg.append(s('rect', { class: `segment cat-${c.name}`, x: x.toFixed(3), y: 0, width: w.toFixed(3), height: 10,
      'data-category': c.name, 'data-value': String(n) }, s('title', null, `${path}: ${c.label} ${n} of ${total} (${pctText(n / total)})`)));
    x += w;
  }
  return svg;
}
