// Classifier confusion matrix as an SVG heat map: rows are expected labels, columns
// predicted. Cell shade is the share of its row, so rare classes are as readable as common ones.
import { s, h } from '../dom.js';

export function confusionHeatmap({ labels, counts }) {
  const n = labels.length;
  const cell = 56;
  const left = 120;
  const top = 100;
  const W = left + n * cell + 8;
  const H = top + n * cell + 8;
  // width/height give the natural size (CSS caps it at the container): a 2x2 matrix
  // should not be blown up to the page width.
  const svg = s('svg', { class: 'chart heatmap', id: 'confusion-matrix', viewBox: `0 0 ${W} ${H}`, width: Math.round(W * 1.5), height: Math.round(H * 1.5), role: 'img',
    'aria-label': 'Confusion matrix: rows are expected classes, columns predicted classes' });
  svg.append(s('text', { class: 'axis', x: left + (n * cell) / 2, y: 14, 'text-anchor': 'middle' }, 'Predicted →'));
  labels.forEach((label, j) => {
    svg.append(s('text', { class: 'axis', x: 0, y: 0, 'text-anchor': 'start',
      transform: `translate(${left + j * cell + cell / 2 + 4},${top - 6}) rotate(-50)` }, truncate(label)));
  });
  labels.forEach((label, i) => {
    const row = counts[i] || [];
    const total = row.reduce((a, b) => a + (b || 0), 0);
    svg.append(s('text', { class: 'axis', x: left - 8, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'end' }, truncate(label)));
    labels.forEach((predicted, j) => {
      const c = row[j] || 0;
      const share = total ? c / total : 0;
      const diagonal = i === j;
      svg.append(s('g', { class: `cell ${diagonal ? 'diag' : 'off'}`, 'data-expected': label, 'data-predicted': predicted },
        s('rect', { x: left + j * cell, y: top + i * cell, width: cell - 2, height: cell - 2,
          // Diagonal cells shade green, confusions red; opacity carries the magnitude.
          'fill-opacity': (0.08 + 0.92 * share).toFixed(3) }),
        s('text', { class: 'cell-count', x: left + j * cell + cell / 2 - 1, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'middle', 'data-value': c }, String(c)),
        s('title', null, `expected ${label}, predicted ${predicted}: ${c}`)));
    });
  });
  return h('figure', { class: 'chart-box' }, svg,
    h('figcaption', { class: 'muted small' }, 'Rows: expected class. Columns: predicted class. Shade: share of the row.'));
}

function truncate(text) {
  const t = String(text);
  return t.length > 16 ? `${t.slice(0, 15)}…` : t;
}
