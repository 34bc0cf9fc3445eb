// F9 (R9): derived artifacts (parsed text, page images) are cached per workspace and per
// password. A workspace that uploads an encrypted PDF without its password gets the
// "encrypted" error and no page image, even after another workspace (or the same one,
// through another upload) processed the same bytes with the password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uploadFile, createKey, createWorkspace } from './harness.mjs';
import { textPdf, encryptPdf } from './hostile_docs.mjs';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { databaseEnv } from './pg.mjs';

// The parse cache's keys for `sha` (README: keyed by workspace, content hash and password
// digest), read from the server's own database beside the running server.
function parseCacheKeys(srv, sha) {
  const sql = `SELECT cache_key FROM parse_cache WHERE cache_key LIKE 'parse:%${sha}%' ORDER BY cache_key`;
  const out = process.env.GOLDSET_DATABASE
    ? execFileSync('psql', ['-X', '-q', '-t', '-A', databaseEnv(srv.dataDir).GOLDSET_DATABASE, '-c', sql], { timeout: 30000 })
    : execFileSync('sqlite3', ['-cmd', '.timeout 10000', path.join(srv.dataDir, 'goldset.db'), sql], { timeout: 30000 });
  return out.toString().split('\n').filter(Boolean);
}

const schema = {
  type: 'object',
  properties: { code: { type: ['string', 'null'], description: 'Secret code', 'x-rules': { patterns: ['(TOPSECRET-\\d+)'] } } },
  required: ['code'],
};

async function extract(srv, fileId, key) {
  const r = await srv.api('POST', '/extract_runs', { key, body: { config: { schema }, file: { id: fileId } } });
  assert.equal(r.status, 200, r.text);
  const deadline = Date.now() + 30000;
  for (;;) {
    const g = await srv.api('GET', `/extract_runs/${r.body.id}`, { key });
    assert.equal(g.status, 200, g.text);
    if (!['PENDING', 'PROCESSING'].includes(g.body.status)) return g.body;
    assert.ok(Date.now() < deadline, `extract run still ${g.body.status}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function upload(srv, key, pdf, fields = {}) {
  const r = await uploadFile(srv, { key, name: 'secret.pdf', content: pdf, type: 'application/pdf', fields });
  assert.equal(r.status, 200, r.text);
  return r.body.id;
}

test('F9: an encrypted PDF processed with its password never leaks to an upload without it', { timeout: 120000 }, async (t) => {
  const srv = await startServer({ t });
  const keyA = srv.key;
  const wsB = await createWorkspace(srv.dataDir);
  const keyB = await createKey(srv.dataDir, ['--workspace', wsB]);
  const locked = encryptPdf(textPdf('TOPSECRET-42'), 's3cret');

  // Workspace A processes the document with the password: text and page image.
  const fileA = await upload(srv, keyA, locked, { password: 's3cret' });
  const runA = await extract(srv, fileA, keyA);
  assert.equal(runA.status, 'PROCESSED', JSON.stringify(runA));
  assert.equal(runA.output.value.code, 'TOPSECRET-42');
  const pageA = await srv.api('GET', `/files/${fileA}/pages/1.png`, { key: keyA });
  assert.equal(pageA.status, 200);
  assert.equal(pageA.headers['content-type'], 'image/png');

  for (const [who, key] of [['workspace B', keyB], ['workspace A, second upload', keyA]]) {
    await t.test(`${who} without the password: encrypted error, no page image`, async () => {
      const file = await upload(srv, key, locked);
      const run = await extract(srv, file, key);
      assert.equal(run.status, 'FAILED', `${who} got ${JSON.stringify(run.output)}`);
      assert.match(run.failureMessage, /PDF is encrypted and the password is missing or wrong/);
      assert.ok(!JSON.stringify(run).includes('TOPSECRET-42'), 'no decrypted text anywhere in the run');
      const page = await srv.api('GET', `/files/${file}/pages/1.png`, { key });
      assert.equal(page.status, 404, page.text);
      assert.equal(page.body.code, 'NOT_FOUND');
      assert.match(page.body.message, /encrypted/);
    });
  }

  await t.test('workspace B with a wrong password: same refusal', async () => {
    const file = await upload(srv, keyB, locked, { password: 'guess' });
    assert.equal((await extract(srv, file, keyB)).status, 'FAILED');
    assert.equal((await srv.api('GET', `/files/${file}/pages/1.png`, { key: keyB })).status, 404);
  });

  await t.test('workspace B with the right password produces its own artifacts', async () => {
    const file = await upload(srv, keyB, locked, { password: 's3cret' });
    const run = await extract(srv, file, keyB);
    assert.equal(run.output.value.code, 'TOPSECRET-42');
    assert.equal((await srv.api('GET', `/files/${file}/pages/1.png`, { key: keyB })).status, 200);
    // B's parse was its own, not A's cached one: one parse entry per workspace.
    const keys = parseCacheKeys(srv, crypto.createHash('sha256').update(locked).digest('hex'));
    assert.equal(keys.length, 2, keys.join('\n'));
    assert.equal(keys.filter((k) => k.startsWith(`parse:v2:${wsB}:`)).length, 1, keys.join('\n'));
  });

  assert.deepEqual(srv.serverErrors(), []);
});
