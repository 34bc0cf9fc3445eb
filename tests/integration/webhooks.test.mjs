// Webhook endpoints and subscriptions over HTTP (contract §4.6-4.9): CRUD, validation,
// workspace isolation, signed delivery of test events, the deliveries log, retries and
// automatic disabling of an endpoint that keeps failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, createKey, createWorkspace, expectError, request } from './harness.mjs';
import { startReceiver, waitFor } from './webhook_receiver.mjs';
import { invoiceSchema, invoiceText } from './eval_fixtures.mjs';

const VERSION = '2026-02-09';

// A processor of `kind` in srv's workspace (subscriptions must name a real one); its id.
const PROCESSOR_CONFIGS = {
  extractor: { schema: { type: 'object', properties: { total: { type: 'number' } } } },
  classifier: { classifications: [{ id: 'invoice', type: 'Invoice', description: 'An invoice' }] },
  splitter: { splitClassifications: [{ id: 'invoice', type: 'Invoice', description: 'An invoice' }] },
};
async function makeProcessor(srv, kind, key) {
  const r = await srv.api('POST', `/${kind}s`, { body: { name: `${kind} for subscriptions`, config: PROCESSOR_CONFIGS[kind] }, ...(key ? { key } : {}) });
  assert.equal(r.status, 200, r.text);
  return r.body.id;
}

function endpointBody(url, extra = {}) {
  return { url, name: 'Test hook', enabledEvents: ['extract_run.processed'], apiVersion: VERSION, ...extra };
}

test('webhook endpoints: CRUD, paging, status filter', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const created = await srv.api('POST', '/webhook_endpoints', {
    body: endpointBody('https://93.184.216.34/hooks', { advancedOptions: { headers: { 'x-team': 'eval' } } }),
  });
  assert.equal(created.status, 200, created.text);
  const e = created.body;
  assert.equal(e.object, 'webhook_endpoint');
  assert.match(e.id, /^wh_/);
  assert.match(e.signingSecret, /^wss_[A-Za-z0-9_-]{32}$/);
  assert.equal(e.status, 'enabled');
  assert.deepEqual(e.enabledEvents, ['extract_run.processed']);
  assert.equal(e.apiVersion, VERSION);
  assert.deepEqual(e.advancedOptions, { headers: { 'x-team': 'eval' } });
  assert.ok(!Number.isNaN(Date.parse(e.createdAt)));
  assert.equal(e.createdBy.type, 'api_key');

  const got = await srv.api('GET', `/webhook_endpoints/${e.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.signingSecret, undefined, 'the secret is shown only on creation');
  assert.equal(got.body.url, 'https://93.184.216.34/hooks');
  assert.equal(got.body.disabledReason, null);

  // Partial update: only the named fields change.
  const upd = await srv.api('POST', `/webhook_endpoints/${e.id}`, { body: { name: 'Renamed', status: 'disabled' } });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.body.name, 'Renamed');
  assert.equal(upd.body.status, 'disabled');
  assert.equal(upd.body.url, e.url);
  assert.deepEqual(upd.body.enabledEvents, e.enabledEvents);
  assert.deepEqual(upd.body.advancedOptions, e.advancedOptions);
  const ev = await srv.api('POST', `/webhook_endpoints/${e.id}`, {
    body: { enabledEvents: ['extractor.created', 'evaluation_set_run.processed'], advancedOptions: null },
  });
  assert.deepEqual(ev.body.enabledEvents, ['extractor.created', 'evaluation_set_run.processed']);
  assert.equal(ev.body.advancedOptions, undefined);
  expectError(assert, await srv.api('POST', `/webhook_endpoints/${e.id}`, { body: { apiVersion: '2025-04-21' } }), 400, 'INVALID_REQUEST');
  assert.equal((await srv.api('POST', `/webhook_endpoints/${e.id}`, { body: { apiVersion: VERSION } })).status, 200);

  // More endpoints for paging and the status filter.
  const ids = [e.id];
  for (let i = 0; i < 4; i++) {
    const r = await srv.api('POST', '/webhook_endpoints', { body: endpointBody(`https://93.184.216.34/h${i}`, { enabledEvents: [] }) });
    assert.equal(r.status, 200, r.text);
    ids.push(r.body.id);
  }
  const seen = [];
  let token;
  do {
    const page = await srv.api('GET', '/webhook_endpoints', { query: { maxPageSize: 2, sortDir: 'asc', nextPageToken: token } });
    assert.equal(page.status, 200, page.text);
    assert.equal(page.body.object, 'list');
    assert.ok(page.body.data.length <= 2);
    for (const x of page.body.data) {
      assert.equal(x.signingSecret, undefined);
      seen.push(x.id);
    }
    token = page.body.nextPageToken;
  } while (token);
  assert.deepEqual(seen, ids);
  const disabled = await srv.api('GET', '/webhook_endpoints', { query: { status: 'disabled' } });
  assert.deepEqual(disabled.body.data.map((x) => x.id), [e.id]);
  const enabled = await srv.api('GET', '/webhook_endpoints', { query: { status: 'enabled', maxPageSize: 100 } });
  assert.equal(enabled.body.data.length, 4);
  expectError(assert, await srv.api('GET', '/webhook_endpoints', { query: { status: 'paused' } }), 400);

  // Delete removes the endpoint and its subscriptions.
  const ex = await makeProcessor(srv, 'extractor');
  const sub = await srv.api('POST', '/webhook_subscriptions', {
    body: { webhookEndpointId: e.id, resourceType: 'extractor', resourceId: ex, enabledEvents: ['extract_run.failed'] },
  });
  assert.equal(sub.status, 200, sub.text);
  const del = await srv.api('DELETE', `/webhook_endpoints/${e.id}`);
  assert.equal(del.status, 200);
  assert.deepEqual(del.body, { id: e.id });
  expectError(assert, await srv.api('GET', `/webhook_endpoints/${e.id}`), 404, 'NOT_FOUND');
  expectError(assert, await srv.api('GET', `/webhook_subscriptions/${sub.body.id}`), 404, 'NOT_FOUND');
  expectError(assert, await srv.api('DELETE', `/webhook_endpoints/${e.id}`), 404);
  assert.deepEqual(srv.serverErrors(), []);
});

