// Cross-check of the array scoring (issue 24) against a second, deliberately simple
// implementation of the documented rules (docs/evaluation.md, DESIGN.md section 3),
// written here from the documents and not from the C++: cells compared by type,
// rows paired by brute force over every injection, column tallies and run metrics by
// the stated definitions. A few hundred generated tables with realistic mistakes
// (shuffled, dropped and duplicated rows, cent-off prices, fuzzy names, numbers as
// strings with separators, missing keys, nulls, missing or mistyped arrays) go through
// `goldset eval --format json`, without and with fuzzy/excluded column options.
// Where several pairings reach the maximum, the server's pairing is checked to be one
// of them and the column counts are recomputed on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './harness.mjs';

// ---------------------------------------------------------------- the simple scorer

const COLUMNS = { description: 'string', sku: 'string', qty: 'number', price: 'number' };

const normalize = (s) => s.normalize('NFC').trim().replace(/\s+/gu, ' ');

function levenshtein(a, b) {
  const x = Array.from(a), y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; ++i) {
    const cur = [i];
    for (let j = 1; j <= y.length; ++j) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

// A JSON number, or a numeric string ("1,234.50": commas group digits in threes).
function number(v) {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (!/^[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t) || !/\d/.test(t)) return null;
  const n = Number(t.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

const isNull = (v) => v === undefined || v === null;

// DESIGN.md section 3: null equals null (a missing key counts as null); strings equal
// after NFC, trim and whitespace collapse, fuzzy ones when 1 - distance / longer length
// reaches the threshold (case-folded); numbers within 1e-9 relative.
function cellsEqual(type, e, a, fuzzy) {
  if (isNull(e) || isNull(a)) return isNull(e) && isNull(a);
  if (type === 'string') {
    if (typeof a !== 'string') return false;
    if (!fuzzy) return normalize(e) === normalize(a);
    const x = normalize(e).toLowerCase(), y = normalize(a).toLowerCase();
    const longest = Math.max(Array.from(x).length, Array.from(y).length);
    const similarity = longest === 0 ? 1 : 1 - levenshtein(x, y) / longest;
    return similarity + 1e-12 >= fuzzy;
  }
  const x = number(e), y = number(a);
  return x !== null && y !== null && (x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)));
}

function* injections(n, m) {  // every way to pair min(n, m) rows: [[i, j], ...]
  const small = Math.min(n, m), large = Math.max(n, m);
  const used = new Array(large).fill(false), pick = [];
  function* rec(k) {
    if (k === small) { yield pick.map((p, i) => (n <= m ? [i, p] : [p, i])); return; }
    for (let p = 0; p < large; ++p) {
      if (used[p]) continue;
      used[p] = true; pick.push(p);
      yield* rec(k + 1);
      used[p] = false; pick.pop();
    }
  }
  yield* rec(0);
}

// One item's line_items: the best number of equal cells by brute force, and the
// counts that do not depend on which best pairing is taken.
function scoreTable(expected, actual, scored, fuzzy) {
  const e = Array.isArray(expected) ? expected : [];
  const a = Array.isArray(actual) ? actual : [];
  const cell = (row, c) => (row !== null && typeof row === 'object' && !Array.isArray(row) ? row[c] : undefined);
  const equal = (i, j, c) => cellsEqual(COLUMNS[c], cell(e[i], c), cell(a[j], c), fuzzy[c]);
  const matches = (i, j) => scored.reduce((s, c) => s + (equal(i, j, c) ? 1 : 0), 0);
  let best = 0;
  if (e.length && a.length) for (const p of injections(e.length, a.length)) best = Math.max(best, p.reduce((s, [i, j]) => s + matches(i, j), 0));
  const columns = {};
  for (const c of scored) {
    columns[c] = {
      expected: e.length, cells: Math.max(e.length, a.length),
      expectedNonNull: e.filter((r) => !isNull(cell(r, c))).length,
      present: a.filter((r) => !isNull(cell(r, c))).length,
    };
  }
  return { e, a, best, total: Math.max(e.length, a.length) * scored.length, columns, equal, matches, cell };
}

// ---------------------------------------------------------------- generated tables

let seed = 20260209;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const below = (n) => Math.floor(rand() * n);
const WORDS = ['Steel Bolts', 'Wood Screws', 'Café Crème', 'Desk Lamp', 'Ink Cartridge', 'Work Boots', 'Storage Box',
  'Printer Paper', 'Safety Gloves', 'Measuring Tape'];

function expectedRow() {
  const row = { description: WORDS[below(WORDS.length)], sku: `SKU-${100 + below(900)}`, qty: 1 + below(20),
    price: Math.round((1 + rand() * 3000) * 100) / 100 };
  for (const c of Object.keys(COLUMNS)) if (below(10) === 0) row[c] = null;
  return row;
}

function typo(s) {
  const chars = Array.from(s);
  const k = below(chars.length);
  switch (below(4)) {
    case 0: chars[k] = 'x'; break;                      // one substitution
    case 1: return s.toUpperCase();                       // case only
    case 2: return `  ${s.replace(' ', '   ')} `;          // whitespace
    default: return s.normalize('NFD');                   // decomposed accents
  }
  return chars.join('');
}

const spelled = (n) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function predictedRow(row) {
  const out = { ...row };
  if (below(5) === 0 && typeof out.price === 'number') out.price = Math.round((out.price + (below(2) ? 0.01 : -0.01)) * 100) / 100;
  if (below(5) === 0 && typeof out.description === 'string') out.description = typo(out.description);
  if (below(5) === 0 && typeof out.price === 'number') out.price = below(6) ? spelled(out.price) : `${out.price}`.replace('.', ',');
  if (below(8) === 0 && typeof out.qty === 'number') out.qty = ` ${out.qty} `;
  if (below(10) === 0) delete out[Object.keys(COLUMNS)[below(4)]];
  if (below(10) === 0) out[Object.keys(COLUMNS)[below(4)]] = null;
  return out;
}

function generateItem() {
  const rows = Array.from({ length: below(6) }, expectedRow);
  let predicted = rows.map(predictedRow);
  for (let i = predicted.length - 1; i > 0; --i) { const j = below(i + 1); [predicted[i], predicted[j]] = [predicted[j], predicted[i]]; }
  if (predicted.length && below(4) === 0) predicted.splice(below(predicted.length), 1);                // dropped
  if (predicted.length && predicted.length < 7 && below(5) === 0) predicted.push({ ...predicted[below(predicted.length)] });  // duplicated
  if (predicted.length < 7 && below(6) === 0) predicted.push(predictedRow(expectedRow()));            // extra
  const number = `INV-${1000 + below(50)}`;
  const actual = { invoice_number: below(5) ? number : `INV-${1000 + below(50)}`, line_items: predicted };
  switch (below(12)) {  // the array itself missing, null or mistyped
    case 0: delete actual.line_items; break;
    case 1: actual.line_items = null; break;
    case 2: actual.line_items = 'see attached'; break;
    case 3: actual.line_items = { rows: predicted }; break;
    default: break;
  }
  return { expected: { value: { invoice_number: number, line_items: rows } }, actual: { value: actual, metadata: {} } };
}

// ---------------------------------------------------------------- the check

const ROW_SPEC = { type: 'object', properties: {
  description: { type: ['string', 'null'] }, sku: { type: ['string', 'null'] },
  qty: { type: ['number', 'null'] }, price: { type: ['number', 'null'] } } };
const CONFIG = { schema: { type: 'object', properties: {
  invoice_number: { type: ['string', 'null'] }, line_items: { type: ['array', 'null'], items: ROW_SPEC } } } };

function close(got, want, where) {
  if (want === undefined) return assert.equal(got, undefined, `${where}: expected absent, got ${got}`);
  assert.ok(typeof got === 'number' && Math.abs(got - want) <= 1e-9, `${where}: got ${got}, want ${want}`);
}

async function checkRun(t, dir, items, { fuzzy = {}, exclude = [] } = {}) {
  const expDir = path.join(dir, 'expected'), actDir = path.join(dir, 'actual');
  fs.mkdirSync(expDir, { recursive: true });
  fs.mkdirSync(actDir, { recursive: true });
  items.forEach((it, k) => {
    const name = `t${String(k).padStart(3, '0')}.json`;
    fs.writeFileSync(path.join(expDir, name), JSON.stringify(it.expected));
    fs.writeFileSync(path.join(actDir, name), JSON.stringify(it.actual));
  });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(CONFIG));
  const args = ['eval', '--config', path.join(dir, 'config.json'), '--expected', expDir, '--actual', actDir, '--format', 'json'];
  if (Object.keys(fuzzy).length) args.push('--fuzzy', Object.keys(fuzzy).map((c) => `line_items[].${c}`).join(','));
  if (exclude.length) args.push('--exclude', exclude.map((c) => `line_items[].${c}`).join(','));
  const r = await runCli(args, { timeoutMs: 120000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const scored = Object.keys(COLUMNS).filter((c) => !exclude.includes(c));
  // Run tallies, from the simple scorer's own counts.
  const col = Object.fromEntries(scored.map((c) => [c, { total: 0, expected: 0, present: 0, correct: 0, tp: 0, predicted: 0, relevant: 0 }]));
  const field = { expected: 0, present: 0, accurate: 0, score: 0, tp: 0, predicted: 0, relevant: 0 };
  let runScore = 0, runFields = 0, ties = 0;
  out.items.forEach((item, k) => {
    const where = `${item.name}`;
    const { expected, actual } = items[k];
    const s = scoreTable(expected.value.line_items, actual.value.line_items, scored, fuzzy);
    const f = item.result.fields.line_items;
    assert.equal(f.correctCells, s.best, `${where}: correct cells`);
    assert.equal(f.totalCells, Math.max(s.total, Array.isArray(actual.value.line_items) || isNull(actual.value.line_items) ? 0 : 1), `${where}: total cells`);
    const score = s.total === 0 ? (Array.isArray(actual.value.line_items) || isNull(actual.value.line_items) ? 1 : 0) : s.best / s.total;
    close(f.score, score, `${where}: score`);
    // The server's pairing must be a best one; the column counts follow from it.
    const pairs = (f.rows ?? []).filter((row) => row.expectedIndex !== null && row.actualIndex !== null).map((row) => [row.expectedIndex, row.actualIndex]);
    assert.equal(pairs.length, Math.min(s.e.length, s.a.length), `${where}: pairs`);
    assert.equal(new Set(pairs.map((p) => p[1])).size, pairs.length, `${where}: an actual row paired twice`);
    assert.equal(pairs.reduce((sum, [i, j]) => sum + s.matches(i, j), 0), s.best, `${where}: the pairing is not a best one`);
    if (s.e.length > 1 && s.a.length > 1) ++ties;
    for (const c of scored) {
      const want = { ...s.columns[c], correct: 0, correctNonNull: 0 };
      for (const [i, j] of pairs) {
        if (!s.equal(i, j, c)) continue;
        ++want.correct;
        if (!isNull(s.cell(s.e[i], c)) && !isNull(s.cell(s.a[j], c))) ++want.correctNonNull;
      }
      assert.deepEqual(f.columns[`line_items[].${c}`], want, `${where}: column ${c}`);
      const t = col[c];
      t.total += want.cells; t.expected += want.expected; t.present += want.present; t.correct += want.correct;
      t.tp += want.correctNonNull; t.predicted += want.present; t.relevant += want.expectedNonNull;
    }
    for (const c of exclude) assert.equal(f.columns[`line_items[].${c}`], undefined);
    // The line_items field and the run.
    const labelled = true;  // every generated expected output has line_items
    ++field.expected;
    field.present += isNull(actual.value.line_items) ? 0 : 1;
    field.accurate += score >= 1 ? 1 : 0;
    field.score += score;
    if (!isNull(actual.value.line_items)) { ++field.predicted; field.tp += score; }
    ++field.relevant;
    const inv = cellsEqual('string', expected.value.invoice_number, actual.value.invoice_number, false) ? 1 : 0;
    close(item.result.score, (inv + score) / 2, `${where}: item score`);
    runScore += inv + score;
    runFields += labelled ? 2 : 1;
  });
  const m = out.metrics.fieldMetrics;
  for (const c of scored) {
    const t = col[c], got = m[`line_items[].${c}`], where = `run column ${c}`;
    assert.equal(got.countTotal, t.total, `${where} countTotal`);
    assert.equal(got.countExpected, t.expected, `${where} countExpected`);
    assert.equal(got.countPresent, t.present, `${where} countPresent`);
    assert.equal(got.countAccurate, t.correct, `${where} countAccurate`);
    close(got.accuracy, t.expected ? t.correct / t.expected : undefined, `${where} accuracy`);
    close(got.score, t.total ? t.correct / t.total : undefined, `${where} score`);
    const p = t.predicted ? t.tp / t.predicted : undefined, rc = t.relevant ? t.tp / t.relevant : undefined;
    close(got.precision, p, `${where} precision`);
    close(got.recall, rc, `${where} recall`);
    close(got.f1, p !== undefined && rc !== undefined ? (p + rc > 0 ? 2 * p * rc / (p + rc) : 0) : undefined, `${where} f1`);
  }
  for (const c of exclude) assert.equal(m[`line_items[].${c}`], undefined);
  const li = m.line_items;
  assert.equal(li.countExpected, field.expected);
  assert.equal(li.countPresent, field.present);
  assert.equal(li.countAccurate, field.accurate);
  close(li.score, field.score / field.expected, 'line_items score');
  close(li.precision, field.predicted ? field.tp / field.predicted : undefined, 'line_items precision');
  close(li.recall, field.tp / field.relevant, 'line_items recall');
  close(out.metrics.accuracy, runScore / runFields, 'run accuracy');
  t.diagnostic(`${items.length} tables, ${ties} with two or more rows on both sides; options ${JSON.stringify({ fuzzy, exclude })}`);
}

test('array scoring agrees with an independent brute-force scorer', { timeout: 300000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-crosscheck-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const optionSets = [{}, { fuzzy: { description: 0.9 }, exclude: ['sku'] }];
  for (const [k, options] of optionSets.entries()) {
    for (let run = 0; run < 3; ++run) {
      const items = Array.from({ length: 60 }, generateItem);
      await checkRun(t, path.join(dir, `${k}-${run}`), items, options);
    }
  }
});
