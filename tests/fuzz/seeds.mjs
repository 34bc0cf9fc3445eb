// Writes the seed corpora under tests/fuzz/corpus/<target>/ (committed; rerun only to
// change them): `node tests/fuzz/seeds.mjs`. Small, valid-looking inputs of every shape
// each target reads, plus a few broken ones. Uses the integration suite's document
// builders and, for JPEG seeds, pdftoppm.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { textPdf, encryptPdf, blankPng, sharedStripTiff, scanOf } from '../integration/hostile_docs.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

function corpus(target, seeds) {
  const dir = path.join(root, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  seeds.forEach((s, i) => writeFileSync(path.join(dir, `seed-${String(i).padStart(2, '0')}`), s));
}

const prefixed = (byte, text) => Buffer.concat([Buffer.from([byte]), Buffer.from(text)]);

corpus('fuzz_multipart', [
  'multipart/form-data; boundary=b\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n' +
    'Content-Type: text/plain\r\n\r\nhello\r\n--b--\r\n',
  'multipart/form-data; boundary="q b"\n--q b\r\nContent-Disposition: form-data; name="file"; filename="x\\"y.pdf"\r\n\r\n' +
    '%PDF\r\n--q b\r\nContent-Disposition: form-data; name="password"\r\n\r\ns3cret\r\n--q b--',
  'multipart/form-data; boundary=x\n--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--x' +
    '\r\n\r\n\r\n\r\n--x'.repeat(10) + '--\r\n',
  'Multipart/Form-Data; charset=utf-8; boundary=------a\npreamble\r\n--------a\r\n\r\n\r\n--------a--',
]);

corpus('fuzz_text_formats', [
  prefixed(0, 'Invoice No: INV-1\nTotal: $12.50\fpage two\tcolumn'),
  prefixed(1, 'a,b,c\n1,"2,3",4\r\n\xe9t\xe9'),
  prefixed(2, '<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body><script>x<1</script>' +
    '<p class="a>b">Total &amp; tax &#x20AC;&#8364; &euro;</p><!-- c --><table><tr><td>1</td><th>2</th></tr></table>' +
    '<img alt=\'q"\'><br>1 < 2</body></html>'),
  prefixed(3, '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r a="1>2"><!-- c --><v><![CDATA[a <b>]]></v>' +
    '<?pi x?>&lt;&#65;</r>'),
  prefixed(2, '<head><p>no body<SCRIPT>unclosed'),
]);

const gifSeed = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([2, 0, 2, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255]),
  Buffer.from([0x2c, 0, 0, 0, 0, 2, 0, 2, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b])]);
const bmpSeed = (() => {
  const b = Buffer.alloc(62 + 8);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(62, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(2, 18);
  b.writeInt32LE(2, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(1, 28);
  b.writeUInt32LE(0xffffff, 58);
  return b;
})();
const tinyJpeg = scanOf(textPdf('A1', { width: 72, height: 72 }), 'jpeg', 20);
const tinyPng = scanOf(textPdf('A1', { width: 72, height: 72 }), 'png', 20);
corpus('fuzz_image_decode', [
  tinyPng, tinyPng.subarray(0, Math.floor(tinyPng.length * 0.7)), blankPng(16, 8, 1), blankPng(3, 3, 8),
  tinyJpeg, tinyJpeg.subarray(0, Math.floor(tinyJpeg.length * 0.8)),
  sharedStripTiff(8, 8, 2), sharedStripTiff(16, 4, 1).subarray(0, 40), gifSeed, bmpSeed,
]);

corpus('fuzz_pdf', [
  textPdf('Invoice No: INV-1', { width: 72, height: 72 }),
  textPdf([], { width: 10, height: 10 }),
  textPdf([{ text: 'a', y: 10 }, { text: 'b', y: 30 }], { width: 100, height: 50 }),
  encryptPdf(textPdf('secret', { width: 72, height: 72 }), 'pw'),
  textPdf('cut', { width: 72, height: 72 }).subarray(0, 200),
]);

corpus('fuzz_processor_config', [
  prefixed(0, JSON.stringify({ schema: { type: 'object', properties: {
    total: { type: ['number', 'null'], 'x-rules': { patterns: ['Total: (\\d+)'], labels: ['Total'] } },
    date: { type: ['string', 'null'], format: 'date', 'x-rules': { dateOrder: 'DMY' } },
    money: { type: 'object', properties: { amount: { type: ['number', 'null'] }, iso_4217_currency_code: { type: ['string', 'null'] } } },
    lines: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } }, 'x-rules': { rowPattern: '^(?P<a>\\w+)$' } },
    kind: { type: ['string', 'null'], enum: ['a', 'b', null] },
  } }, engine: { type: 'rules' }, unknownKey: 1 })),
  prefixed(0, JSON.stringify({ schema: { type: 'object', properties: {} }, engine: { type: 'http', url: 'https://93.184.216.34/x', headers: { 'X-A': 'b' }, timeoutMs: 1000 } })),
  prefixed(0, JSON.stringify({ schema: { type: 'object', properties: {} }, engine: { type: 'llm', baseUrl: 'https://93.184.216.34/v1', model: 'm', apiKeyEnv: 'GOLDSET_LLM_KEY', maxInputChars: 4000 } })),
  prefixed(1, JSON.stringify({ classifications: [{ id: 'a', type: 'A', description: 'x' }, { id: 'b', type: 'B', description: 'y' }] })),
  prefixed(2, JSON.stringify({ splitClassifications: [{ id: 'a', type: 'A', description: 'x', identifierKey: 'n' }] })),
]);