test('webhook endpoints: validation errors are 400 and write nothing', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const ok = endpointBody('https://93.184.216.34/hooks');
  const cases = [
    ['missing url', { ...ok, url: undefined }],
    ['url not a string', { ...ok, url: 42 }],
    ['ftp url', { ...ok, url: 'ftp://93.184.216.34/x' }],
    ['relative url', { ...ok, url: '/hooks' }],
    ['credentials in url', { ...ok, url: 'https://u:p@93.184.216.34/x' }],
    ['private address', { ...ok, url: 'http://10.1.2.3/hooks' }],
    ['metadata address', { ...ok, url: 'http://169.254.169.254/latest/meta-data' }],
    ['loopback v6 (not in the allow-list)', { ...ok, url: 'http://[::1]:8080/hooks' }],
    ['missing name', { ...ok, name: undefined }],
    ['empty name', { ...ok, name: '' }],
    ['missing apiVersion', { ...ok, apiVersion: undefined }],
    ['unknown apiVersion', { ...ok, apiVersion: '2030-01-01' }],
    ['legacy apiVersion', { ...ok, apiVersion: '2025-04-21' }],
    ['missing enabledEvents', { ...ok, enabledEvents: undefined }],
    ['enabledEvents not an array', { ...ok, enabledEvents: 'extract_run.processed' }],
    ['unknown event', { ...ok, enabledEvents: ['extract_run.done'] }],
    ['subscription-only event', { ...ok, enabledEvents: ['workflow_run.completed'] }],
    ['duplicate event', { ...ok, enabledEvents: ['split_run.failed', 'split_run.failed'] }],
    ['bad status', { ...ok, status: 'paused' }],
    ['reserved header', { ...ok, advancedOptions: { headers: { 'x-extend-request-signature': 'x' } } }],
    ['content-type header', { ...ok, advancedOptions: { headers: { 'Content-Type': 'text/plain' } } }],
    ['header value with newline', { ...ok, advancedOptions: { headers: { 'x-a': 'a\r\nx-b: b' } } }],
    ['header value not a string', { ...ok, advancedOptions: { headers: { 'x-a': 1 } } }],
    ['signed url payloads', { ...ok, advancedOptions: { payload: { format: 'url' } } }],
    ['unknown field', { ...ok, signingSecret: 'wss_mine' }],
  ];
  for (const [name, body] of cases) {
    const r = await srv.api('POST', '/webhook_endpoints', { body });
    const err = expectError(assert, r, 400, 'INVALID_REQUEST');
    assert.equal(err.retryable, false, name);
  }
  expectError(assert, await srv.api('POST', '/webhook_endpoints', { body: '{"url":', headers: { 'content-type': 'application/json' } }), 400);
  const list = await srv.api('GET', '/webhook_endpoints');
  assert.deepEqual(list.body.data, []);
  // The loopback receiver the tests use is allowed because of --egress-allow 127.0.0.1/32.
  assert.equal((await srv.api('POST', '/webhook_endpoints', { body: endpointBody('http://127.0.0.1:9/hooks') })).status, 200);
  assert.deepEqual(srv.serverErrors(), []);
});

