// Extractors, classifiers, splitters and their versions over HTTP: every route, every
// config validation error (status + path), version numbering and resolution,
// immutability of published versions, cross-workspace and cross-kind 404, delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createKey, createWorkspace, expectError } from './harness.mjs';

const KINDS = [
  {
    kind: 'extractor', path: '/extractors', id: /^ex_[A-Za-z0-9_-]{22}$/, vid: /^exv_[A-Za-z0-9_-]{22}$/,
    owner: 'extractorId', clone: 'cloneExtractorId',
    defaultConfig: { schema: { type: 'object', properties: {} } },
    config: { schema: { type: 'object', properties: { total: { type: ['number', 'null'] } } }, extractionRules: 'be exact' },
    config2: { schema: { type: 'object', properties: { vendor: { type: ['string', 'null'], description: 'Vendor' } } } },
  },
  {
    kind: 'classifier', path: '/classifiers', id: /^cl_[A-Za-z0-9_-]{22}$/, vid: /^clv_[A-Za-z0-9_-]{22}$/,
    owner: 'classifierId', clone: 'cloneClassifierId',
    defaultConfig: { classifications: [] },
    config: { classifications: [{ id: 'invoice', type: 'Invoice', description: 'An invoice' }, { id: 'other', type: 'other', description: '' }] },
    config2: { classifications: [{ id: 'receipt', type: 'Receipt', description: 'A receipt' }] },
  },
  {
    kind: 'splitter', path: '/splitters', id: /^spl_[A-Za-z0-9_-]{22}$/, vid: /^splv_[A-Za-z0-9_-]{22}$/,
    owner: 'splitterId', clone: 'cloneSplitterId',
    defaultConfig: { splitClassifications: [] },
    config: { splitClassifications: [{ id: 'invoice', type: 'Invoice', description: 'An invoice', identifierKey: 'invoice number' }] },
    config2: { splitClassifications: [{ id: 'po', type: 'PurchaseOrder', description: 'A PO' }] },
  },
];

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function checkVersion(v, k, { withConfig }) {
  assert.equal(v.object, `${k.kind}_version`);
  assert.match(v.id, k.vid);
  assert.equal(typeof v[k.owner], 'string');
  assert.equal(typeof v.version, 'string');
  assert.ok(v.description === null || typeof v.description === 'string');
  assert.match(v.createdAt, RFC3339);
  assert.deepEqual(v.createdBy, { type: 'api_key', name: v.createdBy.name });
  assert.equal(typeof v.createdBy.name, 'string');
  if (withConfig) assert.equal(typeof v.config, 'object');
  else assert.ok(!('config' in v), 'version summaries carry no config');
}

function checkProcessor(p, k) {
  assert.equal(p.object, k.kind);
  assert.match(p.id, k.id);
  assert.equal(typeof p.name, 'string');
  assert.match(p.createdAt, RFC3339);
  assert.match(p.updatedAt, RFC3339);
  checkVersion(p.draftVersion, k, { withConfig: true });
  assert.equal(p.draftVersion.version, 'draft');
  assert.equal(p.draftVersion[k.owner], p.id);
}

