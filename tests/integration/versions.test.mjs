// Versioned evaluation sets over real HTTP (docs/evaluation.md § Versions, history and
// re-scoring): set versions and contentHash (checked against a hash computed here),
// item history and revert, run manifests, promote, rescore without calling the processor,
// and compare across set versions. Runs on SQLite and, under scripts/test-postgres.sh, on
// PostgreSQL (the same contentHash literals must come out of both).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, expectError, createKey, createWorkspace } from './harness.mjs';
import { startEngineStub } from './engine_stub.mjs';
import { invoiceSchema, invoiceExpected, waitForRun, allResults, seedInvoiceSet } from './eval_fixtures.mjs';

// Canonical JSON as docs/evaluation.md defines it (keys sorted, no spaces, integers plain).
function canonical(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
function contentHash(items) {
  const digests = items.map((it) => sha256(canonical({ expectedOutput: it.expectedOutput, fileIds: it.fileIds }))).sort();
  return sha256(digests.join('\n'));
}

async function allPages(api, path, query = {}) {
  const out = [];
  let token;
  do {
    const r = await api('GET', path, { query: { ...query, ...(token ? { nextPageToken: token } : {}) } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(...r.body.data);
    token = r.body.nextPageToken;
  } while (token);
  return out;
}

describe('set versions, item history and revert', () => {
  let srv, seeded;
  before(async () => {
    srv = await startServer();
    seeded = await seedInvoiceSet(srv, 3);
  });
  after(async () => srv?.stop());

  test('create makes version 1 whose contentHash is the documented SHA-256', async () => {
    const set = await srv.api('GET', `/evaluation_sets/${seeded.set.id}`);
    assert.equal(set.status, 200);
    assert.equal(set.body.object, 'evaluation_set');
    assert.equal(set.body.version, 1);
    const items = seeded.items.map((it, i) => ({ expectedOutput: invoiceExpected(i), fileIds: [it.file.id] }));
    assert.equal(set.body.contentHash, contentHash(items));
    const versions = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/versions`);
    assert.equal(versions.status, 200);
    assert.equal(versions.body.object, 'list');
    assert.deepEqual(versions.body.data.map((v) => [v.version, v.itemCount, v.change]), [[1, 3, { created: 3, updated: 0, deleted: 0 }]]);
    assert.equal(versions.body.data[0].contentHash, set.body.contentHash);
    assert.equal(versions.body.data[0].createdBy.type, 'api_key');
  });

  test('update, revert and delete each make a version; history lists every revision; paging', async () => {
    const item = seeded.items[1];
    const path = `/evaluation_sets/${seeded.set.id}/items/${item.id}`;
    const changed = invoiceExpected(1, ['vendor']);
    const up = await srv.api('POST', path, { body: { expectedOutput: changed } });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    let set = (await srv.api('GET', `/evaluation_sets/${seeded.set.id}`)).body;
    assert.equal(set.version, 2);
    const history = await srv.api('GET', `${path}/history`, { query: { sortDir: 'asc' } });
    assert.equal(history.status, 200);
    assert.deepEqual(history.body.data.map((r) => [r.revision, r.reason, r.evaluationSetVersion]), [[1, 'create', 1], [2, 'update', 2]]);
    assert.deepEqual(history.body.data[1].expectedOutput, changed);
    assert.equal(history.body.data[1].fileId, item.file.id);
    assert.equal(history.body.data[1].changedBy.type, 'api_key');
    assert.equal(history.body.data[1].sourceRunId, null);

    const reverted = await srv.api('POST', `${path}/revert`, { body: { revision: 1 } });
    assert.equal(reverted.status, 200, JSON.stringify(reverted.body));
    assert.equal(reverted.body.revision, 3);
    assert.deepEqual(reverted.body.expectedOutput, invoiceExpected(1));
    set = (await srv.api('GET', `/evaluation_sets/${seeded.set.id}`)).body;
    assert.equal(set.version, 3);
    const v1 = (await srv.api('GET', `/evaluation_sets/${seeded.set.id}/versions`, { query: { sortDir: 'asc' } })).body.data[0];
    assert.equal(set.contentHash, v1.contentHash, 'the content is that of version 1 again');
    const latest = await srv.api('GET', `${path}/history`);
    assert.equal(latest.body.data[0].reason, 'revert');

    const del = await srv.api('DELETE', `/evaluation_sets/${seeded.set.id}/items/${seeded.items[2].id}`);
    assert.equal(del.status, 200);
    const gone = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/items/${seeded.items[2].id}/history`);
    assert.equal(gone.status, 200, 'a deleted item keeps its history');
    assert.deepEqual(gone.body.data.map((r) => [r.reason, r.expectedOutput === null]), [['delete', true], ['create', false]]);
    expectError(assert, await srv.api('POST', `/evaluation_sets/${seeded.set.id}/items/${seeded.items[2].id}/revert`, { body: { revision: 1 } }), 404);

    const pages = [];
    let token;
    do {
      const r = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/versions`, { query: { maxPageSize: 2, ...(token ? { nextPageToken: token } : {}) } });
      assert.equal(r.status, 200);
      assert.ok(r.body.data.length <= 2);
      pages.push(...r.body.data.map((v) => v.version));
      token = r.body.nextPageToken;
    } while (token);
    assert.deepEqual(pages, [4, 3, 2, 1]);
    const v4 = (await srv.api('GET', `/evaluation_sets/${seeded.set.id}/versions`)).body.data[0];
    assert.deepEqual([v4.itemCount, v4.change], [2, { created: 0, updated: 0, deleted: 1 }]);
  });

  test('revert refuses bad revisions and, with 422, one that no longer conforms to the schema', async () => {
    const item = seeded.items[0];
    const path = `/evaluation_sets/${seeded.set.id}/items/${item.id}`;
    for (const body of [{}, { revision: 0 }, { revision: 'one' }, { revision: 1.5 }]) {
      expectError(assert, await srv.api('POST', `${path}/revert`, { body }), 400);
    }
    expectError(assert, await srv.api('POST', `${path}/revert`, { body: { revision: 99 } }), 404);
    expectError(assert, await srv.api('GET', `/evaluation_sets/${seeded.set.id}/items/evi_nope/history`), 404);
    // The processor's schema now wants `total` as a string: revision 1 (a number) no longer conforms.
    const up = await srv.api('POST', path, { body: { expectedOutput: { value: { ...invoiceExpected(0).value, vendor: 'Fixed Ltd' } } } });
    assert.equal(up.status, 200);
    const schema = structuredClone(invoiceSchema);
    schema.properties.total = { type: ['string', 'null'], description: 'Invoice total' };
    const ex = await srv.api('POST', `/extractors/${seeded.extractor.id}`, { body: { config: { schema } } });
    assert.equal(ex.status, 200, JSON.stringify(ex.body));
    const before = (await srv.api('GET', `/evaluation_sets/${seeded.set.id}`)).body.version;
    const r = await srv.api('POST', `${path}/revert`, { body: { revision: 1 } });
    expectError(assert, r, 422);
    assert.match(r.body.message, /total/);
    assert.equal((await srv.api('GET', `/evaluation_sets/${seeded.set.id}`)).body.version, before, 'a refused revert makes no version');
  });
});

describe('manifest, promote, rescore and compare across versions', () => {
  let srv, engine, seeded, run;
  before(async () => {
    srv = await startServer();
    // Item 0's file gets an answer that is not an output: that item fails.
    engine = await startEngineStub((n, msg) => (msg.file.name === 'invoice-0.txt' ? { body: 'not json' } : {}));
    // Items 1 and 2 carry a wrong label (vendor / total).
    seeded = await seedInvoiceSet(srv, 6, {
      wrong: (i) => (i === 1 ? ['vendor'] : i === 2 ? ['total'] : []),
      engine: { type: 'http', url: engine.url },
    });
    const created = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    run = await waitForRun(srv.api, created.body.id);
  });
  after(async () => { await srv?.stop(); await engine?.close(); });

  test('a run records its set version and manifest', async () => {
    const set = (await srv.api('GET', `/evaluation_sets/${seeded.set.id}`)).body;
    assert.equal(run.status, 'PROCESSED');
    assert.equal(run.evaluationSetVersion, set.version);
    assert.equal(run.rescoredFrom, null);
    const m = run.manifest;
    assert.equal(m.evaluationSetVersion, set.version);
    assert.equal(m.contentHash, set.contentHash);
    assert.match(m.configHash, /^[0-9a-f]{64}$/);
    assert.equal(m.scoringVersion, 1);
    assert.match(m.goldsetVersion, /^\d+\.\d+\.\d+/);
    assert.equal(m.engine, 'http');
    assert.equal(run.metrics.numFilesFailed, 1);
  });

  test('rescore with the run\'s labels reproduces the metrics without calling the engine', async () => {
    const calls = engine.requests.length;
    const r = await srv.api('POST', `/evaluation_set_runs/${run.id}/rescore`, { body: {} });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.object, 'evaluation_set_run');
    assert.equal(r.body.status, 'PROCESSED');
    assert.equal(r.body.rescoredFrom, run.id);
    assert.deepEqual(r.body.metrics, run.metrics);
    assert.deepEqual(r.body.rescore, { expected: 'run', itemsCopied: 6, itemsRescored: 5 });
    assert.equal(r.body.evaluationSetVersion, run.evaluationSetVersion);
    assert.equal(r.body.manifest.contentHash, run.manifest.contentHash);
    assert.equal(engine.requests.length, calls, 'no processor call');
    const a = await allResults(srv.api, run.id), b = await allResults(srv.api, r.body.id);
    assert.deepEqual(b.map((x) => [x.id, x.status, x.correct, x.fields]), a.map((x) => [x.id, x.status, x.correct, x.fields]));
    const listed = await srv.api('GET', '/evaluation_set_runs', { query: { evaluationSetId: seeded.set.id } });
    assert.ok(listed.body.data.some((x) => x.id === r.body.id && x.rescoredFrom === run.id));
    const cmp = await srv.api('GET', `/evaluation_set_runs/${r.body.id}/compare`, { query: { baseline: run.id } });
    assert.equal(cmp.status, 200);
    assert.equal(cmp.body.accuracy.delta, 0);
    assert.equal(cmp.body.alignment.sameSetVersion, true);
    assert.equal(cmp.body.alignment.scoringComparable, true);
  });

  test('rescore with other options changes only what they touch', async () => {
    const r = await srv.api('POST', `/evaluation_set_runs/${run.id}/rescore`, { body: { options: { excludeFields: ['vendor'] } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.metrics.accuracy > run.metrics.accuracy, 'the wrong vendor label no longer counts');
    assert.deepEqual(r.body.options.excludeFields, ['vendor']);
    assert.equal(r.body.metrics.fieldMetrics.total.accuracy, run.metrics.fieldMetrics.total.accuracy);
  });

  test('promote: refused for a failed item; per field and whole; then rescore with current labels', async () => {
    const failed = await srv.api('POST', `/evaluation_set_runs/${run.id}/results/${seeded.items[0].id}/promote`, { body: {} });
    expectError(assert, failed, 400);
    assert.match(failed.body.message, /FAILED/);
    for (const body of [{ fields: [] }, { fields: 'vendor' }, { fields: ['vendor', 'vendor'] }, { fields: [''] }, { fields: ['nope'] }]) {
      expectError(assert, await srv.api('POST', `/evaluation_set_runs/${run.id}/results/${seeded.items[1].id}/promote`, { body }), 400);
    }
    expectError(assert, await srv.api('POST', `/evaluation_set_runs/${run.id}/results/evi_nope/promote`, { body: {} }), 404);

    const p1 = await srv.api('POST', `/evaluation_set_runs/${run.id}/results/${seeded.items[1].id}/promote`, { body: { fields: ['vendor'] } });
    assert.equal(p1.status, 200, JSON.stringify(p1.body));
    assert.deepEqual(p1.body.expectedOutput, invoiceExpected(1));
    assert.equal(p1.body.sourceRunId, run.id);
    const h = await srv.api('GET', `/evaluation_sets/${seeded.set.id}/items/${seeded.items[1].id}/history`);
    assert.equal(h.body.data[0].reason, 'promote');
    assert.equal(h.body.data[0].sourceRunId, run.id);
    const p2 = await srv.api('POST', `/evaluation_set_runs/${run.id}/results/${seeded.items[2].id}/promote`);
    assert.equal(p2.status, 200, JSON.stringify(p2.body));
    assert.deepEqual(p2.body.expectedOutput, invoiceExpected(2));

    const set = (await srv.api('GET', `/evaluation_sets/${seeded.set.id}`)).body;
    const r = await srv.api('POST', `/evaluation_set_runs/${run.id}/rescore`, { body: { expected: 'current' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.evaluationSetVersion, set.version);
    assert.equal(r.body.manifest.contentHash, set.contentHash);
    assert.equal(r.body.metrics.accuracy, 1, 'every label now matches the outputs');
    const cmp = await srv.api('GET', `/evaluation_set_runs/${r.body.id}/compare`, { query: { baseline: run.id } });
    assert.equal(cmp.status, 200);
    assert.deepEqual([...cmp.body.itemsWithChangedExpected].sort(), [seeded.items[1].id, seeded.items[2].id].sort());
    assert.equal(cmp.body.alignment.sameSetVersion, false);
    assert.equal(cmp.body.alignment.numItemsCompared, 3, 'items 3..5 (item 0 failed, 1 and 2 changed)');
    assert.match(cmp.body.alignment.statisticsOn, /same expected output/);
  });

  test('compare across versions lists the items only one run has', async () => {
    const del = await srv.api('DELETE', `/evaluation_sets/${seeded.set.id}/items/${seeded.items[5].id}`);
    assert.equal(del.status, 200);
    const created = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id } });
    const next = await waitForRun(srv.api, created.body.id);
    const cmp = await srv.api('GET', `/evaluation_set_runs/${next.id}/compare`, { query: { baseline: run.id } });
    assert.equal(cmp.status, 200, JSON.stringify(cmp.body));
    assert.deepEqual(cmp.body.itemsOnlyInBaseline, [seeded.items[5].id]);
    assert.deepEqual(cmp.body.itemsOnlyInCandidate, []);
    assert.equal(cmp.body.alignment.numItemsCompared, 2);
  });

  test('rescore refuses bad input and changes nothing', async () => {
    const before = await allPages(srv.api, '/evaluation_set_runs', { evaluationSetId: seeded.set.id });
    for (const body of [{ expected: 'latest' }, { expected: 1 }, { options: { fuzzyThreshold: 2 } }, { options: { nope: 1 } }, { extra: true }]) {
      expectError(assert, await srv.api('POST', `/evaluation_set_runs/${run.id}/rescore`, { body }), 400);
    }
    expectError(assert, await srv.api('POST', '/evaluation_set_runs/bpr_nope/rescore', { body: {} }), 404);
    const after2 = await allPages(srv.api, '/evaluation_set_runs', { evaluationSetId: seeded.set.id });
    assert.equal(after2.length, before.length);
  });

  test('another workspace gets 404 on every new route and changes nothing', async () => {
    const ws = await createWorkspace(srv.dataDir, ['--name', 'Intruder']);
    const key = await createKey(srv.dataDir, ['--workspace', ws]);
    const set = seeded.set.id, item = seeded.items[3].id;
    const before = (await srv.api('GET', `/evaluation_sets/${set}`)).body;
    for (const [method, path, body] of [
      ['GET', `/evaluation_sets/${set}/versions`], ['GET', `/evaluation_sets/${set}/items/${item}/history`],
      ['POST', `/evaluation_sets/${set}/items/${item}/revert`, { revision: 1 }],
      ['POST', `/evaluation_set_runs/${run.id}/results/${item}/promote`, {}],
      ['POST', `/evaluation_set_runs/${run.id}/rescore`, {}],
      ['GET', `/evaluation_sets/${set}/suspects?runs=${run.id}`]]) {
      const r = await srv.api(method, path, { key, ...(body ? { body } : {}) });
      expectError(assert, r, 404);
    }
    const after2 = (await srv.api('GET', `/evaluation_sets/${set}`)).body;
    assert.deepEqual([after2.version, after2.contentHash], [before.version, before.contentHash]);
  });
});

describe('--max-suspect-results bounds what one ranking reads', () => {
  let srv, seeded;
  const runs = {};
  before(async () => {
    srv = await startServer({ args: ['--max-suspect-results', '12'] });
    seeded = await seedInvoiceSet(srv, 6, { wrong: (i) => (i === 1 ? ['vendor'] : []) });
    const ids = seeded.items.map((it) => it.id);
    for (const [name, subset] of [['a', null], ['b', null], ['c', ids.slice(0, 5)], ['d', ids.slice(0, 1)]]) {
      const r = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: seeded.set.id, ...(subset ? { evaluationSetItemIds: subset } : {}) } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      runs[name] = await waitForRun(srv.api, r.body.id);
    }
  });
  after(async () => srv?.stop());

  test('11 and 12 results are ranked; 13 are refused with 400 naming the limit', async () => {
    const ask = (names) => srv.api('GET', `/evaluation_sets/${seeded.set.id}/suspects`, { query: { runs: names.map((n) => runs[n].id).join(',') } });
    const below = await ask(['a', 'c']);  // 6 + 5
    assert.equal(below.status, 200, JSON.stringify(below.body));
    const at = await ask(['a', 'b']);     // 6 + 6
    assert.equal(at.status, 200, JSON.stringify(at.body));
    assert.equal(at.body.data[0].fieldPath, 'vendor');
    assert.equal(at.body.data[0].itemId, seeded.items[1].id);
    assert.equal(at.body.data[0].agreeingRuns.length, 2);
    const over = await ask(['a', 'b', 'd']);  // 6 + 6 + 1
    expectError(assert, over, 400);
    assert.match(over.body.message, /13 item results.*at most 12.*--max-suspect-results/);
  });
});