test('webhook subscriptions: upsert, filters, update, validation', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const a = (await srv.api('POST', '/webhook_endpoints', { body: endpointBody('https://93.184.216.34/a', { enabledEvents: [] }) })).body;
  const b = (await srv.api('POST', '/webhook_endpoints', { body: endpointBody('https://93.184.216.34/b', { enabledEvents: [] }) })).body;
  const create = (body) => srv.api('POST', '/webhook_subscriptions', { body });
  const ex1 = await makeProcessor(srv, 'extractor');
  const cl1 = await makeProcessor(srv, 'classifier');
  const sp1 = await makeProcessor(srv, 'splitter');
  const s1 = await create({ webhookEndpointId: a.id, resourceType: 'extractor', resourceId: ex1, enabledEvents: ['extract_run.processed'] });
  assert.equal(s1.status, 200, s1.text);
  assert.equal(s1.body.object, 'webhook_subscription');
  assert.match(s1.body.id, /^whes_/);
  assert.equal(s1.body.webhookEndpointId, a.id);
  assert.equal(s1.body.resourceType, 'extractor');
  assert.equal(s1.body.resourceId, ex1);
  assert.deepEqual(s1.body.enabledEvents, ['extract_run.processed']);
  // Same endpoint and resource: updated, not duplicated.
  const again = await create({ webhookEndpointId: a.id, resourceType: 'extractor', resourceId: ex1, enabledEvents: ['extract_run.failed', 'batch_processor_run.processed'] });
  assert.equal(again.body.id, s1.body.id);
  assert.deepEqual(again.body.enabledEvents, ['extract_run.failed', 'batch_processor_run.processed']);
  const s2 = (await create({ webhookEndpointId: a.id, resourceType: 'classifier', resourceId: cl1, enabledEvents: ['classify_run.failed'] })).body;
  const s3 = (await create({ webhookEndpointId: b.id, resourceType: 'extractor', resourceId: ex1, enabledEvents: ['extract_run.processed'] })).body;
  const s4 = (await create({ webhookEndpointId: b.id, resourceType: 'splitter', resourceId: sp1, enabledEvents: ['split_run.failed'] })).body;

  // Ascending by createdAt; two made in the same millisecond may come in either order, so
  // the order is checked on createdAt and the members as a set.
  const ids = async (query) => {
    const data = (await srv.api('GET', '/webhook_subscriptions', { query: { maxPageSize: 100, sortDir: 'asc', ...query } })).body.data;
    for (let i = 1; i < data.length; i++) assert.ok(data[i - 1].createdAt <= data[i].createdAt, JSON.stringify(data));
    return data.map((x) => x.id).sort();
  };
  const sorted = (...xs) => xs.sort();
  assert.deepEqual(await ids({}), sorted(s1.body.id, s2.id, s3.id, s4.id));
  assert.deepEqual(await ids({ webhookEndpointId: a.id }), sorted(s1.body.id, s2.id));
  assert.deepEqual(await ids({ resourceId: ex1 }), sorted(s1.body.id, s3.id));
  assert.deepEqual(await ids({ webhookEndpointId: b.id, resourceId: ex1 }), [s3.id]);
  const p1 = await srv.api('GET', '/webhook_subscriptions', { query: { maxPageSize: 3 } });
  assert.equal(p1.body.data.length, 3);
  const p2 = await srv.api('GET', '/webhook_subscriptions', { query: { maxPageSize: 3, nextPageToken: p1.body.nextPageToken } });
  assert.equal(p2.body.data.length, 1);
  assert.equal(p2.body.nextPageToken, null);

  const got = await srv.api('GET', `/webhook_subscriptions/${s2.id}`);
  assert.deepEqual(got.body, s2);
  const upd = await srv.api('POST', `/webhook_subscriptions/${s2.id}`, { body: { enabledEvents: ['classify_run.processed'] } });
  assert.equal(upd.status, 200, upd.text);
  assert.deepEqual(upd.body.enabledEvents, ['classify_run.processed']);
  expectError(assert, await srv.api('POST', `/webhook_subscriptions/${s2.id}`, { body: { enabledEvents: ['extract_run.processed'] } }), 400);
  expectError(assert, await srv.api('POST', `/webhook_subscriptions/${s2.id}`, { body: {} }), 400);
  expectError(assert, await srv.api('POST', '/webhook_subscriptions/whes_nope', { body: { enabledEvents: ['classify_run.processed'] } }), 404);

  const bad = [
    { webhookEndpointId: a.id, resourceType: 'extractor', resourceId: 'ex_2', enabledEvents: ['classify_run.processed'] },
    { webhookEndpointId: a.id, resourceType: 'evaluation_set', resourceId: 'ev_2', enabledEvents: ['extract_run.processed'] },
    { webhookEndpointId: a.id, resourceType: 'extractor', resourceId: 'ex_2', enabledEvents: [] },
    { webhookEndpointId: a.id, resourceType: 'extractor', resourceId: 'ex_2' },
    { webhookEndpointId: a.id, resourceType: 'extractor', enabledEvents: ['extract_run.processed'] },
    { resourceType: 'extractor', resourceId: 'ex_2', enabledEvents: ['extract_run.processed'] },
    { webhookEndpointId: a.id, resourceType: 'extractor', resourceId: 'ex_2', enabledEvents: ['extract_run.processed'], extra: 1 },
  ];
  for (const body of bad) expectError(assert, await create(body), 400, 'INVALID_REQUEST');
  expectError(assert, await create({ webhookEndpointId: 'wh_missing', resourceType: 'extractor', resourceId: 'ex_2', enabledEvents: ['extract_run.processed'] }), 404, 'NOT_FOUND');
  // F25c: the resource must exist in the caller's workspace, as the kind named (404 like any unknown id).
  for (const [resourceType, resourceId, events] of [
    ['extractor', 'ex_doesnotexist', ['extract_run.processed']],
    ['extractor', cl1, ['extract_run.processed']],
    ['classifier', ex1, ['classify_run.processed']],
    ['workflow', 'workflow_1', ['workflow_run.needs_review']],
  ]) {
    const r = await create({ webhookEndpointId: a.id, resourceType, resourceId, enabledEvents: events });
    expectError(assert, r, 404, 'NOT_FOUND');
    assert.match(r.body.message, /resourceId/);
  }

  assert.deepEqual((await srv.api('DELETE', `/webhook_subscriptions/${s4.id}`)).body, { id: s4.id });
  expectError(assert, await srv.api('GET', `/webhook_subscriptions/${s4.id}`), 404);
  expectError(assert, await srv.api('DELETE', `/webhook_subscriptions/${s4.id}`), 404);
  assert.deepEqual(srv.serverErrors(), []);
});