const schema = { type: 'object', properties: { n: { type: ['string', 'null'] } } };
corpus('fuzz_api_requests', [
  prefixed(0, JSON.stringify({ name: 'e', config: { schema } })),
  prefixed(1, JSON.stringify({ name: 'c', config: { classifications: [{ id: 'a', type: 'A', description: 'a' }] } })),
  prefixed(2, JSON.stringify({ name: 's', config: { splitClassifications: [{ id: 'a', type: 'A', description: 'a' }] } })),
  prefixed(3, JSON.stringify({ name: 'renamed', config: { schema } })),
  prefixed(4, JSON.stringify({ name: 'set', description: 'd', entityId: '{{extractor}}' })),
  prefixed(5, JSON.stringify({ items: [{ fileId: '{{file}}', expectedOutput: { value: { n: 'x', d: '2024-01-31', lines: [{ a: 1.5 }, { a: null }] } } }] })),
  prefixed(6, JSON.stringify({ expectedOutput: { value: { n: null } } })),
  prefixed(7, JSON.stringify({ url: 'https://93.184.216.34/h', name: 'w', apiVersion: '2026-02-09', enabledEvents: ['extract_run.processed'],
    advancedOptions: { headers: { 'X-A': 'b' } } })),
  prefixed(8, JSON.stringify({ status: 'disabled', name: 'w2' })),
  prefixed(9, JSON.stringify({ webhookEndpointId: '{{endpoint}}', resourceType: 'extractor', resourceId: '{{extractor}}', enabledEvents: ['extract_run.processed'] })),
  prefixed(10, JSON.stringify({ evaluationSetId: '{{set}}', entity: { id: '{{extractor}}', version: 'draft' },
    options: { fuzzyMatchFields: ['n'], excludeFields: ['d'], fuzzyThreshold: 0.8 } })),
  prefixed(11, JSON.stringify({ extractor: { id: '{{extractor}}' }, file: { text: 'Invoice No: INV-2', name: 'a.txt' }, metadata: { k: 'v' } })),
  prefixed(12, JSON.stringify({ classifier: { id: '{{classifier}}' }, file: { id: '{{file}}' } })),
  prefixed(13, JSON.stringify({ config: { splitClassifications: [{ id: 'a', type: 'A', description: 'a' }] }, file: { text: 'a\fb' } })),
]);

corpus('fuzz_eval_values', [
  '2024-03-12\n12/03/2024', '1,234.50\n1234.5', 'Mar 25, 2018\n25 Mar 2018 9:27PM', '25-MAR-18\nMarch 25th 2018',
  '2024-03-12T10:00:00Z\n20240312', 'EUR\n  eur ', ' Caf\u00e9  au\tlait \nCAFE\u0301 AU LAIT', '-1,234\n+5', '3.0e2\n300',
  '31.12.1999\n12/31/99', '\u0130stanbul\nistanbul',
]);

corpus('fuzz_egress', [
  '127.0.0.1', '::1', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '[fe80::1]', '10.0.0.0/8, ::1/128', '169.254.169.254',
  '2130706433', '0x7f.0.0.1', '2001:db8::1', '8.8.8.8', '192.0.0.8', '198.18.0.1', 'fec0::1', '2002:7f00:1::1', '::127.0.0.1',
]);

console.log(`seeds written under ${root}`);
