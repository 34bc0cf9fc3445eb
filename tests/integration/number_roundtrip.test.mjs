// Issue 24: what a processor sent is what Goldset stores, scores and shows, bit for bit.
// 100,000 numbers (random doubles, subnormals, 17-digit decimals, integers above 2^53
// and above int64) come from an `http` engine (a receiver on 127.0.0.1) and back from
// GET /evaluation_set_runs/{id}/results: every double with the same bits, every integer
// with the same digits. The expected outputs carry the same numbers through the items
// API, so they round-trip too, and scoring sees them equal (accuracy 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './harness.mjs';
import { waitForRun, uploadText } from './eval_fixtures.mjs';

const ITEMS = 20;
const DOUBLES_PER_ITEM = 4950;
const INTEGERS_PER_ITEM = 50;  // 20 x (4,950 + 50) = 100,000 numbers

// xorshift64*: reproducible random 64-bit words.
let state = 0x9E3779B97F4A7C15n;
function next64() {
  state ^= state >> 12n;
  state ^= (state << 25n) & 0xFFFFFFFFFFFFFFFFn;
  state ^= state >> 27n;
  return (state * 0x2545F4914F6CDD1Dn) & 0xFFFFFFFFFFFFFFFFn;
}
const view = new DataView(new ArrayBuffer(8));
const bitsOf = (x) => { view.setFloat64(0, x); return view.getBigUint64(0); };
const fromBits = (b) => { view.setBigUint64(0, b); return view.getFloat64(0); };

// One double as a processor might spell it: [JSON text, the bits it denotes].
function randomDouble(k) {
  switch (k % 5) {
    case 0: {  // any finite double, shortest or 17 significant digits
      let x;
      do x = fromBits(next64()); while (!Number.isFinite(x));
      return k % 2 ? String(x) : x.toPrecision(17);
    }
    case 1: {  // subnormal
      const x = fromBits(next64() & 0x800FFFFFFFFFFFFFn);
      return Object.is(x, -0) ? '-0.0' : x.toPrecision(17);
    }
    case 2: {  // a 17-digit decimal, correctly rounded by whoever reads it
      const digits = (next64() % 90000000000000000n + 10000000000000000n).toString();
      const exp = Number(next64() % 600n) - 300;
      return `${digits[0]}.${digits.slice(1)}e${exp}`;
    }
    case 3: {  // a price-like value with a long fraction (1939.0000193899998)
      const whole = next64() % 100000n, frac = (next64() % 10000000000000n).toString().padStart(13, '0');
      return `${whole}.${frac}`;
    }
    default: {  // integers as doubles, beyond 2^53
      return `${(next64() >> 1n).toString()}.0`;
    }
  }
}

function randomInteger(k) {
  if (k % 3 === 0) return ((next64() % (2n ** 63n - 2n ** 53n)) + 2n ** 53n + 1n).toString();  // int64 above 2^53
  if (k % 3 === 1) return (-((next64() % (2n ** 63n - 2n ** 53n)) + 2n ** 53n + 1n)).toString();
  return ((next64() % (2n ** 63n)) + 2n ** 63n).toString();  // uint64 above int64
}

// JSON.parse without touching numbers: each number comes back as {raw: "its text"}.
function parseRaw(text) {
  let i = 0;
  const ws = () => { while (' \t\n\r'.includes(text[i])) ++i; };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      ++i; const o = {}; ws();
      if (text[i] === '}') { ++i; return o; }
      for (;;) { ws(); const k = value(); ws(); ++i; o[k] = value(); ws(); if (text[i++] === '}') return o; }
    }
    if (c === '[') {
      ++i; const a = []; ws();
      if (text[i] === ']') { ++i; return a; }
      for (;;) { a.push(value()); ws(); if (text[i++] === ']') return a; }
    }
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1)); i = j + 1; return s;
    }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return { raw: m[0] };
  };
  return value();
}

test('100,000 numbers from an http engine come back from results bit for bit', { timeout: 300000 }, async (t) => {
  const items = [];
  for (let n = 0; n < ITEMS; ++n) {
    const doubles = [], integers = [];
    for (let k = 0; k < DOUBLES_PER_ITEM; ++k) doubles.push(randomDouble(k));
    for (let k = 0; k < INTEGERS_PER_ITEM; ++k) integers.push(randomInteger(k));
    if (n === 0) doubles.splice(0, 4, '1939.0000193899998', '2.2250738585072011e-308', '4.9406564584124654e-324', '-0.0');
    const value = `{"nums":[${doubles.join(',')}],"ids":[${integers.join(',')}]}`;
    items.push({ name: `numbers-${n}.txt`, doubles, integers, value });
  }
  const byName = new Map(items.map((it) => [it.name, it]));
  const engine = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const it = byName.get(JSON.parse(body).file.name);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"value":${it.value},"metadata":{}}`);
    });
  });
  await new Promise((r) => engine.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => engine.close(r)));

  const srv = await startServer({ t });
  const schema = { type: 'object', properties: {
    nums: { type: 'array', items: { type: 'number' } }, ids: { type: 'array', items: { type: 'integer' } } } };
  const engineCfg = { type: 'http', url: `http://127.0.0.1:${engine.address().port}/extract` };
  const ex = await srv.api('POST', '/extractors', { body: { name: 'numbers', config: { schema, engine: engineCfg } } });
  assert.equal(ex.status, 200, JSON.stringify(ex.body));
  const set = await srv.api('POST', '/evaluation_sets', { body: { name: 'numbers', entityId: ex.body.id } });
  const entries = [];
  for (const it of items) {
    const file = await uploadText(srv, it.name, 'numbers');
    entries.push(`{"fileId":${JSON.stringify(file.id)},"expectedOutput":{"value":${it.value}}}`);
  }
  // Raw JSON text, so that integers beyond 2^53 reach the server as written.
  const created = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, {
    body: `{"items":[${entries.join(',')}]}`, headers: { 'content-type': 'application/json' }, timeoutMs: 60000 });
  assert.equal(created.status, 200, created.text.slice(0, 300));
  const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.body.id } });
  const done = await waitForRun(srv.api, run.body.id, { timeoutMs: 240000 });
  assert.equal(done.status, 'PROCESSED');
  assert.equal(done.metrics.accuracy, 1);

  const results = await srv.api('GET', `/evaluation_set_runs/${done.id}/results`, { query: { maxPageSize: 50 }, timeoutMs: 60000 });
  assert.equal(results.status, 200);
  const data = parseRaw(results.text).data;
  assert.equal(data.length, ITEMS);
  let doubles = 0, integers = 0;
  for (const r of data) {
    const it = byName.get(r.file.name);
    for (const output of [r.actualOutput, r.expectedOutput]) {
      const { nums, ids } = output.value;
      assert.equal(nums.length, it.doubles.length);
      for (let k = 0; k < nums.length; ++k) {
        const sent = bitsOf(Number(it.doubles[k])), back = bitsOf(Number(nums[k].raw));
        if (sent !== back) assert.fail(`${r.file.name} nums[${k}]: sent ${it.doubles[k]}, got ${nums[k].raw}`);
        ++doubles;
      }
      assert.deepEqual(ids.map((x) => x.raw), it.integers, `${r.file.name} ids`);
      integers += ids.length;
    }
    assert.equal(r.correct, true);
  }
  assert.equal(doubles + integers, 2 * ITEMS * (DOUBLES_PER_ITEM + INTEGERS_PER_ITEM));  // actual and expected
  assert.deepEqual(srv.serverErrors(), []);
});