test('webhooks: another workspace sees 404 for everything', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const ws2 = await createWorkspace(srv.dataDir, ['--name', 'other']);
  const key2 = await createKey(srv.dataDir, ['--workspace', ws2]);
  const other = (method, p, opts = {}) => request(srv.url, method, p, { key: key2, ...opts });
  const e = (await srv.api('POST', '/webhook_endpoints', { body: endpointBody('https://93.184.216.34/a') })).body;
  const ex1 = await makeProcessor(srv, 'extractor');
  const s = (await srv.api('POST', '/webhook_subscriptions', {
    body: { webhookEndpointId: e.id, resourceType: 'extractor', resourceId: ex1, enabledEvents: ['extract_run.processed'] },
  })).body;
  expectError(assert, await other('GET', `/webhook_endpoints/${e.id}`), 404, 'NOT_FOUND');
  expectError(assert, await other('POST', `/webhook_endpoints/${e.id}`, { body: { name: 'x' } }), 404);
  expectError(assert, await other('DELETE', `/webhook_endpoints/${e.id}`), 404);
  expectError(assert, await other('GET', `/webhook_endpoints/${e.id}/deliveries`), 404);
  expectError(assert, await other('POST', `/webhook_endpoints/${e.id}/test`, { body: {} }), 404);
  expectError(assert, await other('GET', `/webhook_subscriptions/${s.id}`), 404);
  expectError(assert, await other('POST', `/webhook_subscriptions/${s.id}`, { body: { enabledEvents: ['extract_run.failed'] } }), 404);
  expectError(assert, await other('DELETE', `/webhook_subscriptions/${s.id}`), 404);
  expectError(assert, await other('POST', '/webhook_subscriptions', {
    body: { webhookEndpointId: e.id, resourceType: 'extractor', resourceId: 'ex_9', enabledEvents: ['extract_run.processed'] },
  }), 404);
  // F25c: the other workspace's own endpoint with this workspace's extractor: 404, nothing stored.
  const otherEndpoint = (await other('POST', '/webhook_endpoints', { body: endpointBody('https://93.184.216.34/b') })).body;
  expectError(assert, await other('POST', '/webhook_subscriptions', {
    body: { webhookEndpointId: otherEndpoint.id, resourceType: 'extractor', resourceId: ex1, enabledEvents: ['extract_run.processed'] },
  }), 404, 'NOT_FOUND');
  assert.deepEqual((await other('DELETE', `/webhook_endpoints/${otherEndpoint.id}`)).status, 200);
  assert.deepEqual((await other('GET', '/webhook_endpoints')).body.data, []);
  assert.deepEqual((await other('GET', '/webhook_subscriptions')).body.data, []);
  // Nothing changed for the owner.
  assert.equal((await srv.api('GET', `/webhook_endpoints/${e.id}`)).body.name, 'Test hook');
  assert.equal((await srv.api('GET', `/webhook_subscriptions/${s.id}`)).status, 200);
});