for (const k of KINDS) {
  test(`${k.kind}s: routes, shapes, versions, resolution, immutability, delete`, { timeout: 90000 }, async (t) => {
    const srv = await startServer({ t });
    const api = srv.api;

    let created;
    await t.test('create with a default config', async () => {
      const r = await api('POST', k.path, { body: { name: 'First' } });
      assert.equal(r.status, 200, r.text);
      checkProcessor(r.body, k);
      assert.equal(r.body.name, 'First');
      assert.deepEqual(r.body.draftVersion.config, k.defaultConfig);
      assert.equal(r.body.draftVersion.description, null);
      assert.equal(r.headers['x-goldset-warnings'], undefined);
      created = r.body;
    });

    await t.test('create with a config keeps it as given', async () => {
      const r = await api('POST', k.path, { body: { name: 'Second', config: k.config } });
      assert.equal(r.status, 200, r.text);
      checkProcessor(r.body, k);
      assert.deepEqual(r.body.draftVersion.config, k.config);
      assert.notEqual(r.body.draftVersion.id, created.draftVersion.id);
    });

    await t.test('retrieve returns the same object', async () => {
      const r = await api('GET', `${k.path}/${created.id}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, created);
    });

    await t.test('clone copies the draft config', async () => {
      const src = await api('POST', k.path, { body: { name: 'Source', config: k.config2 } });
      const r = await api('POST', k.path, { body: { name: 'Clone', [k.clone]: src.body.id } });
      assert.equal(r.status, 200, r.text);
      assert.notEqual(r.body.id, src.body.id);
      assert.deepEqual(r.body.draftVersion.config, k.config2);
      expectError(assert, await api('POST', k.path, { body: { name: 'X', [k.clone]: `${src.body.id}zz` } }), 404, 'NOT_FOUND');
      expectError(assert, await api('POST', k.path, { body: { name: 'X', [k.clone]: 42 } }), 400, 'INVALID_REQUEST');
      const e = expectError(assert, await api('POST', k.path, { body: { name: 'X', [k.clone]: src.body.id, config: k.config } }), 400, 'INVALID_REQUEST');
      assert.match(e.message, /At most one of/);
    });

    await t.test('create: bad bodies are 400', async () => {
      for (const body of [{}, { name: '' }, { name: '   ' }, { name: 7 }, { name: null }, { name: 'x'.repeat(256) },
        { name: 'ok', config: [] }, { name: 'ok', config: 'x' }]) {
        expectError(assert, await api('POST', k.path, { body }), 400, 'INVALID_REQUEST');
      }
      expectError(assert, await api('POST', k.path, { body: '{"name":', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
      expectError(assert, await api('POST', k.path, { body: '[1]', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
      expectError(assert, await api('POST', k.path), 400, 'INVALID_REQUEST');
    });

    await t.test('update: name and/or draft config; null and omitted leave fields alone', async () => {
      const before = (await api('GET', `${k.path}/${created.id}`)).body;
      await new Promise((r) => setTimeout(r, 5));
      let r = await api('POST', `${k.path}/${created.id}`, { body: { name: 'Renamed' } });
      assert.equal(r.status, 200, r.text);
      checkProcessor(r.body, k);
      assert.equal(r.body.name, 'Renamed');
      assert.deepEqual(r.body.draftVersion.config, k.defaultConfig);
      assert.ok(r.body.updatedAt > before.updatedAt, 'updatedAt moves forward');
      assert.equal(r.body.createdAt, before.createdAt);
      r = await api('POST', `${k.path}/${created.id}`, { body: { config: k.config, name: null } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.name, 'Renamed');
      assert.deepEqual(r.body.draftVersion.config, k.config);
      assert.equal(r.body.draftVersion.id, created.draftVersion.id, 'the draft keeps its version id');
      r = await api('POST', `${k.path}/${created.id}`, { body: {} });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.name, 'Renamed');
      assert.deepEqual(r.body.draftVersion.config, k.config);
      for (const body of [{ name: '' }, { name: 5 }, { config: 3 }]) {
        expectError(assert, await api('POST', `${k.path}/${created.id}`, { body }), 400, 'INVALID_REQUEST');
      }
      expectError(assert, await api('POST', `${k.path}/${created.id}x`, { body: { name: 'n' } }), 404, 'NOT_FOUND');
    });

    await t.test('unknown top-level config keys are kept and listed in x-goldset-warnings', async () => {
      const config = { ...k.config, futureOption: { a: 1 }, 'wé"ird': true };
      let r = await api('POST', k.path, { body: { name: 'Warn', config } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.draftVersion.config, config);
      const w = r.headers['x-goldset-warnings'];
      assert.match(w, /unknown config key "futureOption" kept as given/);
      assert.match(w, /unknown config key "w\\u00e9\\"ird" kept as given/);
      r = await api('POST', `${k.path}/${r.body.id}`, { body: { config: { ...k.config, other: 1 } } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers['x-goldset-warnings'], 'unknown config key "other" kept as given');
      const v = await api('POST', `${k.path}/${r.body.id}/versions`, { body: { releaseType: 'major', config: { ...k.config, third: 3 } } });
      assert.equal(v.status, 200, v.text);
      assert.equal(v.headers['x-goldset-warnings'], 'unknown config key "third" kept as given');
      assert.equal(v.body.config.third, 3);
      r = await api('POST', `${k.path}/${r.body.id}`, { body: { name: 'no config, no warning' } });
      assert.equal(r.headers['x-goldset-warnings'], undefined);
      // Many keys, and keys with control characters, still give one safe header line.
      const many = { ...k.config };
      for (let i = 0; i < 11; i++) many[`k${i}`] = i;
      many['line\nbreak'] = 1;
      r = await api('POST', k.path, { body: { name: 'Many', config: many } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.draftVersion.config, many);
      const header = r.headers['x-goldset-warnings'];
      assert.equal(header.split('; ').length, 11);
      assert.match(header, /^unknown config key "k0" kept as given; /);
      assert.match(header, /; and 2 more unknown config keys$/);
      r = await api('POST', k.path, { body: { name: 'Ctl', config: { ...k.config, 'line\r\nX-Injected: 1': 1 } } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers['x-injected'], undefined);
      assert.equal(r.headers['x-goldset-warnings'], 'unknown config key "line\\u000d\\u000aX-Injected: 1" kept as given');
    });

    await t.test('version numbering: first minor 0.1, then 1.0, 1.1, 2.0; list draft first, newest first', async () => {
      const p = (await api('POST', k.path, { body: { name: 'Versioned', config: k.config } })).body;
      const pub = async (releaseType, extra = {}) => {
        const r = await api('POST', `${k.path}/${p.id}/versions`, { body: { releaseType, ...extra } });
        assert.equal(r.status, 200, r.text);
        checkVersion(r.body, k, { withConfig: true });
        assert.equal(r.body[k.owner], p.id);
        return r.body;
      };
      const v01 = await pub('minor');
      assert.equal(v01.version, '0.1');
      assert.equal(v01.description, null);
      const v10 = await pub('major', { description: 'first major' });
      assert.equal(v10.version, '1.0');
      assert.equal(v10.description, 'first major');
      const v11 = await pub('minor', { description: null });
      assert.equal(v11.version, '1.1');
      const v20 = await pub('major');
      assert.equal(v20.version, '2.0');
      const v21 = await pub('minor');
      assert.equal(v21.version, '2.1');
      for (const v of [v01, v10, v11, v20, v21]) assert.deepEqual(v.config, k.config);
      assert.equal(new Set([v01.id, v10.id, v11.id, v20.id, v21.id, p.draftVersion.id]).size, 6);

      let r = await api('GET', `${k.path}/${p.id}/versions`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.object, 'list');
      assert.equal(r.body.nextPageToken, null);
      assert.deepEqual(r.body.data.map((v) => v.version), ['draft', '2.1', '2.0', '1.1', '1.0', '0.1']);
      assert.equal(r.body.data[0].id, p.draftVersion.id);
      for (const v of r.body.data) checkVersion(v, k, { withConfig: false });

      r = await api('GET', `${k.path}/${p.id}/versions`, { query: { sortDir: 'asc' } });
      assert.deepEqual(r.body.data.map((v) => v.version), ['0.1', '1.0', '1.1', '2.0', '2.1', 'draft']);

      for (const sortDir of ['desc', 'asc']) {
        const seen = [];
        let token;
        let pages = 0;
        do {
          r = await api('GET', `${k.path}/${p.id}/versions`, { query: { sortDir, maxPageSize: 2, nextPageToken: token } });
          assert.equal(r.status, 200, r.text);
          assert.ok(r.body.data.length <= 2);
          seen.push(...r.body.data.map((v) => v.version));
          token = r.body.nextPageToken;
          pages++;
        } while (token && pages < 10);
        const want = ['draft', '2.1', '2.0', '1.1', '1.0', '0.1'];
        assert.deepEqual(seen, sortDir === 'desc' ? want : [...want].reverse());
        assert.equal(pages, 3);
      }
      expectError(assert, await api('GET', `${k.path}/${p.id}/versions`, { query: { sortBy: 'createdAt' } }), 400, 'INVALID_REQUEST');
      expectError(assert, await api('GET', `${k.path}/${p.id}/versions`, { query: { maxPageSize: 0 } }), 400, 'INVALID_REQUEST');
      expectError(assert, await api('GET', `${k.path}/${p.id}/versions`, { query: { nextPageToken: 'garbage' } }), 400, 'INVALID_REQUEST');

      // Concurrent publishes each get their own number.
      const c = (await api('POST', k.path, { body: { name: 'Concurrent' } })).body;
      const results = await Promise.all(Array.from({ length: 6 }, () =>
        api('POST', `${k.path}/${c.id}/versions`, { body: { releaseType: 'minor' } })));
      for (const res of results) assert.equal(res.status, 200, res.text);
      assert.deepEqual(results.map((res) => res.body.version).sort(), ['0.1', '0.2', '0.3', '0.4', '0.5', '0.6']);

      // A processor whose first release is major starts at 1.0.
      const q = (await api('POST', k.path, { body: { name: 'Major first' } })).body;
      r = await api('POST', `${k.path}/${q.id}/versions`, { body: { releaseType: 'major' } });
      assert.equal(r.body.version, '1.0');
      r = await api('POST', `${k.path}/${q.id}/versions`, { body: { releaseType: 'minor' } });
      assert.equal(r.body.version, '1.1');
    });

    await t.test('version resolution: draft, latest, numbers, ids', async () => {
      const p = (await api('POST', k.path, { body: { name: 'Resolve', config: k.config } })).body;
      const get = (ref) => api('GET', `${k.path}/${p.id}/versions/${encodeURIComponent(ref)}`);
      let r = await get('latest');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.version, 'draft', 'latest is the draft before any publish');
      assert.equal(r.body.id, p.draftVersion.id);
      checkVersion(r.body, k, { withConfig: true });
      const v10 = (await api('POST', `${k.path}/${p.id}/versions`, { body: { releaseType: 'major' } })).body;
      const v11 = (await api('POST', `${k.path}/${p.id}/versions`, { body: { releaseType: 'minor', config: k.config2 } })).body;
      r = await get('latest');
      assert.equal(r.body.id, v11.id);
      assert.deepEqual(r.body.config, k.config2);
      r = await get('draft');
      assert.equal(r.body.id, p.draftVersion.id);
      assert.equal(r.body.version, 'draft');
      assert.deepEqual(r.body.config, k.config, 'publishing with a config leaves the draft alone');
      r = await get('1.0');
      assert.equal(r.body.id, v10.id);
      assert.deepEqual(r.body.config, k.config);
      r = await get(v11.id);
      assert.equal(r.body.version, '1.1');
      r = await get(p.draftVersion.id);
      assert.equal(r.body.version, 'draft');
      for (const ref of ['1.2', '3.0', '0.0', 'abc', '1', '1.0.0', `${v10.id}x`, 'exv_nope']) {
        expectError(assert, await get(ref), 404, 'NOT_FOUND');
      }
      // Another processor's version id does not resolve here.
      const other = (await api('POST', k.path, { body: { name: 'Other' } })).body;
      expectError(assert, await api('GET', `${k.path}/${other.id}/versions/${v10.id}`), 404, 'NOT_FOUND');
      expectError(assert, await api('GET', `${k.path}/${p.id}x/versions/draft`), 404, 'NOT_FOUND');
    });

    await t.test('published versions are immutable; edits land on the draft', async () => {
      const p = (await api('POST', k.path, { body: { name: 'Immutable', config: k.config } })).body;
      const v10 = (await api('POST', `${k.path}/${p.id}/versions`, { body: { releaseType: 'major', description: 'd' } })).body;
      const u = await api('POST', `${k.path}/${p.id}`, { body: { config: k.config2, name: 'Edited' } });
      assert.equal(u.status, 200, u.text);
      const r = await api('GET', `${k.path}/${p.id}/versions/1.0`);
      assert.deepEqual(r.body, v10);
      assert.deepEqual(r.body.config, k.config);
      const d = await api('GET', `${k.path}/${p.id}/versions/draft`);
      assert.deepEqual(d.body.config, k.config2);
      assert.equal((await api('GET', `${k.path}/${p.id}/versions/latest`)).body.id, v10.id);
      // Publishing the edited draft snapshots it; 1.0 stays as it was.
      const v11 = (await api('POST', `${k.path}/${p.id}/versions`, { body: { releaseType: 'minor' } })).body;
      assert.deepEqual(v11.config, k.config2);
      assert.deepEqual((await api('GET', `${k.path}/${p.id}/versions/1.0`)).body, v10);
      // No route changes a published version.
      expectError(assert, await api('POST', `${k.path}/${p.id}/versions/1.0`, { body: { config: k.config2 } }), 405);
      expectError(assert, await api('DELETE', `${k.path}/${p.id}/versions/1.0`), 405);
    });

    await t.test('publish: bad bodies are 400', async () => {
      const p = (await api('POST', k.path, { body: { name: 'Publish errors' } })).body;
      for (const body of [{}, { releaseType: 'patch' }, { releaseType: 1 }, { releaseType: 'MAJOR' },
        { releaseType: 'major', description: 5 }, { releaseType: 'major', config: [] }]) {
        expectError(assert, await api('POST', `${k.path}/${p.id}/versions`, { body }), 400, 'INVALID_REQUEST');
      }
      expectError(assert, await api('POST', `${k.path}/${p.id}x/versions`, { body: { releaseType: 'major' } }), 404, 'NOT_FOUND');
      const r = await api('GET', `${k.path}/${p.id}/versions`);
      assert.deepEqual(r.body.data.map((v) => v.version), ['draft'], 'nothing was published');
    });

    await t.test('list: summaries, paging, sort', async () => {
      const r = await api('GET', k.path, { query: { maxPageSize: 1000 } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.object, 'list');
      assert.ok(r.body.data.length >= 5);
      for (const s of r.body.data) {
        assert.equal(s.object, k.kind);
        assert.match(s.id, k.id);
        assert.deepEqual(Object.keys(s).sort(), ['createdAt', 'id', 'name', 'object', 'updatedAt']);
      }
      const all = r.body.data.map((s) => s.id);
      const byUpdated = [...r.body.data].sort((a, b) => (b.updatedAt.localeCompare(a.updatedAt)));
      assert.deepEqual(r.body.data.map((s) => s.updatedAt), byUpdated.map((s) => s.updatedAt), 'default: updatedAt desc');
      const asc = await api('GET', k.path, { query: { sortBy: 'createdAt', sortDir: 'asc', maxPageSize: 1000 } });
      const created = asc.body.data.map((s) => s.createdAt);
      assert.deepEqual(created, [...created].sort());
      const seen = [];
      let token;
      for (let i = 0; i < 50; i++) {
        const page = await api('GET', k.path, { query: { maxPageSize: 2, nextPageToken: token } });
        assert.equal(page.status, 200, page.text);
        seen.push(...page.body.data.map((s) => s.id));
        token = page.body.nextPageToken;
        if (!token) break;
      }
      assert.deepEqual(seen, all);
      expectError(assert, await api('GET', k.path, { query: { sortBy: 'name' } }), 400, 'INVALID_REQUEST');
      expectError(assert, await api('GET', k.path, { query: { sortDir: 'up' } }), 400, 'INVALID_REQUEST');
    });

    await t.test('another workspace sees nothing (404), and neither does another kind', async () => {
      const ws2 = await createWorkspace(srv.dataDir, ['--name', `Other ${k.kind}`]);
      const key2 = await createKey(srv.dataDir, ['--workspace', ws2]);
      const p = (await api('POST', k.path, { body: { name: 'Private', config: k.config } })).body;
      await api('POST', `${k.path}/${p.id}/versions`, { body: { releaseType: 'major' } });
      const as2 = (method, path, opts = {}) => api(method, path, { ...opts, key: key2 });
      expectError(assert, await as2('GET', `${k.path}/${p.id}`), 404, 'NOT_FOUND');
      expectError(assert, await as2('POST', `${k.path}/${p.id}`, { body: { name: 'hijack' } }), 404, 'NOT_FOUND');
      expectError(assert, await as2('DELETE', `${k.path}/${p.id}`), 404, 'NOT_FOUND');
      expectError(assert, await as2('GET', `${k.path}/${p.id}/versions`), 404, 'NOT_FOUND');
      expectError(assert, await as2('POST', `${k.path}/${p.id}/versions`, { body: { releaseType: 'major' } }), 404, 'NOT_FOUND');
      for (const ref of ['draft', 'latest', '1.0', p.draftVersion.id]) {
        expectError(assert, await as2('GET', `${k.path}/${p.id}/versions/${ref}`), 404, 'NOT_FOUND');
      }
      expectError(assert, await as2('POST', k.path, { body: { name: 'c', [k.clone]: p.id } }), 404, 'NOT_FOUND');
      const list = await as2('GET', k.path);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.data, []);
      const mine = await as2('POST', k.path, { body: { name: 'Theirs' } });
      assert.equal(mine.status, 200, mine.text);
      assert.deepEqual((await as2('GET', k.path)).body.data.map((s) => s.id), [mine.body.id]);
      expectError(assert, await api('GET', `${k.path}/${mine.body.id}`), 404, 'NOT_FOUND');
      // The unchanged processor is still intact for its owner.
      assert.equal((await api('GET', `${k.path}/${p.id}`)).body.name, 'Private');
      // Another kind's route does not find it.
      for (const other of KINDS.filter((o) => o !== k)) {
        expectError(assert, await api('GET', `${other.path}/${p.id}`), 404, 'NOT_FOUND');
        expectError(assert, await api('GET', `${other.path}/${p.id}/versions/draft`), 404, 'NOT_FOUND');
        expectError(assert, await api('POST', other.path, { body: { name: 'c', [other.clone]: p.id } }), 404, 'NOT_FOUND');
      }
      // An id with an encoded slash stays one segment and is simply unknown.
      expectError(assert, await api('GET', `${k.path}/${encodeURIComponent(`${p.id}/versions`)}`), 404, 'NOT_FOUND');
    });

    await t.test('delete (extension): gone from get, list and versions; twice is 404', async () => {
      const p = (await api('POST', k.path, { body: { name: 'Doomed' } })).body;
      await api('POST', `${k.path}/${p.id}/versions`, { body: { releaseType: 'major' } });
      const r = await api('DELETE', `${k.path}/${p.id}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { id: p.id });
      expectError(assert, await api('GET', `${k.path}/${p.id}`), 404, 'NOT_FOUND');
      expectError(assert, await api('GET', `${k.path}/${p.id}/versions`), 404, 'NOT_FOUND');
      expectError(assert, await api('GET', `${k.path}/${p.id}/versions/1.0`), 404, 'NOT_FOUND');
      expectError(assert, await api('POST', `${k.path}/${p.id}`, { body: { name: 'back' } }), 404, 'NOT_FOUND');
      expectError(assert, await api('DELETE', `${k.path}/${p.id}`), 404, 'NOT_FOUND');
      const list = await api('GET', k.path, { query: { maxPageSize: 1000 } });
      assert.ok(!list.body.data.some((s) => s.id === p.id));
    });

    await t.test('no request caused a 5xx', () => {
      assert.deepEqual(srv.serverErrors(), []);
    });
  });
}

