// F2 of the 2026-12 security audit (issue 15): scoring an array of objects must stay
// bounded in memory and time. Repro R2: the rules engine reads one row per line of a
// TXT upload (x-rules.rowPattern), and the expected output holds as many rows.
// Before: 8,000 rows peaked at 1.37 GB and ~30,000 rows took the server down.
// Now: at most --max-array-rows rows per side (default 5,000), one int32 cost matrix.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request } from './harness.mjs';
import { waitForRun, allResults, uploadText } from './eval_fixtures.mjs';

// Two columns; every expected b is off by one, so no row is equal in every column and
// the whole table goes through the assignment (no exact-row shortcut).
const schema = {
  type: 'object',
  properties: {
    line_items: {
      type: 'array',
      items: { type: 'object', properties: { a: { type: ['string', 'null'] }, b: { type: ['number', 'null'] } } },
      'x-rules': { rowPattern: '^(?P<a>\\d+)\\s+(?P<b>\\d+)$' },
    },
  },
};

// The server answers a 5,000-row item with its 100 MB cost matrix plus the item's JSON:
// these bounds leave room for the rest of the process on a busy machine. The code
// before the fix peaked above 560 MB for 5,000 rows and ~8 GB for 20,000. A sanitizer
// build (make asan/tsan) holds freed memory in quarantine and shadows what it maps, so
// there the bounds are 4 times larger (still far below the unfixed code's).
const BOUND_OVER_CAP_MB = 200;
const BOUND_AT_CAP_MB = 320;

async function runRows(srv, n) {
  const ex = await srv.api('POST', '/extractors', { body: { name: `rows ${n}`, config: { schema } } });
  assert.equal(ex.status, 200, JSON.stringify(ex.body));
  const set = await srv.api('POST', '/evaluation_sets', { body: { name: `rows ${n}`, entityId: ex.body.id } });
  const lines = [];
  const rows = [];
  for (let i = 1; i <= n; ++i) {
    lines.push(`${i} ${i * 7}`);
    rows.push({ a: String(i), b: i * 7 + 1 });
  }
  const file = await uploadText(srv, `rows-${n}.txt`, lines.join('\n'));
  const items = await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, {
    body: { items: [{ fileId: file.id, expectedOutput: { value: { line_items: rows.reverse() } } }] }, timeoutMs: 60000 });
  assert.equal(items.status, 200, JSON.stringify(items.body).slice(0, 300));
  const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.body.id } });
  assert.equal(run.status, 200);
  const done = await waitForRun(srv.api, run.body.id, { timeoutMs: 240000 });
  const [result] = await allResults(srv.api, done.id);
  return { done, result };
}

async function healthy(srv) {
  const r = await request(srv.url, 'GET', '/healthz', { key: null, version: null });
  assert.equal(r.status, 200);
}

describe('hostile scoring: arrays of objects', { timeout: 600000 }, () => {
  test('a 20,000-row item fails clearly; a 5,000-row item scores; memory stays bounded', async (t) => {
    const srv = await startServer({ t, args: ['--workers', '1'] });
    const factor = srv.sanitizer() ? 4 : 1;
    // Watch /healthz while the big item is processed: the server keeps answering.
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        await healthy(srv);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const over = await runRows(srv, 20000);
    assert.equal(over.done.status, 'FAILED');
    assert.equal(over.result.status, 'FAILED');
    assert.equal(over.result.error.code, 'POST_PROCESSING_FAILURE');
    assert.match(over.result.error.message,
      /^line_items: the (actual|expected) output has 20000 rows; at most 5000 rows per array are scored \(--max-array-rows\)$/);
    const peakOver = srv.peakRssMb();
    assert.ok(peakOver < BOUND_OVER_CAP_MB * factor, `peak RSS ${peakOver} MB after the 20,000-row item`);

    const at = await runRows(srv, 5000);
    stop = true;
    await watcher;
    assert.equal(at.done.status, 'PROCESSED', JSON.stringify(at.result.error));
    assert.equal(at.result.status, 'PROCESSED');
    const f = at.result.fields.line_items;
    assert.equal(f.totalCells, 10000);
    assert.equal(f.correctCells, 5000);  // every row pairs with its `a`; every b is off by one
    assert.equal(f.columns['line_items[].a'].correct, 5000);
    assert.equal(f.columns['line_items[].b'].correct, 0);
    assert.equal(at.done.metrics.fieldMetrics['line_items[].b'].countExpected, 5000);
    const peakAt = srv.peakRssMb();
    assert.ok(peakAt < BOUND_AT_CAP_MB * factor, `peak RSS ${peakAt} MB after the 5,000-row item`);
    await healthy(srv);
    t.diagnostic(`peak RSS: ${peakOver.toFixed(0)} MB after 20,000 rows, ${peakAt.toFixed(0)} MB after 5,000 rows`);
    assert.deepEqual(srv.serverErrors(), []);
  });

  test('--max-array-rows: limit, limit + 1, and bad values refused at start', async (t) => {
    const srv = await startServer({ t, args: ['--max-array-rows', '40', '--workers', '1'] });
    const at = await runRows(srv, 40);
    assert.equal(at.result.status, 'PROCESSED');
    assert.equal(at.result.fields.line_items.correctCells, 40);
    const over = await runRows(srv, 41);
    assert.equal(over.result.status, 'FAILED');
    assert.match(over.result.error.message, /has 41 rows; at most 40 rows per array are scored/);
    for (const bad of ['0', '50001', 'many']) {
      const r = await startServer({ args: ['--max-array-rows', bad] }).then(
        (s) => s.stop().then(() => 'started'), (e) => e.message);
      assert.match(r, /--max-array-rows/, `--max-array-rows ${bad}: ${r}`);
    }
    assert.deepEqual(srv.serverErrors(), []);
  });
});
