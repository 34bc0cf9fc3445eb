// The accuracy delta with its 95 % confidence interval on a symmetric axis around zero:
// an interval that crosses the zero line is not a clear change.
import { s } from '../dom.js';
import { pctText } from '../format.js';

export function intervalChart(delta, low, high) {
  const W = 400;
  const H = 64;
  const pad = 24;
  const extent = Math.max(0.05, Math.abs(low ?? 0), Math.abs(high ?? 0), Math.abs(delta ?? 0)) * 1.15;
  const x = (v) => pad + ((v + extent) / (2 * extent)) * (W - 2 * pad);
  const svg = s('svg', { class: 'chart interval', id: 'ci-chart', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `Accuracy change ${pctText(delta)}, 95% interval ${pctText(low)} to ${pctText(high)}` });
  svg.append(
    s('line', { class: 'grid', x1: pad, x2: W - pad, y1: 30, y2: 30 }),
    s('line', { class: 'zero', x1: x(0), x2: x(0), y1: 10, y2: 50 }),
    s('text', { class: 'axis', x: x(0), y: 62, 'text-anchor': 'middle' }, '0'),
    s('text', { class: 'axis', x: pad, y: 62, 'text-anchor': 'start' }, `−${(extent * 100).toFixed(0)} pp`),
    s('text', { class: 'axis', x: W - pad, y: 62, 'text-anchor': 'end' }, `+${(extent * 100).toFixed(0)} pp`));
  if (typeof low === 'number' && typeof high === 'number') {
    svg.append(s('line', { class: 'ci', x1: x(low), x2: x(high), y1: 30, y2: 30 }),
      s('line', { class: 'ci', x1: x(low), x2: x(low), y1: 22, y2: 38 }),
      s('line', { class: 'ci', x1: x(high), x2: x(high), y1: 22, y2: 38 }));
  }
  if (typeof delta === 'number') {
    svg.append(s('circle', { class: `point ${delta > 0 ? 'up' : delta < 0 ? 'down' : ''}`, cx: x(delta), cy: 30, r: 6 }));
  }
  return svg;
}
