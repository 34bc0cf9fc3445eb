// Reliability diagram of one field (the run analysis's `calibration[path]`): per
// confidence bin a bar of its observed accuracy and a dot at (mean confidence,
// accuracy). A calibrated engine's dots sit on the diagonal; ECE summarises the gap.
// The recommended auto-accept threshold is a vertical line: fields at or above it
// reach the target precision.
import { s, h } from '../dom.js';
import { count, pct, pctText } from '../format.js';

const W = 280;
const H = 250;
const PAD = { left: 40, right: 14, top: 12, bottom: 38 };

export function calibrationPlot(field, cal) {
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const x = (v) => PAD.left + Math.max(0, Math.min(1, v)) * pw;
  const y = (v) => PAD.top + (1 - Math.max(0, Math.min(1, v))) * ph;
  const rec = cal.recommendedThreshold || null;
  const svg = s('svg', { class: 'chart calibration', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': `Reliability diagram of ${field}: observed accuracy against confidence, ECE ${pctText(cal.ece)}`
      + (rec && typeof rec.threshold === 'number' ? `, auto-accept at confidence ${rec.threshold}` : '') });
  for (const t of [0, 0.5, 1]) {
    svg.append(
      s('line', { class: 'grid', x1: x(0), x2: x(1), y1: y(t), y2: y(t) }),
      s('text', { class: 'axis', x: PAD.left - 4, y: y(t) + 4, 'text-anchor': 'end' }, `${t * 100}%`),
      s('text', { class: 'axis', x: x(t), y: H - PAD.bottom + 14, 'text-anchor': t === 1 ? 'end' : 'middle' }, `${t * 100}%`));
  }
  svg.append(
    s('text', { class: 'axis', x: PAD.left + pw / 2, y: H - 6, 'text-anchor': 'middle' }, 'confidence'),
    s('text', { class: 'axis', x: 0, y: 0, 'text-anchor': 'middle', transform: `translate(11,${PAD.top + ph / 2}) rotate(-90)` }, 'accuracy'));
  const bins = (cal.bins || cal.buckets || []).filter((b) => b.count > 0);
  for (const b of bins) {
    // The bar spans its bin; its height is the bin's observed accuracy.
    svg.append(s('rect', { class: 'bin', x: x(b.low) + 0.5, y: y(b.accuracy), width: Math.max(0, x(b.high) - x(b.low) - 1), height: y(0) - y(b.accuracy),
      'data-low': String(b.low), 'data-high': String(b.high), 'data-count': String(b.count), 'data-value': String(b.accuracy) },
    s('title', null, `confidence ${pctText(b.low)}–${pctText(b.high)}: ${b.count} values, accuracy ${pctText(b.accuracy)}, mean confidence ${pctText(b.meanConfidence)}`)));
  }
  svg.append(s('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }));
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  for (const b of bins) {
    const conf = typeof b.meanConfidence === 'number' ? b.meanConfidence : (b.low + b.high) / 2;
    svg.append(s('circle', { class: 'point', cx: x(conf), cy: y(b.accuracy), r: 2.5 + 4 * Math.sqrt(b.count / maxCount), 'data-value': b.accuracy },
      s('title', null, `${pctText(b.low)}–${pctText(b.high)}: accuracy ${pctText(b.accuracy)} at mean confidence ${pctText(conf)}, ${b.count} values`)));
  }
  if (rec && typeof rec.threshold === 'number') {
    svg.append(s('g', { class: 'threshold', 'data-value': String(rec.threshold) },
      s('line', { x1: x(rec.threshold), x2: x(rec.threshold), y1: y(1) - 2, y2: y(0) }),
      s('text', { class: 'axis threshold-label', x: x(rec.threshold) + (rec.threshold > 0.6 ? -3 : 3), y: y(0) - 6, 'text-anchor': rec.threshold > 0.6 ? 'end' : 'start' },
        `accept ≥ ${rec.threshold.toFixed(2)}`),
      s('title', null, `Recommended auto-accept threshold ${rec.threshold}: ${pctText(rec.coverage)} of values accepted at ${pctText(rec.precision)} precision (target ${pctText(rec.targetPrecision)})`)));
  }
  return h('figure', { class: 'chart-box calibration-box', 'data-field': field }, svg,
    h('figcaption', null, h('strong', { class: 'mono' }, field),
      h('dl', { class: 'kv cal-stats' },
        h('dt', null, 'Values'), h('dd', null, count(cal.numFields ?? cal.count, { class: 'cal-n' })),
        h('dt', null, h('abbr', { title: 'Expected calibration error (10 bins)' }, 'ECE')), h('dd', null, pct(cal.ece, { class: 'ece' })),
        typeof cal.brier === 'number' ? [h('dt', null, 'Brier'), h('dd', null, num4(cal.brier, 'brier'))] : null,
        'brier' in cal || 'auroc' in cal ? [h('dt', null, h('abbr', { title: 'Area under the ROC curve of confidence as a predictor of correctness' }, 'AUROC')),
          h('dd', null, num4(cal.auroc, 'auroc'))] : null,
        cal.errorsCaughtAt ? [h('dt', null, h('abbr', { title: 'Share of this field\'s errors among its lowest-confidence 5 %, 10 % and 20 % of values' }, 'Errors caught')),
          h('dd', null, ['5%', '10%', '20%'].map((k, i) => [i ? ' · ' : '', pct(cal.errorsCaughtAt[k], { class: 'caught', 'data-budget': k }), ` in ${k}`]))] : null,
        'recommendedThreshold' in cal ? [h('dt', null, 'Auto-accept'), h('dd', null, thresholdText(rec))] : null)));
}

function num4(value, cls) {
  const text = typeof value === 'number' ? value.toFixed(3) : '—';
  return h('span', { class: `num ${cls}`, 'data-value': typeof value === 'number' ? String(value) : '' }, text);
}

function thresholdText(rec) {
  if (!rec || typeof rec.threshold !== 'number') {
    return h('span', { class: 'threshold-none muted' }, 'no threshold reaches the target');
  }
  return h('span', { class: 'threshold-text' }, '≥ ', num4(rec.threshold, 'threshold'), ' covers ', pct(rec.coverage, { class: 'coverage' }),
    ' at ', pct(rec.precision, { class: 'threshold-precision' }), ' precision');
}
