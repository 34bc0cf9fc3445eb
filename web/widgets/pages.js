// A document beside its form: page images (GET /files/{id}/pages/{n}.png, fetched with
// the key and shown through object URLs) with an SVG layer for the boxes of citations,
// or the file's text when it has no page images (TXT, CSV, HTML, XML).
import { h, s, clear } from '../dom.js';
import { enc, get, getBlob } from '../api.js';

const TEXT_TYPES = new Set(['TXT', 'CSV', 'HTML', 'XML']);
const MAX_TEXT_BYTES = 200000;

// -> {node, ready: Promise, drawBoxes(boxes), focusField(field)}
// boxes: [{field, page, width, height, points: [{x, y}], label}] in page coordinates.
export function documentView(file, { ctx, maxPages = 20, thumbs = false, idPrefix = 'doc' } = {}) {
  const node = h('div', { class: `pages${thumbs ? ' thumbs' : ''}`, id: `${idPrefix}-pages`, role: 'region', 'aria-label': `Pages of ${file.name || 'the document'}`, tabindex: 0 });
  const frames = new Map(); // page -> {frame, svg}
  let boxes = [];
  let focused = null;
  // Citation keys name array cells ("rows[0].n"); the field "rows[].n" means all of them.
  const isFocused = (field) => field === focused || (!!focused && focused.includes('[]') && field.replace(/\[\d+\]/g, '[]') === focused);

  const paint = () => {
    for (const { svg } of frames.values()) clear(svg);
    for (const b of boxes) {
      const f = frames.get(b.page);
      if (!f || !b.width || !b.height) continue;
      f.svg.setAttribute('viewBox', `0 0 ${b.width} ${b.height}`);
      const pts = b.points.map((p) => `${p.x},${p.y}`).join(' ');
      f.svg.append(s('polygon', {
        points: pts,
        class: `box${isFocused(b.field) ? ' focused' : ''}`,
        'data-field': b.field,
        'data-points': JSON.stringify(b.points),
      }, s('title', null, b.label || b.field)));
    }
  };

  const ready = (async () => {
    const n = Math.min(maxPages, Math.max(1, Number((file.metadata && file.metadata.pageCount) || 1)));
    if (!file.id) return;
    if (TEXT_TYPES.has(file.type)) {
      await showText(file, node, ctx);
      return;
    }
    for (let p = 1; p <= n; p++) {
      const svg = s('svg', { class: 'boxes', 'aria-hidden': 'true', preserveAspectRatio: 'none' });
      const frame = h('figure', { class: 'page', 'data-page': p }, h('p', { class: 'muted small' }, `Loading page ${p}…`));
      frames.set(p, { frame, svg });
      node.append(frame);
    }
    for (let p = 1; p <= n; p++) {
      const { frame, svg } = frames.get(p);
      try {
        const blob = await getBlob(`/files/${enc(file.id)}/pages/${p}.png`);
        if (ctx && !ctx.isCurrent()) return;
        const url = URL.createObjectURL(blob);
        if (ctx) ctx.onLeave(() => URL.revokeObjectURL(url));
        const img = h('img', { src: url, alt: `Page ${p} of ${file.name || 'the document'}` });
        clear(frame).append(h('div', { class: 'page-frame' }, img, svg), h('figcaption', { class: 'muted small' }, `Page ${p}`));
        await img.decode().catch(() => {});
      } catch (err) {
        if (ctx && !ctx.isCurrent()) return;
        frames.delete(p);
        clear(frame).append(h('p', { class: 'muted small' }, `No image for page ${p} (${err.message}).`));
        if (p === 1 && err.status === 404) break; // a type without page images: one note is enough
      }
    }
    paint();
  })();

  return {
    node,
    ready,
    drawBoxes(next) {
      boxes = next || [];
      paint();
    },
    // Emphasises one field's boxes and scrolls the first into view.
    focusField(field) {
      focused = field;
      paint();
      const el = node.querySelector(`polygon.box.focused`);
      if (el) el.closest('figure')?.scrollIntoView({ block: 'nearest' });
    },
    pageCount: () => frames.size,
  };
}

async function showText(file, node, ctx) {
  const box = h('pre', { class: 'doc-text', tabindex: 0, 'aria-label': `Text of ${file.name}` }, 'Loading the text…');
  node.append(box);
  try {
    const meta = await get(`/files/${enc(file.id)}`);
    if (!meta.presignedUrl) throw new Error('no download URL');
    const res = await fetch(meta.presignedUrl);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    if (ctx && !ctx.isCurrent()) return;
    box.textContent = text.length > MAX_TEXT_BYTES ? `${text.slice(0, MAX_TEXT_BYTES)}\n… (truncated)` : text;
  } catch (err) {
    box.textContent = `The text could not be shown (${err.message}).`;
  }
}

// The citations of an extract output's metadata as boxes: {field -> citations[]} with
// polygons in Extend's shape ({page: {number, width, height}, polygon: [{x, y}]}).
export function citationBoxes(actualOutput) {
  const out = [];
  const meta = actualOutput && actualOutput.metadata;
  if (!meta || typeof meta !== 'object') return out;
  for (const [field, m] of Object.entries(meta)) {
    for (const c of (m && Array.isArray(m.citations) ? m.citations : [])) {
      if (!c || !Array.isArray(c.polygon) || c.polygon.length < 3 || !c.page) continue;
      out.push({ field, page: c.page.number, width: c.page.width, height: c.page.height, points: c.polygon, label: `${field}${c.referenceText ? `: ${c.referenceText}` : ''}` });
    }
  }
  return out;
}