test('webhooks: a test event is delivered signed, with the configured headers, and logged', { timeout: 60000 }, async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const srv = await startServer({ t });
  const e = (await srv.api('POST', '/webhook_endpoints', {
    body: endpointBody(rx.url, { advancedOptions: { headers: { 'X-Team': 'eval', authorization: 'Bearer receiver-token' } } }),
  })).body;
  const sent = await srv.api('POST', `/webhook_endpoints/${e.id}/test`, { body: {} });
  assert.equal(sent.status, 200, sent.text);
  assert.match(sent.body.id, /^event_/);
  assert.equal(sent.body.eventType, 'webhook_endpoint.test');
  const d = await waitFor(() => rx.deliveries[0]);
  assert.ok(d, 'no delivery arrived');
  assert.equal(d.method, 'POST');
  assert.equal(d.path, '/hooks');
  assert.equal(d.headers['content-type'], 'application/json');
  assert.equal(d.headers['x-extend-api-version'], VERSION);
  assert.equal(d.headers['x-team'], 'eval');
  assert.equal(d.headers.authorization, 'Bearer receiver-token');
  const ts = d.headers['x-extend-request-timestamp'];
  assert.match(ts, /^\d{10}$/, 'unix seconds');
  assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 30);
  const expected = crypto.createHmac('sha256', e.signingSecret).update(`v0:${ts}:${d.body}`).digest('hex');
  assert.equal(d.headers['x-extend-request-signature'], expected);
  const env = JSON.parse(d.body);
  assert.deepEqual(Object.keys(env), ['eventId', 'eventType', 'payload']);
  assert.equal(env.eventId, sent.body.id);
  assert.equal(env.eventType, 'webhook_endpoint.test');
  assert.equal(env.payload.object, 'webhook_endpoint');
  assert.equal(env.payload.id, e.id);
  assert.equal(env.payload.signingSecret, undefined);

  const log = await waitFor(async () => {
    const r = await srv.api('GET', `/webhook_endpoints/${e.id}/deliveries`);
    return r.body.data?.[0]?.status === 'delivered' ? r : null;
  });
  assert.ok(log, 'delivery not marked delivered');
  const entry = log.body.data[0];
  assert.equal(log.body.object, 'list');
  assert.equal(entry.eventId, sent.body.id);
  assert.equal(entry.eventType, 'webhook_endpoint.test');
  assert.equal(entry.attemptCount, 1);
  assert.equal(entry.attempts.length, 1);
  assert.equal(entry.attempts[0].statusCode, 200);
  assert.equal(entry.attempts[0].error, null);
  assert.equal(typeof entry.attempts[0].durationMs, 'number');
  assert.ok(!Number.isNaN(Date.parse(entry.attempts[0].attemptedAt)));
  expectError(assert, await srv.api('GET', '/webhook_endpoints/wh_nope/deliveries'), 404);
  assert.deepEqual(srv.serverErrors(), []);
});