// Each entry: a config that must be refused, and the path its message must name.
const ex = (properties, extra = {}) => ({ schema: { type: 'object', properties, ...extra } });
const EXTRACTOR_ERRORS = [
  [{ schema: 'x' }, 'config.schema'],
  [{ schema: { type: 'array', properties: {} } }, 'config.schema.type'],
  [{ schema: { properties: {} } }, 'config.schema.type'],
  [{ schema: { type: 'object' } }, 'config.schema.properties'],
  [{ schema: { type: 'object', properties: [] } }, 'config.schema.properties'],
  [ex({ total: { type: 'money' } }), 'config.schema.properties.total.type'],
  [ex({ total: { type: ['number', 'string'] } }), 'config.schema.properties.total.type'],
  [ex({ total: { type: ['number', 'null', 'string'] } }), 'config.schema.properties.total.type'],
  [ex({ total: { type: 'null' } }), 'config.schema.properties.total.type'],
  [ex({ total: { type: 5 } }), 'config.schema.properties.total.type'],
  [ex({ total: {} }), 'config.schema.properties.total.type'],
  [ex({ total: 'number' }), 'config.schema.properties.total'],
  [ex({ 'bad key': { type: 'string' } }), 'config.schema.properties'],
  [ex({ 'naïve': { type: 'string' } }), 'config.schema.properties'],
  [ex({ a: { type: 'string' } }, { required: ['a', 'b'] }), 'config.schema.required[1]'],
  [ex({ a: { type: 'string' } }, { required: 'a' }), 'config.schema.required'],
  [ex({ a: { type: 'string' } }, { required: ['a', 'a'] }), 'config.schema.required[1]'],
  [ex({ a: { type: 'string' } }, { additionalProperties: 'no' }), 'config.schema.additionalProperties'],
  [ex({ status: { enum: 'paid' } }), 'config.schema.properties.status.enum'],
  [ex({ status: { enum: [] } }), 'config.schema.properties.status.enum'],
  [ex({ status: { enum: ['paid', 3] } }), 'config.schema.properties.status.enum[1]'],
  [ex({ status: { enum: ['paid', 'paid'] } }), 'config.schema.properties.status.enum[1]'],
  [ex({ status: { type: 'number', enum: ['paid'] } }), 'config.schema.properties.status.type'],
  [ex({ lines: { type: 'array' } }), 'config.schema.properties.lines.items'],
  [ex({ lines: { type: 'array', items: 'string' } }), 'config.schema.properties.lines.items'],
  [ex({ lines: { type: 'array', items: { type: 'array', items: { type: 'string' } } } }), 'config.schema.properties.lines.items.type'],
  [ex({ lines: { type: 'array', items: { type: 'object', properties: { q: { type: 'int' } } } } }), 'config.schema.properties.lines.items.properties.q.type'],
  [ex({ name: { type: 'string', items: { type: 'string' } } }), 'config.schema.properties.name.items'],
  [ex({ vendor: { type: 'object' } }), 'config.schema.properties.vendor.properties'],
  [ex({ vendor: { type: ['string', 'null'], properties: {} } }), 'config.schema.properties.vendor.properties'],
  [ex({ vendor: { type: 'object', properties: { n: { type: 'string' } }, required: ['m'] } }), 'config.schema.properties.vendor.required[0]'],
  [ex({ total: { type: 'object', 'extend:type': 'currency', properties: { amount: { type: ['number', 'null'] } } } }),
    'config.schema.properties.total.properties'],
  [ex({ total: { type: 'object', 'extend:type': 'currency', properties: { amount: { type: 'string' }, iso_4217_currency_code: { type: 'string' } } } }),
    'config.schema.properties.total.properties'],
  [ex({ total: { type: ['number', 'null'], 'extend:type': 'currency' } }), 'config.schema.properties.total.type'],
  [ex({ when: { type: ['number', 'null'], 'extend:type': 'date' } }), 'config.schema.properties.when.type'],
  [ex({ when: { type: 'integer', format: 'date' } }), 'config.schema.properties.when.type'],
  [ex({ when: { type: 'string', 'extend:type': 'datetime' } }), 'config.schema.properties.when.extend:type'],
  [ex({ when: { type: 'string', format: 7 } }), 'config.schema.properties.when.format'],
  [ex({ name: { type: 'string', description: 7 } }), 'config.schema.properties.name.description'],
  [ex({ name: { type: 'string', 'x-rules': ['Name:'] } }), 'config.schema.properties.name.x-rules'],
  [ex({ name: { anyOf: [{ type: 'string' }, { type: 'null' }] } }), 'config.schema.properties.name.anyOf'],
  [ex({ name: { $ref: '#/definitions/n' } }), 'config.schema.properties.name.$ref'],
  [ex({ a: { type: 'object', properties: { b: { type: 'object', properties: { c: { type: 'object', properties: { d: { type: 'object', properties: { e: { type: 'object', properties: { f: { type: 'object', properties: {} } } } } } } } } } } } }),
    'config.schema.properties.a.properties.b.properties.c.properties.d.properties.e.properties.f'],
  [{ extractionRules: ['x'] }, 'config.extractionRules'],
  [{ advancedOptions: 'fast' }, 'config.advancedOptions'],
  [{ parseConfig: 1 }, 'config.parseConfig'],
  [{ baseProcessor: 1 }, 'config.baseProcessor'],
  [{ baseVersion: 2 }, 'config.baseVersion'],
  [{ engine: 'rules' }, 'config.engine'],
  [{ engine: { type: 'magic' } }, 'config.engine.type'],
  [{ engine: { type: 5 } }, 'config.engine.type'],
  [{ engine: { type: 'llm', model: 'm' } }, 'config.engine.baseUrl'],
  [{ engine: { type: 'llm', baseUrl: 'ftp://x', model: 'm' } }, 'config.engine.baseUrl'],
  [{ engine: { type: 'llm', baseUrl: 'http://127.0.0.1:9/v1' } }, 'config.engine.model'],
  [{ engine: { type: 'llm', baseUrl: 'http://127.0.0.1:9/v1', model: '' } }, 'config.engine.model'],
  [{ engine: { type: 'llm', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', maxInputChars: -1 } }, 'config.engine.maxInputChars'],
  [{ engine: { type: 'llm', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKeyEnv: 1 } }, 'config.engine.apiKeyEnv'],
  [{ engine: { type: 'http' } }, 'config.engine.url'],
  [{ engine: { type: 'http', url: 'not a url' } }, 'config.engine.url'],
  [{ engine: { type: 'http', url: 'http://127.0.0.1:9/x', headers: { a: 1 } } }, 'config.engine.headers.a'],
  [{ engine: { type: 'http', url: 'http://127.0.0.1:9/x', timeoutMs: 0 } }, 'config.engine.timeoutMs'],
];

const cls = (classifications) => ({ classifications });
const CLASSIFIER_ERRORS = [
  [{}, 'config.classifications'],
  [cls({}), 'config.classifications'],
  [cls(['invoice']), 'config.classifications[0]'],
  [cls([{ type: 'Invoice', description: '' }]), 'config.classifications[0].id'],
  [cls([{ id: '', type: 'Invoice', description: '' }]), 'config.classifications[0].id'],
  [cls([{ id: 'inv', description: '' }]), 'config.classifications[0].type'],
  [cls([{ id: 'inv', type: 3, description: '' }]), 'config.classifications[0].type'],
  [cls([{ id: 'inv', type: 'Invoice', description: 3 }]), 'config.classifications[0].description'],
  [cls([{ id: 'inv', type: 'Invoice', description: '' }, { id: 'inv', type: 'Other', description: '' }]), 'config.classifications[1].id'],
  [cls([{ id: 'inv', type: 'Invoice', description: '' }, { id: 'oth', type: 'Invoice', description: '' }]), 'config.classifications[1].type'],
  [cls([{ id: 'inv', type: 'Invoice', description: '', 'x-rules': 'invoice' }]), 'config.classifications[0].x-rules'],
  [{ classifications: [], classificationRules: 5 }, 'config.classificationRules'],
  [{ classifications: [], engine: { type: 'http' } }, 'config.engine.url'],
];
const spl = (splitClassifications) => ({ splitClassifications });
const SPLITTER_ERRORS = [
  [{}, 'config.splitClassifications'],
  [spl('x'), 'config.splitClassifications'],
  [spl([{ id: 'inv', type: 'Invoice', description: '', identifierKey: 5 }]), 'config.splitClassifications[0].identifierKey'],
  [spl([{ id: 'inv', type: 'Invoice' }, { id: 'inv', type: 'Receipt' }]), 'config.splitClassifications[1].id'],
  [spl([{ id: 'a', type: 'Invoice' }, { id: 'b', type: 'Invoice' }]), 'config.splitClassifications[1].type'],
  [spl([{ id: 'a' }]), 'config.splitClassifications[0].type'],
  [{ splitClassifications: [], splitRules: {} }, 'config.splitRules'],
  [{ splitClassifications: [], engine: { type: 'llm', baseUrl: 'http://127.0.0.1:9' } }, 'config.engine.model'],
];

test('config validation: every error is 400 with the path in the message, on create, update and publish', { timeout: 90000 }, async (t) => {
  const srv = await startServer({ t });
  const api = srv.api;
  const cases = [
    ['/extractors', EXTRACTOR_ERRORS],
    ['/classifiers', CLASSIFIER_ERRORS],
    ['/splitters', SPLITTER_ERRORS],
  ];
  for (const [path, errors] of cases) {
    const p = (await api('POST', path, { body: { name: 'Target' } })).body;
    await t.test(`${path}: ${errors.length} invalid configs`, async () => {
      for (const [config, where] of errors) {
        const label = JSON.stringify(config);
        for (const [method, route, body] of [
          ['POST', path, { name: 'Bad', config }],
          ['POST', `${path}/${p.id}`, { config }],
          ['POST', `${path}/${p.id}/versions`, { releaseType: 'major', config }],
        ]) {
          const r = await api(method, route, { body });
          const e = expectError(assert, r, 400, 'INVALID_REQUEST');
          assert.ok(e.message.endsWith(`; Path: ${where}`), `${route} ${label}: expected path ${where}, got: ${e.message}`);
        }
      }
      // Nothing was written by any refused request.
      const draft = await api('GET', `${path}/${p.id}/versions`);
      assert.deepEqual(draft.body.data.map((v) => v.version), ['draft']);
      const list = await api('GET', path, { query: { maxPageSize: 1000 } });
      assert.deepEqual(list.body.data.map((s) => s.id), [p.id]);
    });
  }

  await t.test('generate is refused with a clear message; exclusive with config', async () => {
    let e = expectError(assert, await api('POST', '/extractors', { body: { name: 'G', generate: { files: [{ id: 'file_x' }] } } }), 400, 'INVALID_REQUEST');
    assert.match(e.message, /generate is not supported/);
    e = expectError(assert, await api('POST', '/extractors', { body: { name: 'G', generate: { files: [] }, config: {} } }), 400, 'INVALID_REQUEST');
    assert.match(e.message, /At most one of cloneExtractorId, config and generate/);
  });

  await t.test('a rich valid schema, as the SDK and Extend docs write it, is accepted', async () => {
    const depth5 = { type: 'object', properties: { b: { type: 'object', properties: { c: { type: 'object', properties: { d: { type: 'object', properties: { e: { type: 'object', properties: { leaf: { type: ['string', 'null'] } } } } } } } } } } };
    const schema = {
      type: 'object',
      properties: {
        invoice_number: { type: ['string', 'null'], description: 'The invoice number', 'x-rules': { patterns: ['INV-(\\d+)'], labels: ['Invoice No'] } },
        invoice_date: { type: ['string', 'null'], 'extend:type': 'date' },
        due: { type: 'string', format: 'date' },
        count: { type: 'integer' },
        paid: { type: ['null', 'boolean'] },
        status: { enum: ['paid', 'open', null] },
        kind: { type: ['string', 'null'], enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string' } },
        total: {
          type: 'object', 'extend:type': 'currency',
          properties: { amount: { type: ['number', 'null'] }, iso_4217_currency_code: { type: ['string', 'null'] } },
          required: ['amount', 'iso_4217_currency_code'], additionalProperties: false,
        },
        plain_money: { type: 'object', properties: { amount: { type: 'number' }, iso_4217_currency_code: { type: 'string' } } },
        'vendor-info': { type: 'object', properties: { name: { type: ['string', 'null'], 'extend:name': 'Vendor name' } }, required: ['name'] },
        line_items: { type: 'array', items: { type: 'object', properties: { description: { type: ['string', 'null'] }, amount: { type: ['number', 'null'], minimum: 0 } } } },
        a: depth5,
      },
      required: ['invoice_number', 'total'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    };
    const config = {
      baseProcessor: 'extraction_performance', baseVersion: '4.2.0', extractionRules: 'Dates are day-first.', schema,
      advancedOptions: { citationsEnabled: true, arrayStrategy: { type: 'large_array_max_context' } }, parseConfig: { target: 'markdown' },
      engine: { type: 'llm', baseUrl: 'http://127.0.0.1:9/v1', model: 'qwen', apiKeyEnv: 'GOLDSET_LLM_KEY', maxInputChars: 20000, temperature: 0 },
    };
    const r = await api('POST', '/extractors', { body: { name: 'Rich', config } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.draftVersion.config, config);
    assert.equal(r.headers['x-goldset-warnings'], undefined);
    const h = await api('POST', '/classifiers', {
      body: { name: 'http', config: { classifications: [{ id: 'a', type: 'A', description: 'x', 'x-rules': { keywords: ['a'] } }], engine: { type: 'http', url: 'https://example.com/classify', headers: { 'x-k': 'v' }, timeoutMs: 5000 } } },
    });
    assert.equal(h.status, 200, h.text);
    const s = await api('POST', '/splitters', { body: { name: 'rules', config: { splitClassifications: [], engine: {} } } });
    assert.equal(s.status, 200, s.text);
  });

  await t.test('no request caused a 5xx', () => {
    assert.deepEqual(srv.serverErrors(), []);
  });
});
