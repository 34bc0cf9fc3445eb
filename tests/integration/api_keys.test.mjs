// Key management (extension): GET/POST /api_keys, GET/DELETE /api_keys/{id}. Only admin
// keys may use them (403 otherwise); they act on the caller's workspace (another
// workspace's key is 404); last use is recorded at most once a minute per key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createKey, createWorkspace, expectError, sleep } from './harness.mjs';

test('API key management', { timeout: 120000 }, async (t) => {
  // --auth-cache-ms 0: a revoked key fails on its next request.
  const srv = await startServer({ t, args: ['--auth-cache-ms', '0'] });
  const plain = srv.key;  // `keys create` without --admin
  srv.key = await createKey(srv.dataDir, ['--name', 'admin key', '--admin']);

  await t.test('an admin key lists the workspace keys, itself marked current', async () => {
    const r = await srv.api('GET', '/api_keys');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.object, 'list');
    const names = r.body.data.map((k) => k.name).sort();
    assert.deepEqual(names, ['admin key', 'api key']);
    const me = r.body.data.find((k) => k.name === 'admin key');
    assert.equal(me.object, 'api_key');
    assert.equal(me.admin, true);
    assert.equal(me.current, true);
    assert.match(me.id, /^key_/);
    assert.match(me.createdAt, /^\d{4}-\d\d-\d\dT/);
    assert.equal(me.revokedAt, null);
    assert.equal(me.createdBy, null, 'created by the CLI');
    // The admin key made this very request: its use is recorded before the list is read.
    assert.match(me.lastUsedAt, /^\d{4}-\d\d-\d\dT/);
    const other = r.body.data.find((k) => k.name === 'api key');
    assert.equal(other.admin, false);
    assert.equal(other.current, false);
    assert.equal(other.lastUsedAt, null, 'never used');
    for (const k of r.body.data) assert.equal(k.key, undefined, 'plaintexts are never listed');
  });

  await t.test('a non-admin key gets 403 on every key route', async () => {
    const list = await srv.api('GET', '/api_keys');
    const someId = list.body.data[0].id;
    for (const [method, path, body] of [['GET', '/api_keys'], ['POST', '/api_keys', { name: 'x' }], ['GET', `/api_keys/${someId}`],
      ['DELETE', `/api_keys/${someId}`]]) {
      const r = await srv.api(method, path, { key: plain, body });
      expectError(assert, r, 403, 'FORBIDDEN');
      assert.match(r.body.message, /admin/);
    }
    // Nothing was revoked or created by those calls.
    const after = await srv.api('GET', '/api_keys');
    assert.equal(after.body.data.length, 2);
    assert.ok(after.body.data.every((k) => k.revokedAt === null));
  });

  let created;
  await t.test('create: the key is shown once, works at once, and names its creator', async () => {
    const r = await srv.api('POST', '/api_keys', { body: { name: '  CI runner  ' } });
    assert.equal(r.status, 200, r.text);
    created = r.body;
    assert.match(created.key, /^sk_\S{20,}$/);
    assert.equal(created.name, 'CI runner');
    assert.equal(created.admin, false);
    assert.deepEqual(created.createdBy, { type: 'api_key', name: 'admin key' });
    assert.equal(created.current, false);
    const use = await srv.api('GET', '/files', { key: created.key });
    assert.equal(use.status, 200, use.text);
    const got = await srv.api('GET', `/api_keys/${created.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.key, undefined, 'never shown again');
    assert.equal(got.body.name, 'CI runner');
    const adminKey = await srv.api('POST', '/api_keys', { body: { name: 'second admin', admin: true } });
    assert.equal(adminKey.status, 200, adminKey.text);
    assert.equal((await srv.api('GET', '/api_keys', { key: adminKey.body.key })).status, 200, 'an admin key made here is an admin');
  });

  await t.test('last use: recorded at the first use, not rewritten within the minute', async () => {
    const first = (await srv.api('GET', '/api_keys')).body.data.find((k) => k.id === created.id);
    assert.match(first.lastUsedAt ?? '', /^\d{4}-/, 'the first use is recorded');
    await sleep(1100);  // RFC 3339 times have second precision
    for (let i = 0; i < 5; i++) assert.equal((await srv.api('GET', '/files', { key: created.key })).status, 200);
    const again = (await srv.api('GET', '/api_keys')).body.data.find((k) => k.id === created.id);
    assert.equal(again.lastUsedAt, first.lastUsedAt, 'uses within the minute write nothing');
  });

  await t.test('bad input -> 400 with the path, nothing created', async () => {
    const before = (await srv.api('GET', '/api_keys', { query: { maxPageSize: 100 } })).body.data.length;
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 42 }, { name: 'ok', admin: 'yes' }, { name: 'a\u0007b' },
      { name: 'x'.repeat(201) }]) {
      const r = await srv.api('POST', '/api_keys', { body });
      const e = expectError(assert, r, 400, 'INVALID_REQUEST');
      assert.match(e.message, /Path: (name|admin)$/, JSON.stringify(body));
    }
    expectError(assert, await srv.api('POST', '/api_keys', { body: '{not json', headers: { 'content-type': 'application/json' } }), 400);
    // The name limit: 200 bytes is accepted.
    const r = await srv.api('POST', '/api_keys', { body: { name: 'y'.repeat(200) } });
    assert.equal(r.status, 200, r.text);
    const after = (await srv.api('GET', '/api_keys', { query: { maxPageSize: 100 } })).body.data.length;
    assert.equal(after, before + 1);
    expectError(assert, await srv.api('GET', '/api_keys', { query: { maxPageSize: 0 } }), 400);
    expectError(assert, await srv.api('GET', '/api_keys', { query: { sortBy: 'createdAt' } }), 400);
  });

  await t.test('lists page by creation time', async () => {
    const seen = [];
    let token;
    do {
      const r = await srv.api('GET', '/api_keys', { query: { maxPageSize: 2, sortDir: 'asc', nextPageToken: token } });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.data.length <= 2);
      seen.push(...r.body.data);
      token = r.body.nextPageToken;
    } while (token);
    assert.equal(new Set(seen.map((k) => k.id)).size, seen.length);
    const all = (await srv.api('GET', '/api_keys', { query: { maxPageSize: 100, sortDir: 'asc' } })).body.data;
    assert.deepEqual(seen.map((k) => k.id), all.map((k) => k.id));
  });

  await t.test('another workspace: its admin key sees none of these keys; their ids are 404', async () => {
    const wsB = await createWorkspace(srv.dataDir, ['--name', 'B']);
    const adminB = await createKey(srv.dataDir, ['--workspace', wsB, '--name', 'admin B', '--admin']);
    const listB = await srv.api('GET', '/api_keys', { key: adminB });
    assert.equal(listB.status, 200, listB.text);
    assert.deepEqual(listB.body.data.map((k) => k.name), ['admin B']);
    expectError(assert, await srv.api('GET', `/api_keys/${created.id}`, { key: adminB }), 404, 'NOT_FOUND');
    expectError(assert, await srv.api('DELETE', `/api_keys/${created.id}`, { key: adminB }), 404, 'NOT_FOUND');
    assert.equal((await srv.api('GET', '/files', { key: created.key })).status, 200, 'still works');
    // An organization admin key acts on the workspace it names; organization keys are not listed.
    const org = await createKey(srv.dataDir, ['--org', '--admin', '--name', 'org admin']);
    const viaOrg = await srv.api('GET', '/api_keys', { key: org, headers: { 'x-extend-workspace-id': wsB } });
    assert.equal(viaOrg.status, 200, viaOrg.text);
    assert.deepEqual(viaOrg.body.data.map((k) => k.name), ['admin B']);
    const orgNoAdmin = await createKey(srv.dataDir, ['--org', '--name', 'org plain']);
    expectError(assert, await srv.api('GET', '/api_keys', { key: orgNoAdmin, headers: { 'x-extend-workspace-id': wsB } }), 403, 'FORBIDDEN');
  });

  await t.test('revoke: the key stops working; revoking again changes nothing', async () => {
    const r = await srv.api('DELETE', `/api_keys/${created.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, created.id);
    assert.match(r.body.revokedAt, /^\d{4}-/);
    expectError(assert, await srv.api('GET', '/files', { key: created.key }), 401, 'UNAUTHORIZED');
    const again = await srv.api('DELETE', `/api_keys/${created.id}`);
    assert.equal(again.status, 200);
    assert.equal(again.body.revokedAt, r.body.revokedAt);
    expectError(assert, await srv.api('DELETE', '/api_keys/key_doesNotExist'), 404, 'NOT_FOUND');
    const listed = (await srv.api('GET', '/api_keys', { query: { maxPageSize: 100 } })).body.data.find((k) => k.id === created.id);
    assert.equal(listed.revokedAt, r.body.revokedAt, 'revoked keys stay listed, marked');
  });

  await t.test('last use survives a restart (written when the server stops)', async () => {
    const k = await createKey(srv.dataDir, ['--name', 'used before stop']);
    assert.equal((await srv.api('GET', '/files', { key: k })).status, 200);
    await srv.restart();
    const row = (await srv.api('GET', '/api_keys', { query: { maxPageSize: 100 } })).body.data.find((x) => x.name === 'used before stop');
    assert.match(row.lastUsedAt ?? '', /^\d{4}-/);
  });

  assert.deepEqual(srv.serverErrors(), []);
});

test('the first key of a fresh data dir is an admin key', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t, firstStart: true });
  assert.match(srv.key ?? '', /^sk_/, 'the first start printed a key');
  const r = await srv.api('GET', '/api_keys');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.data.map((k) => [k.name, k.admin, k.current]), [['default', true, true]]);
  // `keys create` without --admin makes a key that may not manage keys.
  const plain = await createKey(srv.dataDir, ['--name', 'plain']);
  expectError(assert, await srv.api('POST', '/api_keys', { key: plain, body: { name: 'x' } }), 403, 'FORBIDDEN');
  assert.deepEqual(srv.serverErrors(), []);
});
