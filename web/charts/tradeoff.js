// One trade-off scatter of a set's runs: accuracy (up) against cost or latency (right;
// less is better, so the best runs sit top left). Pareto-optimal runs are filled and
// ringed, the others plain; runs with no value on the x axis (no cost reported) sit in a
// separate "none" lane left of the axis, hollow. Every point links to its run.
import { s } from '../dom.js';
import { pctText } from '../format.js';

const H = 250;
const PAD = { left: 46, right: 16, top: 20, bottom: 40 };
const LANE = 44; // the "not reported" lane, left of the plot

// points: [{id, n, accuracy, x (number or undefined), state: 'optimal'|'dominated'|'unranked', label}]
export function tradeoffChart(points, { id, xLabel, xText, missingLabel = 'not reported', width = 560 }) {
  const W = Math.round(Math.max(300, Math.min(620, width)));
  const withX = points.filter((p) => typeof p.x === 'number');
  const without = points.filter((p) => typeof p.x !== 'number');
  const lane = without.length ? LANE : 0;
  const x0 = PAD.left + lane;
  const x1 = W - PAD.right;
  const maxX = Math.max(0, ...withX.map((p) => p.x));
  const xMax = maxX > 0 ? maxX * 1.1 : 1;
  const x = (v) => x0 + (v / xMax) * (x1 - x0);
  // Accuracy axis from a round value below the worst run to 100 %, so close runs separate.
  const minAcc = Math.min(1, ...points.map((p) => p.accuracy));
  const yMin = Math.max(0, Math.floor((minAcc - 0.05) * 10) / 10);
  const y = (v) => PAD.top + ((1 - v) / (1 - yMin || 1)) * (H - PAD.top - PAD.bottom);
  const svg = s('svg', { class: 'chart tradeoff', id, viewBox: `0 0 ${W} ${H}`, role: 'group',
    'aria-label': `Accuracy against ${xLabel} per run; Pareto-optimal runs are filled and ringed` });
  for (const t of [yMin, (yMin + 1) / 2, 1]) {
    svg.append(s('line', { class: 'grid', x1: x0, x2: x1, y1: y(t), y2: y(t) }),
      s('text', { class: 'axis', x: PAD.left - 4, y: y(t) + 4, 'text-anchor': 'end' }, pctText(t)));
  }
  for (const t of [0, xMax / 2, maxX > 0 ? maxX : null]) {
    if (t === null) continue;
    svg.append(s('text', { class: 'axis', x: x(t), y: H - PAD.bottom + 14, 'text-anchor': t === 0 ? 'start' : 'middle' }, xText(t)));
  }
  svg.append(s('line', { class: 'zero', x1: x0, x2: x0, y1: PAD.top, y2: H - PAD.bottom }),
    s('text', { class: 'axis', x: (x0 + x1) / 2, y: H - 6, 'text-anchor': 'middle' }, `${xLabel} →  (less is better)`));
  if (lane) {
    svg.append(s('rect', { class: 'lane', x: PAD.left + 2, y: PAD.top, width: LANE - 8, height: H - PAD.top - PAD.bottom }),
      // Above the lane: below it the label would run into the x axis's first tick.
      s('text', { class: 'axis', x: PAD.left + LANE / 2 - 2, y: PAD.top - 9, 'text-anchor': 'middle' }, missingLabel));
  }
  // Optimal points last so they draw on top.
  const order = [...points].sort((a, b) => Number(a.state === 'optimal') - Number(b.state === 'optimal'));
  without.forEach((p, i) => { p.laneX = PAD.left + LANE / 2 - 2 + ((i % 3) - 1) * 7; });
  for (const p of order) {
    const cx = typeof p.x === 'number' ? x(p.x) : p.laneX;
    const cy = y(p.accuracy);
    const text = `Run #${p.n} ${p.id}: accuracy ${pctText(p.accuracy)}, ${xLabel} ${typeof p.x === 'number' ? xText(p.x) : missingLabel}`
      + (p.state === 'optimal' ? ', Pareto-optimal' : p.state === 'unranked' ? ', not ranked' : '');
    const dot = s('circle', { class: `point ${p.state}${typeof p.x === 'number' ? '' : ' no-x'}`, cx, cy, r: p.state === 'optimal' ? 7 : 5,
      'data-run-id': p.id, 'data-state': p.state, 'data-accuracy': String(p.accuracy), 'data-x': typeof p.x === 'number' ? String(p.x) : '' },
    s('title', null, text));
    const link = s('a', { href: `#/runs/${encodeURIComponent(p.id)}`, 'aria-label': text }, dot);
    if (p.state === 'optimal') {
      link.append(s('text', { class: 'point-label', x: cx + 9, y: cy - 7 }, `#${p.n}`));
    }
    svg.append(link);
  }
  return svg;
}
