// Accuracy over time as an SVG line. Points are evenly spaced by run order (runs are
// discrete events; wall-clock spacing would crush bursts of runs together).
import { s } from '../dom.js';
import { pctText } from '../format.js';

const PAD = { left: 44, right: 16, top: 14, bottom: 34 };

// points: [{ value: 0..1, label: string, href?: string, id?: string }], oldest first.
// width: the space available in CSS pixels. The viewBox matches it so text stays at its
// real size instead of shrinking with the drawing on a phone.
export function trendChart(points, { title = 'Accuracy over time', width = 900 } = {}) {
  const W = Math.round(Math.max(300, Math.min(900, width)));
  const H = 220;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v) => PAD.top + (1 - v) * plotH;

  // With links inside, the chart is a group of controls, not an image (which hides its content).
  const role = points.some((p) => p.href) ? 'group' : 'img';
  const svg = s('svg', { class: 'chart trend', viewBox: `0 0 ${W} ${H}`, role, 'aria-label': title, preserveAspectRatio: 'xMidYMid meet' });
  svg.append(s('title', null, title));
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(
      s('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(tick), y2: y(tick) }),
      s('text', { class: 'axis', x: PAD.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, `${tick * 100}%`));
  }
  if (points.length > 1) {
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    svg.append(s('path', { class: 'line', d }));
  }
  points.forEach((p, i) => {
    const dot = s('circle', { class: 'point', cx: x(i), cy: y(p.value), r: 5, 'data-value': p.value, 'data-run-id': p.id || '' },
      s('title', null, `${p.label}: ${pctText(p.value)}`));
    // Points link to their run; SVG <a> is focusable, so the chart is keyboard-usable too.
    svg.append(p.href ? s('a', { href: p.href, 'aria-label': `${p.label}: ${pctText(p.value)}` }, dot) : dot);
    // Label only a few x ticks so they never overlap on narrow screens.
    const every = Math.ceil(points.length / 6);
    if (i % every === 0 || i === points.length - 1) {
      svg.append(s('text', { class: 'axis', x: x(i), y: H - PAD.bottom + 18, 'text-anchor': 'middle' }, p.short || String(i + 1)));
    }
  });
  return svg;
}
