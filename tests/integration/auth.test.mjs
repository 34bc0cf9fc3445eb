// Authentication, workspaces, the API version header and the error body shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, uploadFile, request, createKey, createWorkspace, listKeys, runCli, expectError, API_VERSION,
} from './harness.mjs';

test('auth, workspace scoping, version header, error bodies', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const up = await uploadFile(srv, { name: 'mine.txt' });
  assert.equal(up.status, 200, up.text);
  const fileId = up.body.id;

  await t.test('a valid key reads its file; every response has x-extend-request-id', async () => {
    const r = await srv.api('GET', `/files/${fileId}`);
    assert.equal(r.status, 200);
    assert.match(r.headers['x-extend-request-id'], /^req_/);
  });

  await t.test('missing Authorization -> 401', async () => {
    const r = await srv.api('GET', `/files/${fileId}`, { key: null });
    expectError(assert, r, 401, 'UNAUTHORIZED');
  });

  for (const [label, value] of [
    ['Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer without key', 'Bearer '],
    ['key without scheme', srv.key],
    ['unknown key', 'Bearer sk_notARealKey000000000000000'],
    ['key with a suffix', `Bearer ${srv.key}x`],
    ['very long key', `Bearer ${'k'.repeat(4000)}`],
  ]) {
    await t.test(`malformed/invalid Authorization (${label}) -> 401`, async () => {
      const r = await srv.api('GET', `/files/${fileId}`, { key: null, headers: { authorization: value } });
      expectError(assert, r, 401, 'UNAUTHORIZED');
    });
  }

  await t.test('header names are case-insensitive', async () => {
    const r = await request(srv.url, 'GET', `/files/${fileId}`, {
      version: null, headers: { AUTHORIZATION: `Bearer ${srv.key}`, 'X-Extend-Api-Version': API_VERSION },
    });
    assert.equal(r.status, 200, r.text);
  });

  // A node trusts a key it has checked for --auth-cache-ms (default 1000): revocation by
  // another process takes effect within that time.
  await t.test('revoked key -> 401 within the key cache TTL (revoked while the server runs)', async () => {
    const key = await createKey(srv.dataDir, ['--name', 'to-revoke']);
    assert.equal((await srv.api('GET', `/files/${fileId}`, { key })).status, 200);
    const row = (await listKeys(srv.dataDir)).find((k) => k.name === 'to-revoke');
    assert.ok(row, 'keys list shows the new key');
    const rv = await runCli(['keys', 'revoke', row.id, '--data-dir', srv.dataDir]);
    assert.equal(rv.code, 0, rv.stderr);
    const revokedAt = Date.now();
    let r;
    do {
      r = await srv.api('GET', `/files/${fileId}`, { key });
      if (r.status !== 200) break;
      await new Promise((res) => setTimeout(res, 50));
    } while (Date.now() - revokedAt < 3000);
    expectError(assert, r, 401, 'UNAUTHORIZED');
    assert.ok(Date.now() - revokedAt <= 1500, `revocation took ${Date.now() - revokedAt} ms (cache TTL 1000 ms)`);
    assert.ok((await listKeys(srv.dataDir)).find((k) => k.id === row.id).revoked);
  });

  await t.test('--auth-cache-ms 0: a revoked key fails on the very next request', async () => {
    const strict = await startServer({ t, dataDir: srv.dataDir, key: srv.key, args: ['--auth-cache-ms', '0'] });
    const key = await createKey(srv.dataDir, ['--name', 'to-revoke-now']);
    assert.equal((await strict.api('GET', `/files/${fileId}`, { key })).status, 200);
    const row = (await listKeys(srv.dataDir)).find((k) => k.name === 'to-revoke-now');
    const rv = await runCli(['keys', 'revoke', row.id, '--data-dir', srv.dataDir]);
    assert.equal(rv.code, 0, rv.stderr);
    expectError(assert, await strict.api('GET', `/files/${fileId}`, { key }), 401, 'UNAUTHORIZED');
    await strict.stop();
  });

  const ws2 = await createWorkspace(srv.dataDir, ['--name', 'Second']);
  const orgKey = await createKey(srv.dataDir, ['--org', '--name', 'org']);
  const otherOrgWs = await createWorkspace(srv.dataDir, ['--name', 'Elsewhere', '--new-organization']);

  await t.test('organization key without x-extend-workspace-id -> 400', async () => {
    const r = await srv.api('GET', '/files', { key: orgKey });
    expectError(assert, r, 400, 'INVALID_REQUEST');
  });

  let ws2FileId;
  await t.test('organization key with x-extend-workspace-id works in that workspace', async () => {
    const u = await uploadFile(srv, { key: orgKey, headers: { 'x-extend-workspace-id': ws2 }, name: 'ws2.txt' });
    assert.equal(u.status, 200, u.text);
    ws2FileId = u.body.id;
    const l = await srv.api('GET', '/files', { key: orgKey, headers: { 'x-extend-workspace-id': ws2 } });
    assert.equal(l.status, 200);
    assert.deepEqual(l.body.data.map((f) => f.id), [ws2FileId]);
  });

  await t.test('organization key naming a workspace of another organization -> 403', async () => {
    const r = await srv.api('GET', '/files', { key: orgKey, headers: { 'x-extend-workspace-id': otherOrgWs } });
    expectError(assert, r, 403, 'FORBIDDEN');
    const r2 = await srv.api('GET', '/files', { key: orgKey, headers: { 'x-extend-workspace-id': 'ws_doesNotExist' } });
    expectError(assert, r2, 403, 'FORBIDDEN');
  });

  await t.test('workspace key naming another workspace -> 403; naming its own -> 200', async () => {
    const r = await srv.api('GET', '/files', { headers: { 'x-extend-workspace-id': ws2 } });
    expectError(assert, r, 403, 'FORBIDDEN');
    const own = (await runCli(['workspaces', 'list', '--data-dir', srv.dataDir])).stdout.split(' ')[0];
    assert.match(own, /^ws_/);
    const ok = await srv.api('GET', `/files/${fileId}`, { headers: { 'x-extend-workspace-id': own } });
    assert.equal(ok.status, 200, ok.text);
  });

  await t.test("another workspace's file id -> 404 for get, delete and list", async () => {
    expectError(assert, await srv.api('GET', `/files/${ws2FileId}`), 404, 'NOT_FOUND');
    expectError(assert, await srv.api('DELETE', `/files/${ws2FileId}`), 404, 'NOT_FOUND');
    const l = await srv.api('GET', '/files', { query: { maxPageSize: 1000 } });
    assert.ok(!l.body.data.some((f) => f.id === ws2FileId));
    // Still there for its owner.
    const g = await srv.api('GET', `/files/${ws2FileId}`, { key: orgKey, headers: { 'x-extend-workspace-id': ws2 } });
    assert.equal(g.status, 200);
  });

  await t.test('x-extend-api-version missing -> 400', async () => {
    const r = await srv.api('GET', `/files/${fileId}`, { version: null });
    const b = expectError(assert, r, 400, 'INVALID_REQUEST');
    assert.match(b.message, /x-extend-api-version/);
  });

  for (const v of ['2099-01-01', '2025-04-21', 'latest', '2026-02-09 ', '2026-2-9']) {
    await t.test(`x-extend-api-version '${v}' -> 400`, async () => {
      const r = await srv.api('GET', `/files/${fileId}`, { version: v });
      // fetch trims header values; a trailing space arrives as the valid version.
      if (v.trim() === API_VERSION) assert.equal(r.status, 200);
      else expectError(assert, r, 400, 'INVALID_REQUEST');
    });
  }

  await t.test('health endpoints need neither key nor version', async () => {
    for (const p of ['/healthz', '/readyz']) {
      const r = await request(srv.url, 'GET', p, { version: null });
      assert.equal(r.status, 200, `${p}: ${r.text}`);
      assert.match(r.headers['x-extend-request-id'], /^req_/);
    }
  });

  await t.test('unknown route -> 404 JSON; wrong method -> 405 JSON', async () => {
    expectError(assert, await srv.api('GET', '/nope'), 404, 'NOT_FOUND');
    expectError(assert, await srv.api('PUT', `/files/${fileId}`), 405);
  });

  await t.test('request ids are unique', async () => {
    const ids = new Set();
    for (let i = 0; i < 20; i++) ids.add((await srv.api('GET', '/nope')).headers['x-extend-request-id']);
    assert.equal(ids.size, 20);
  });

  await t.test('the access log has one JSON line per request with the fields of the issue', async () => {
    const lines = srv.accessLog();
    assert.ok(lines.length >= 20);
    const l = lines.find((x) => x.path === `/files/${fileId}` && x.status === 200);
    assert.ok(l, 'a GET /files/{id} line');
    for (const k of ['method', 'path', 'status', 'bytes', 'durationMs', 'requestId', 'workspace']) assert.ok(k in l, k);
    assert.deepEqual(srv.serverErrors(), []);
  });
});
