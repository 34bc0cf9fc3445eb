// Reliability diagram: accuracy against mean confidence per bucket. A calibrated
// engine's points sit on the diagonal; the gap is what ECE summarises.
import { s, h } from '../dom.js';
import { pct, pctText } from '../format.js';

export function calibrationPlot(field, calibration) {
  const W = 260;
  const H = 240;
  const pad = { left: 40, right: 20, top: 10, bottom: 36 };
  const pw = W - pad.left - pad.right;
  const ph = H - pad.top - pad.bottom;
  const x = (v) => pad.left + v * pw;
  const y = (v) => pad.top + (1 - v) * ph;
  const svg = s('svg', { class: 'chart calibration', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Calibration of ${field}` });
  for (const t of [0, 0.5, 1]) {
    svg.append(
      s('line', { class: 'grid', x1: x(0), x2: x(1), y1: y(t), y2: y(t) }),
      s('text', { class: 'axis', x: pad.left - 4, y: y(t) + 4, 'text-anchor': 'end' }, `${t * 100}%`),
      s('text', { class: 'axis', x: x(t), y: H - pad.bottom + 14, 'text-anchor': 'middle' }, `${t * 100}%`));
  }
  svg.append(
    s('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }),
    s('text', { class: 'axis', x: pad.left + pw / 2, y: H - 4, 'text-anchor': 'middle' }, 'confidence'));
  const buckets = (calibration.buckets || []).filter((b) => b.count > 0);
  const maxCount = Math.max(1, ...buckets.map((b) => b.count));
  for (const b of buckets) {
    const conf = typeof b.meanConfidence === 'number' ? b.meanConfidence : (b.low + b.high) / 2;
    svg.append(s('circle', { class: 'point', cx: x(conf), cy: y(b.accuracy), r: 3 + 5 * Math.sqrt(b.count / maxCount), 'data-value': b.accuracy },
      s('title', null, `${pctText(b.low)}–${pctText(b.high)}: accuracy ${pctText(b.accuracy)}, ${b.count} items`)));
  }
  return h('figure', { class: 'chart-box calibration-box', 'data-field': field }, svg,
    h('figcaption', null, h('strong', null, field), ' · ECE ', pct(calibration.ece, { class: 'ece' })));
}
