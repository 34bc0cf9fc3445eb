// GET /openapi.json: one OpenAPI 3.1 document for every route, kept true by tests — this
// file checks that the router's routes and the document's paths are the same set and
// that the committed document is what scripts/openapi/build.mjs makes; the harness
// validates every JSON response of the suites against it (openapi_check.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, runCli, REPO_ROOT } from './harness.mjs';
import { OPENAPI, checkResponse } from './openapi_check.mjs';

test('GET /openapi.json needs no key and is the committed OpenAPI 3.1 document', async (t) => {
  const srv = await startServer({ t });
  const res = await fetch(`${srv.url}/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const doc = await res.json();
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc, OPENAPI);
  assert.ok(doc.components.schemas.Error.required.includes('retryable'));
});

test('every router route is in the document and every documented path is a route', async () => {
  const out = await runCli(['routes']);
  assert.equal(out.code, 0, out.stderr);
  const routes = new Set(out.stdout.trim().split('\n'));
  const documented = new Set();
  for (const [p, ops] of Object.entries(OPENAPI.paths))
    for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${p}`);
  documented.delete('GET /openapi.json');  // a static asset, not a router route
  const missing = [...routes].filter((r) => !documented.has(r));
  const extra = [...documented].filter((r) => !routes.has(r));
  assert.deepEqual(missing, [], 'routes missing from web/openapi.json (scripts/openapi/build.mjs)');
  assert.deepEqual(extra, [], 'documented paths the router does not know');
  for (const [p, ops] of Object.entries(OPENAPI.paths))
    for (const op of Object.values(ops)) {
      assert.ok(op.responses['200'] && op.responses.default, `${p}: 200 and the error body`);
      assert.equal(op.responses.default.content['application/json'].schema.$ref, '#/components/schemas/Error');
    }
});

test('the committed document is what scripts/openapi/build.mjs makes', async () => {
  const code = await new Promise((resolve) => execFile(process.execPath, [`${REPO_ROOT}/scripts/openapi/build.mjs`, '--check'],
    (err) => resolve(err ? err.code : 0)));
  assert.equal(code, 0, 'run node scripts/openapi/build.mjs');
});

test('the response check rejects what does not fit (so the suites\' validation can fail)', () => {
  assert.throws(() => checkResponse('GET', '/files/file_1', 200, { object: 'file', id: 'file_1' }), /does not match/);
  assert.throws(() => checkResponse('GET', '/files/file_1', 404, { code: 'NOT_FOUND' }), /retryable/);
  checkResponse('GET', '/files/file_1', 404, { code: 'NOT_FOUND', message: 'x', retryable: false });
  assert.throws(() => checkResponse('POST', '/extract_runs/batch', 200, { object: 'extract_run' }), /batch_run|runCount/);
});