test('webhooks: failures are retried with backoff, then the endpoint is disabled and says why', { timeout: 60000 }, async (t) => {
  const rx = await startReceiver();
  rx.mode = 'fail';
  t.after(() => rx.close());
  const srv = await startServer({
    t,
    args: ['--webhook-retry-base-ms', '100', '--webhook-retry-max-ms', '400', '--webhook-disable-after-ms', '1500',
      '--webhook-max-attempts', '50'],
  });
  const e = (await srv.api('POST', '/webhook_endpoints', { body: endpointBody(rx.url) })).body;
  const sent = (await srv.api('POST', `/webhook_endpoints/${e.id}/test`, { body: {} })).body;
  const disabled = await waitFor(async () => {
    const r = await srv.api('GET', `/webhook_endpoints/${e.id}`);
    return r.body.status === 'disabled' ? r.body : null;
  }, { timeoutMs: 20000 });
  assert.ok(disabled, 'endpoint was not disabled');
  assert.match(disabled.disabledReason, /failed/);
  assert.match(disabled.disabledReason, /HTTP 500/);
  const listed = await srv.api('GET', '/webhook_endpoints', { query: { status: 'disabled' } });
  assert.deepEqual(listed.body.data.map((x) => x.id), [e.id]);

  // The attempts are logged with status and error; the gaps grow (backoff).
  const log = (await srv.api('GET', `/webhook_endpoints/${e.id}/deliveries`)).body.data[0];
  assert.equal(log.status, 'pending');
  assert.ok(log.attempts.length >= 3, `only ${log.attempts.length} attempts`);
  assert.equal(log.attempts.length, rx.deliveries.length);
  for (const a of log.attempts) {
    assert.equal(a.statusCode, 500);
    assert.match(a.error, /HTTP 500/);
  }
  const times = log.attempts.map((a) => Date.parse(a.attemptedAt));
  // Lower bounds only (a loaded machine delays attempts, never hastens them): the first retry
  // waits base x (1 - jitter) = 80 ms, the second the doubled delay's 160 ms, more than the
  // first delay can ever be (120 ms) — so a backoff that does not grow fails here.
  const gaps = `gaps ${times[1] - times[0]}, ${times[2] - times[1]}`;
  assert.ok(times[1] - times[0] >= 70, `first retry came sooner than the base delay allows (${gaps})`);
  assert.ok(times[2] - times[1] >= 150, `second retry came sooner than the doubled delay allows (${gaps})`);
  // Every attempt carried the same eventId.
  assert.deepEqual([...new Set(rx.deliveries.map((d) => JSON.parse(d.body).eventId))], [sent.id]);

  // While disabled, nothing is sent; re-enabling resumes the pending delivery.
  const count = rx.deliveries.length;
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(rx.deliveries.length, count);
  rx.mode = 'ok';
  const re = await srv.api('POST', `/webhook_endpoints/${e.id}`, { body: { status: 'enabled' } });
  assert.equal(re.body.status, 'enabled');
  assert.equal(re.body.disabledReason, null);
  assert.ok(await waitFor(() => rx.acceptedIds().includes(sent.id)), 'not delivered after re-enabling');
  const done = await waitFor(async () => {
    const r = (await srv.api('GET', `/webhook_endpoints/${e.id}/deliveries`)).body.data[0];
    return r.status === 'delivered' ? r : null;
  });
  assert.equal(done.lastStatusCode, 200);
  assert.deepEqual(srv.serverErrors(), []);
});

