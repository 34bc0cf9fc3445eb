// Keyset pagination over 2,500 files: all four sort orders, no duplicate and no gap,
// also while files are inserted between pages; parameter validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, uploadFile, expectError } from './harness.mjs';

const TOTAL = 2500;

async function uploadMany(srv, n, prefix, concurrency = 8) {
  const ids = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      const r = await uploadFile(srv, { name: `${prefix}-${i}.txt`, content: 'same bytes\n' });
      assert.equal(r.status, 200, r.text);
      ids.push(r.body.id);
    }
  }));
  return ids;
}

// Pages through GET /files; `between` runs after each page (for concurrent inserts).
async function listAll(srv, query, between) {
  const seen = [];
  let token;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 10000, 'paging does not terminate');
    const r = await srv.api('GET', '/files', { query: { ...query, nextPageToken: token } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.object, 'list');
    assert.ok(r.body.data.length <= (query.maxPageSize ?? 10));
    seen.push(...r.body.data);
    token = r.body.nextPageToken;
    if (!token) break;
    assert.equal(typeof token, 'string');
    if (between) await between();
  }
  return seen;
}

function assertOrdered(items, sortBy, sortDir) {
  const key = (f) => [Date.parse(f[sortBy]), f.id];
  for (let i = 1; i < items.length; i++) {
    const [a, ai] = key(items[i - 1]);
    const [b, bi] = key(items[i]);
    const cmp = a !== b ? Math.sign(a - b) : (ai < bi ? -1 : ai > bi ? 1 : 0);
    assert.equal(cmp, sortDir === 'asc' ? -1 : 1, `items ${i - 1} and ${i} out of ${sortBy} ${sortDir} order`);
  }
}

