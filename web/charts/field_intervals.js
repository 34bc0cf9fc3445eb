// Every field's accuracy change with its 95% interval on one shared axis around zero,
// each row ending in its verdict (Holm-adjusted): fields compare at a glance, and an
// interval that crosses the zero line is not a clear change.
import { s } from '../dom.js';
import { pctText } from '../format.js';

const W = 640;
const ROW = 28;
const TOP = 6;
const LABEL_W = 190;
const VERDICT_W = 96;

function shortName(name) {
  return name.length > 26 ? `${name.slice(0, 25)}…` : name;
}

// rows: [{ name, delta, low, high, verdict }] in display order.
export function fieldIntervalsChart(rows) {
  const H = TOP + rows.length * ROW + 26;
  const ends = rows.flatMap((r) => [r.low, r.high, r.delta]).filter((v) => typeof v === 'number').map(Math.abs);
  const extent = Math.max(0.05, ...ends) * 1.1;
  const x0 = LABEL_W;
  const x1 = W - VERDICT_W;
  const x = (v) => x0 + ((v + extent) / (2 * extent)) * (x1 - x0);
  const bottom = TOP + rows.length * ROW;
  const svg = s('svg', {
    class: 'chart field-intervals', id: 'field-intervals', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `Accuracy change per field with 95% intervals on a shared axis from −${pctText(extent)} to +${pctText(extent)}`,
    'data-extent': String(extent), 'data-x0': String(x0), 'data-x1': String(x1),
  });
  svg.append(
    s('line', { class: 'zero', x1: x(0), x2: x(0), y1: TOP, y2: bottom }),
    s('text', { class: 'axis', x: x(0), y: bottom + 16, 'text-anchor': 'middle' }, '0'),
    s('text', { class: 'axis', x: x0, y: bottom + 16, 'text-anchor': 'start' }, `−${(extent * 100).toFixed(0)} pp`),
    s('text', { class: 'axis', x: x1, y: bottom + 16, 'text-anchor': 'end' }, `+${(extent * 100).toFixed(0)} pp`));
  rows.forEach((r, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const g = s('g', { class: `field-row ${r.verdict}`, 'data-field': r.name, 'data-verdict': r.verdict });
    g.append(s('title', null, `${r.name}: ${pctText(r.delta)} change, 95% interval ${pctText(r.low)} to ${pctText(r.high)}, ${r.verdict.replace('_', ' ')}`),
      s('line', { class: 'grid', x1: x0, x2: x1, y1: y, y2: y }),
      s('text', { class: 'field-label', x: x0 - 8, y: y + 4, 'text-anchor': 'end' }, shortName(r.name)));
    if (typeof r.low === 'number' && typeof r.high === 'number') {
      g.append(s('line', { class: 'ci', x1: x(r.low), x2: x(r.high), y1: y, y2: y, 'data-low': String(r.low), 'data-high': String(r.high) }));
    }
    if (typeof r.delta === 'number') {
      g.append(s('circle', { class: `point ${r.delta > 0 ? 'up' : r.delta < 0 ? 'down' : ''}`, cx: x(r.delta), cy: y, r: 5, 'data-value': String(r.delta) }));
    }
    g.append(s('text', { class: `field-verdict ${r.verdict}`, x: x1 + 10, y: y + 4 }, r.verdict.replace('_', ' ')));
    svg.append(g);
  });
  return svg;
}