// --webhook-max-attempts at its boundary: a receiver that fails twice and then answers 200
// gets the delivery on attempt 3 of 3 (a transient failure); one that always fails (a
// permanent failure) sees exactly 3 attempts, and the delivery ends `failed`.
test('webhooks: --webhook-max-attempts 3 delivers on the 3rd attempt and stops after the 3rd', { timeout: 60000 }, async (t) => {
  const args = ['--webhook-max-attempts', '3', '--webhook-retry-base-ms', '50', '--webhook-retry-max-ms', '100',
    '--webhook-disable-after-ms', '600000'];
  const srv = await startServer({ t, args });
  const flaky = await startReceiver({ verify: () => flaky.deliveries.length >= 2 });
  const down = await startReceiver();
  down.mode = 'fail';
  t.after(() => Promise.all([flaky.close(), down.close()]));
  const deliveryOf = async (endpointId) => (await srv.api('GET', `/webhook_endpoints/${endpointId}/deliveries`)).body.data[0];
  const settled = (endpointId) => waitFor(async () => {
    const d = await deliveryOf(endpointId);
    return d && d.status !== 'pending' ? d : null;
  }, { timeoutMs: 20000 });

  const e1 = (await srv.api('POST', '/webhook_endpoints', { body: endpointBody(flaky.url, { name: 'flaky' }) })).body;
  const e2 = (await srv.api('POST', '/webhook_endpoints', { body: endpointBody(down.url, { name: 'down' }) })).body;
  assert.equal((await srv.api('POST', `/webhook_endpoints/${e1.id}/test`, { body: {} })).status, 200);
  assert.equal((await srv.api('POST', `/webhook_endpoints/${e2.id}/test`, { body: {} })).status, 200);

  const ok = await settled(e1.id);
  assert.ok(ok, 'the flaky receiver\'s delivery never settled');
  assert.equal(ok.status, 'delivered');
  assert.equal(ok.attempts.length, 3);
  assert.deepEqual(ok.attempts.map((a) => a.statusCode), [401, 401, 200]);

  const failed = await settled(e2.id);
  assert.ok(failed, 'the failing receiver\'s delivery never settled');
  assert.equal(failed.status, 'failed');
  assert.equal(failed.attempts.length, 3);
  await new Promise((r) => setTimeout(r, 500));  // several retry delays: no 4th attempt comes
  assert.equal(down.deliveries.length, 3);
  assert.equal(flaky.deliveries.length, 3);
  assert.equal((await srv.api('GET', `/webhook_endpoints/${e2.id}`)).body.status, 'enabled');
  assert.deepEqual(srv.serverErrors(), []);
});

// docs/webhooks.md: while an endpoint is disabled no new events are queued for it (they are
// not sent later when it is enabled again); an enabled endpoint gets the same event.
test('webhooks: a disabled endpoint gets no deliveries queued for new events', { timeout: 60000 }, async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const srv = await startServer({ t });
  const off = (await srv.api('POST', '/webhook_endpoints', { body: endpointBody(rx.url, { name: 'off', status: 'disabled' }) })).body;
  assert.equal(off.status, 'disabled');
  const on = (await srv.api('POST', '/webhook_endpoints', { body: endpointBody(rx.url, { name: 'on' }) })).body;
  const extractor = (await srv.api('POST', '/extractors', { body: { name: 'x', config: { schema: invoiceSchema } } })).body;
  const run = await srv.api('POST', '/extract_runs', { body: { extractor: { id: extractor.id }, file: { text: invoiceText(1), name: 'inv.txt' } } });
  assert.equal(run.status, 200, run.text);
  const delivered = await waitFor(async () => {
    const d = (await srv.api('GET', `/webhook_endpoints/${on.id}/deliveries`)).body.data;
    return d.length && d[0].status === 'delivered' ? d : null;
  }, { timeoutMs: 20000 });
  assert.ok(delivered, 'the enabled endpoint got no extract_run.processed delivery');
  assert.deepEqual((await srv.api('GET', `/webhook_endpoints/${off.id}/deliveries`)).body.data, []);
  const re = await srv.api('POST', `/webhook_endpoints/${off.id}`, { body: { status: 'enabled' } });
  assert.equal(re.body.status, 'enabled');
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual((await srv.api('GET', `/webhook_endpoints/${off.id}/deliveries`)).body.data, []);
  assert.equal(rx.deliveries.length, 1, 'only the enabled endpoint was sent the event');
  assert.deepEqual(srv.serverErrors(), []);
});
