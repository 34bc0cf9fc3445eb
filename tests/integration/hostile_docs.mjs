// Documents built byte by byte for the hostile-input tests: PDFs with any MediaBox and a
// text layer, PNGs and multi-frame TIFFs of any size (deflated, so a pixel bomb is a few
// KB), page scans as JPEG/PNG (pdftoppm), and the audit's many-part multipart body (R8).
// Node built-ins, qpdf and pdftoppm (poppler-utils) only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

// A one-page PDF on a MediaBox of `width` × `height` points showing `lines`: a string
// (one line near the top) or [{text, y}] with y in points from the top (Helvetica 24 pt).
// Offsets in the xref are exact.
export function textPdf(lines, { width = 612, height = 792 } = {}) {
  const list = typeof lines === 'string' ? [{ text: lines, y: 100 }] : lines;
  const content = list.map((l) => `BT /F1 24 Tf 72 ${Math.max(24, height - l.y)} Td (${l.text}) Tj ET\n`).join('');
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
  ];
  return pdfOfObjects(objs);
}

// A PDF file of `objs` (object bodies, numbered from 1; object 1 is the catalog) with a
// correct xref table, as a Buffer. Node built-ins only, so tests/fuzz can import it too.
export function pdfOfObjects(objs) {
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// `pdf` encrypted with qpdf (AES-256, user password `password`).
export function encryptPdf(pdf, password) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goldset-qpdf-'));
  try {
    writeFileSync(path.join(dir, 'plain.pdf'), pdf);
    execFileSync('qpdf', ['--encrypt', password, 'owner-pw', '256', '--', path.join(dir, 'plain.pdf'), path.join(dir, 'locked.pdf')],
      { timeout: 20000 });
    return readFileSync(path.join(dir, 'locked.pdf'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `pdf` page 1 rendered by pdftoppm at `dpi` as 'jpeg' or 'png' bytes.
export function scanOf(pdf, format, dpi = 150) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goldset-scan-'));
  try {
    writeFileSync(path.join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', [`-${format}`, '-r', String(dpi), '-singlefile', '-gray', path.join(dir, 'in.pdf'), path.join(dir, 'out')],
      { timeout: 20000 });
    return readFileSync(path.join(dir, format === 'jpeg' ? 'out.jpg' : 'out.png'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// A grayscale PNG of width × height at `bitDepth` (1 or 8), every pixel white. The
// image data is one deflate stream of rows (filter byte 0), so a 20,000² 1-bit image
// is about 60 KB.
export function blankPng(width, height, bitDepth = 1) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = 0;  // grayscale
  const rowBytes = 1 + Math.ceil((width * bitDepth) / 8);
  const raw = Buffer.alloc(rowBytes * height, 0xff);
  for (let y = 0; y < height; y++) raw[y * rowBytes] = 0;  // filter: none
  const idat = zlib.deflateSync(raw, { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

// A little-endian multi-page TIFF of `frames` 8-bit grayscale frames of width × height,
// all pointing at one shared deflated strip of white pixels (R7: 600 frames of 4,000² px
// in ~70 KB).
export function sharedStripTiff(width, height, frames) {
  const strip = zlib.deflateSync(Buffer.alloc(width * height, 0xff), { level: 9 });
  const entries = 10;
  const ifdSize = 2 + entries * 12 + 4;
  const stripOffset = 8;
  const firstIfd = stripOffset + strip.length + (strip.length % 2);
  const out = Buffer.alloc(firstIfd + frames * ifdSize);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(firstIfd, 4);
  strip.copy(out, stripOffset);
  for (let f = 0; f < frames; f++) {
    let p = firstIfd + f * ifdSize;
    out.writeUInt16LE(entries, p);
    p += 2;
    const tag = (id, type, value) => {  // type 3 = SHORT, 4 = LONG; count 1
      out.writeUInt16LE(id, p);
      out.writeUInt16LE(type, p + 2);
      out.writeUInt32LE(1, p + 4);
      if (type === 3) out.writeUInt16LE(value, p + 8); else out.writeUInt32LE(value, p + 8);
      p += 12;
    };
    tag(256, 4, width);           // ImageWidth
    tag(257, 4, height);          // ImageLength
    tag(258, 3, 8);               // BitsPerSample
    tag(259, 3, 8);               // Compression: Deflate
    tag(262, 3, 1);               // Photometric: BlackIsZero
    tag(273, 4, stripOffset);     // StripOffsets
    tag(277, 3, 1);               // SamplesPerPixel
    tag(278, 4, height);          // RowsPerStrip
    tag(279, 4, strip.length);    // StripByteCounts
    tag(284, 3, 1);               // PlanarConfiguration: contiguous
    out.writeUInt32LE(f + 1 < frames ? firstIfd + (f + 1) * ifdSize : 0, p);
  }
  return out;
}

// R8: one real part, then `emptyParts` empty parts of 11 bytes each.
export function manyPartMultipart(emptyParts, boundary = 'x') {
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--${boundary}`;
  const unit = Buffer.from(`\r\n\r\n\r\n\r\n--${boundary}`);
  const body = Buffer.alloc(head.length + unit.length * emptyParts + 4);
  let p = body.write(head, 0, 'latin1');
  for (let i = 0; i < emptyParts; i++) p += unit.copy(body, p);
  body.write('--\r\n', p, 'latin1');
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
