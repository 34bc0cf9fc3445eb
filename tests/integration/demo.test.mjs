// goldset demo: labelled sample data with finished runs (an extractor with a weaker and
// a stronger published version, a classifier), idempotent, removable without touching
// the user's own data; and the same through POST/DELETE /sample_data (the dashboard's
// empty state).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, runCli, createKey } from './harness.mjs';
import { dropDatabase } from './pg.mjs';
import { uploadText, waitForRun, allResults } from './eval_fixtures.mjs';

test('goldset demo --data-dir: finished runs to compare, idempotent, --remove keeps the user\'s data', { timeout: 240000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goldset-demo-'));
  let srv = null;
  t.after(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
    dropDatabase(dir);
  });
  const first = await runCli(['demo', '--data-dir', dir], { timeoutMs: 180000 });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /API key \(shown once\): sk_/, 'a fresh data dir gets its default workspace and key');
  const runs = [...first.stdout.matchAll(/bpr_[A-Za-z0-9_-]+/g)].map((m) => m[0]);
  assert.equal(runs.length, 3, first.stdout);

  const key = await createKey(dir);
  srv = await startServer({ dataDir: dir, key });
  const [weak, strong, classify] = await Promise.all(runs.map((id) => srv.api('GET', `/evaluation_set_runs/${id}`)));
  for (const r of [weak, strong, classify]) assert.equal(r.body.status, 'PROCESSED', JSON.stringify(r.body));
  assert.equal(weak.body.entityVersion.version, '1.0');
  assert.equal(strong.body.entityVersion.version, '2.0');
  assert.match(weak.body.entity.name, /^Sample: /);
  assert.equal(weak.body.metrics.numFilesTotal, 8, '6 text PDFs and 2 scans');
  assert.ok(strong.body.metrics.accuracy > weak.body.metrics.accuracy,
    `2.0 (${strong.body.metrics.accuracy}) is better than the weaker 1.0 (${weak.body.metrics.accuracy})`);
  assert.equal(classify.body.metrics.type, 'CLASSIFY');
  assert.ok(classify.body.metrics.accuracy >= 0.5, JSON.stringify(classify.body.metrics));

  // What a new user looks at: the comparison, field errors, an item's page image.
  const cmp = await srv.api('GET', `/evaluation_set_runs/${strong.body.id}/compare`, { query: { baseline: weak.body.id } });
  assert.equal(cmp.status, 200, JSON.stringify(cmp.body));
  const results = await allResults(srv.api, weak.body.id);
  assert.equal(results.length, 8);
  assert.ok(results.some((r) => JSON.stringify(r).includes('"correct":false')), 'the weaker version gets fields wrong');
  const scan = results.find((r) => /scan\.png$/.test(r.file?.name ?? ''));
  assert.ok(scan, 'a scanned invoice is among the items');
  const page = await fetch(`${srv.url}/files/${scan.file.id}/pages/1.png`, { headers: { authorization: `Bearer ${key}`, 'x-extend-api-version': '2026-02-09' } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'image/png');

  // Idempotent: a second demo (with the server running on the same dir) adds nothing.
  const mine = await uploadText(srv, 'my-own.txt', 'my own document');
  const again = await runCli(['demo', '--data-dir', dir], { timeoutMs: 60000 });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already/);
  const sets = await srv.api('GET', '/evaluation_sets', { query: { maxPageSize: 100 } });
  assert.equal(sets.body.data.length, 2);

  const removed = await runCli(['demo', '--remove', '--data-dir', dir], { timeoutMs: 60000 });
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal((await srv.api('GET', '/evaluation_sets')).body.data.length, 0);
  assert.equal((await srv.api('GET', `/evaluation_set_runs/${weak.body.id}`)).status, 404);
  assert.equal((await srv.api('GET', '/extractors')).body.data.length, 0);
  const files = (await srv.api('GET', '/files', { query: { maxPageSize: 100 } })).body.data;
  assert.deepEqual(files.map((f) => f.id), [mine.id], 'only the user\'s own file is left');
  const twice = await runCli(['demo', '--remove', '--data-dir', dir], { timeoutMs: 60000 });
  assert.equal(twice.code, 0, 'removing nothing is fine');
});

test('POST /sample_data loads into the caller\'s workspace; DELETE removes it', { timeout: 120000 }, async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());
  const r = await srv.api('POST', '/sample_data', { body: {} });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.created, true);
  assert.equal(r.body.runIds.length, 3);
  for (const id of r.body.runIds) assert.equal((await waitForRun(srv.api, id, { timeoutMs: 90000 })).status, 'PROCESSED');
  const again = await srv.api('POST', '/sample_data', { body: {} });
  assert.equal(again.body.created, false);
  assert.deepEqual(again.body.evaluationSetIds.sort(), r.body.evaluationSetIds.sort());
  const del = await srv.api('DELETE', '/sample_data');
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.ok(del.body.removed >= 2 + 2 + 14, JSON.stringify(del.body));
  assert.equal((await srv.api('GET', '/evaluation_sets')).body.data.length, 0);
});