test('pagination over 2,500 files', { timeout: 180000 }, async (t) => {
  const srv = await startServer({ t });
  const ids = await uploadMany(srv, TOTAL, 'doc');
  const all = new Set(ids);
  assert.equal(all.size, TOTAL);

  for (const sortBy of ['createdAt', 'updatedAt']) {
    for (const sortDir of ['asc', 'desc']) {
      await t.test(`${sortBy} ${sortDir}: every file once, in order`, async () => {
        const items = await listAll(srv, { sortBy, sortDir, maxPageSize: 173 });
        const got = items.map((f) => f.id);
        assert.equal(new Set(got).size, got.length, 'duplicates');
        assert.equal(got.length, TOTAL, 'gap or extra');
        for (const id of got) assert.ok(all.has(id));
        assertOrdered(items, sortBy, sortDir);
      });
    }
  }

  await t.test('default order is updatedAt desc with 10 per page', async () => {
    const r = await srv.api('GET', '/files');
    assert.equal(r.body.data.length, 10);
    assertOrdered(r.body.data, 'updatedAt', 'desc');
  });

  await t.test('maxPageSize bounds: 1 and 1000 accepted', async () => {
    const one = await srv.api('GET', '/files', { query: { maxPageSize: 1 } });
    assert.equal(one.body.data.length, 1);
    const big = await srv.api('GET', '/files', { query: { maxPageSize: 1000 } });
    assert.equal(big.body.data.length, 1000);
    assert.ok(big.body.nextPageToken);
  });

  for (const [name, query] of [
    ['maxPageSize=0', { maxPageSize: '0' }],
    ['maxPageSize=1001', { maxPageSize: '1001' }],
    ['maxPageSize=-1', { maxPageSize: '-1' }],
    ['maxPageSize=abc', { maxPageSize: 'abc' }],
    ['maxPageSize=1.5', { maxPageSize: '1.5' }],
    ['maxPageSize empty', { maxPageSize: '' }],
    ['maxPageSize huge', { maxPageSize: '99999999999999999999' }],
    ['sortBy=name', { sortBy: 'name' }],
    ['sortBy=createdat', { sortBy: 'createdat' }],
    ['sortDir=up', { sortDir: 'up' }],
    ['sortDir=ASC', { sortDir: 'ASC' }],
    ['nextPageToken garbage', { nextPageToken: 'not a token!' }],
    ['nextPageToken base64 junk', { nextPageToken: Buffer.from('v2|xx|1|y').toString('base64url') }],
    ['nextPageToken bad number', { nextPageToken: Buffer.from('v1|ud|abc|file_x').toString('base64url') }],
  ]) {
    await t.test(`${name} -> 400`, async () => {
      expectError(assert, await srv.api('GET', '/files', { query }), 400, 'INVALID_REQUEST');
    });
  }

  await t.test('a token issued for another sort order -> 400', async () => {
    const r = await srv.api('GET', '/files', { query: { sortBy: 'createdAt', sortDir: 'asc' } });
    const token = r.body.nextPageToken;
    expectError(assert, await srv.api('GET', '/files', { query: { sortBy: 'createdAt', sortDir: 'desc', nextPageToken: token } }), 400);
    expectError(assert, await srv.api('GET', '/files', { query: { sortBy: 'updatedAt', sortDir: 'asc', nextPageToken: token } }), 400);
  });

  await t.test('nameContains filters case-insensitively and treats % and _ literally', async () => {
    const u = await uploadFile(srv, { name: 'Special_100%.TXT', content: 'x' });
    assert.equal(u.status, 200);
    const r = await srv.api('GET', '/files', { query: { nameContains: 'special_100%', maxPageSize: 1000 } });
    assert.deepEqual(r.body.data.map((f) => f.id), [u.body.id]);
    const r2 = await srv.api('GET', '/files', { query: { nameContains: '_', maxPageSize: 1000 } });
    assert.deepEqual(r2.body.data.map((f) => f.id), [u.body.id]);
    const r3 = await srv.api('GET', '/files', { query: { nameContains: 'doc-12', maxPageSize: 1000 } });
    // doc-12, doc-120..129, doc-1200..1299
    assert.equal(r3.body.data.length, 1 + 10 + 100);
    // Case folding covers all of Unicode, not ASCII alone, on every backend.
    const v = await uploadFile(srv, { name: 'Rechnung ÄRGER-Übersicht Ω.pdf', content: 'x' });
    assert.equal(v.status, 200);
    for (const needle of ['ärger-übersicht ω', 'ÄRGER-ÜBERSICHT Ω', 'Ärger-Über']) {
      const r4 = await srv.api('GET', '/files', { query: { nameContains: needle, maxPageSize: 1000 } });
      assert.deepEqual(r4.body.data.map((f) => f.id), [v.body.id], needle);
    }
  });

  for (const sortDir of ['asc', 'desc']) {
    await t.test(`createdAt ${sortDir} while inserting between pages: no duplicate, no gap`, async () => {
      const before = new Set((await listAll(srv, { maxPageSize: 1000 })).map((f) => f.id));
      const added = [];
      const items = await listAll(srv, { sortBy: 'createdAt', sortDir, maxPageSize: 250 }, async () => {
        added.push(...await uploadMany(srv, 6, `late-${sortDir}`, 3));
      });
      const got = items.map((f) => f.id);
      assert.equal(new Set(got).size, got.length, 'duplicates');
      for (const id of before) assert.ok(got.includes(id), `gap: ${id} missing`);
      for (const id of got) assert.ok(before.has(id) || added.includes(id));
      assertOrdered(items, 'createdAt', sortDir);
      if (sortDir === 'asc') assert.ok(got.length > before.size, 'ascending paging reaches rows inserted meanwhile');
    });
  }

  await t.test('paging while inserting concurrently (not just between pages)', async () => {
    const before = new Set((await listAll(srv, { maxPageSize: 1000 })).map((f) => f.id));
    let stop = false;
    const writer = (async () => {
      let i = 0;
      while (!stop) {
        const r = await uploadFile(srv, { name: `conc-${i++}.txt`, content: 'c' });
        assert.equal(r.status, 200);
      }
    })();
    try {
      for (const sortDir of ['asc', 'desc']) {
        const items = await listAll(srv, { sortBy: 'updatedAt', sortDir, maxPageSize: 97 });
        const got = items.map((f) => f.id);
        assert.equal(new Set(got).size, got.length, 'duplicates');
        for (const id of before) assert.ok(got.includes(id), `gap: ${id} missing`);
        assertOrdered(items, 'updatedAt', sortDir);
      }
    } finally {
      stop = true;
      await writer;
    }
    assert.deepEqual(srv.serverErrors(), []);
  });
});
