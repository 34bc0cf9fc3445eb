// Webhooks with the official extend-ai SDK: endpoints and subscriptions through the SDK
// client, every delivery verified by the SDK's webhooks.verifyAndParse, at-least-once
// delivery across a receiver outage and server restarts (kill -9 and SIGTERM), and the
// SDK rejecting tampered bodies, wrong secrets and stale timestamps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ExtendClient, Extend, WebhookSignatureVerificationError } from 'extend-ai';
import { startServer } from '../integration/harness.mjs';
import { startReceiver, waitFor } from '../integration/webhook_receiver.mjs';

test('extend-ai SDK: webhook endpoints and subscriptions', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const client = new ExtendClient({ token: srv.key, baseUrl: srv.url, timeoutInSeconds: 20 });
  const created = await client.webhookEndpoints.create({
    url: 'https://93.184.216.34/hooks', name: 'SDK hook', enabledEvents: ['extract_run.processed', 'extractor.created'],
    apiVersion: '2026-02-09', advancedOptions: { headers: { 'x-env': 'test' } },
  });
  assert.match(created.id, /^wh_/);
  assert.match(created.signingSecret, /^wss_/);
  const got = await client.webhookEndpoints.retrieve(created.id);
  assert.equal(got.name, 'SDK hook');
  assert.equal(got.signingSecret, undefined);
  const updated = await client.webhookEndpoints.update(created.id, { status: 'disabled' });
  assert.equal(updated.status, 'disabled');
  const list = await client.webhookEndpoints.list({ status: 'disabled' });
  assert.deepEqual(list.data.map((e) => e.id), [created.id]);

  // A subscription names a processor of the workspace (an unknown id is 404).
  const extractor = await client.extractors.create({ name: 'SDK subscribed', config: { schema: { type: 'object', properties: { total: { type: 'number' } } } } });
  await assert.rejects(client.webhookSubscriptions.create({
    webhookEndpointId: created.id, resourceType: 'extractor', resourceId: 'ex_sdk', enabledEvents: ['extract_run.failed'],
  }), Extend.NotFoundError);
  const sub = await client.webhookSubscriptions.create({
    webhookEndpointId: created.id, resourceType: 'extractor', resourceId: extractor.id, enabledEvents: ['extract_run.failed'],
  });
  assert.match(sub.id, /^whes_/);
  const same = await client.webhookSubscriptions.create({
    webhookEndpointId: created.id, resourceType: 'extractor', resourceId: extractor.id, enabledEvents: ['extract_run.processed'],
  });
  assert.equal(same.id, sub.id);
  const subs = await client.webhookSubscriptions.list({ webhookEndpointId: created.id });
  assert.deepEqual(subs.data.map((s) => s.enabledEvents), [['extract_run.processed']]);
  const u = await client.webhookSubscriptions.update(sub.id, { enabledEvents: ['batch_processor_run.failed'] });
  assert.deepEqual(u.enabledEvents, ['batch_processor_run.failed']);
  await assert.rejects(client.webhookSubscriptions.create({
    webhookEndpointId: created.id, resourceType: 'extractor', resourceId: extractor.id, enabledEvents: ['split_run.failed'],
  }), Extend.BadRequestError);
  await assert.rejects(client.webhookEndpoints.create({
    url: 'http://10.0.0.5/hooks', name: 'private', enabledEvents: [], apiVersion: '2026-02-09',
  }), Extend.BadRequestError);
  assert.deepEqual(await client.webhookSubscriptions.delete(sub.id), { id: sub.id });
  assert.deepEqual(await client.webhookEndpoints.delete(created.id), { id: created.id });
  await assert.rejects(client.webhookEndpoints.retrieve(created.id), Extend.NotFoundError);
});

test('extend-ai SDK: every event is delivered at least once across an outage and restarts', { timeout: 120000 }, async (t) => {
  const client = new ExtendClient({ token: 'unused', baseUrl: 'http://127.0.0.1:9' });
  let secret = null;
  let rejected = 0;
  const rx = await startReceiver({
    verify: (body, headers) => {
      const event = client.webhooks.verifyAndParse(body, headers, secret);
      if (!event || typeof event.eventId !== 'string') throw new Error('no eventId');
      return event;
    },
  });
  t.after(() => rx.close());
  const srv = await startServer({
    t,
    args: ['--webhook-retry-base-ms', '200', '--webhook-retry-max-ms', '1000', '--webhook-timeout-ms', '2000',
      '--webhook-max-attempts', '200', '--webhook-workers', '2'],
  });
  const sdk = new ExtendClient({ token: srv.key, baseUrl: srv.url, timeoutInSeconds: 20 });
  const endpoint = await sdk.webhookEndpoints.create({
    url: rx.url, name: 'durability', enabledEvents: ['evaluation_set_run.processed'], apiVersion: '2026-02-09',
  });
  secret = endpoint.signingSecret;
  const generated = [];
  const generate = async (n) => {
    for (let i = 0; i < n; i++) {
      const r = await srv.api('POST', `/webhook_endpoints/${endpoint.id}/test`, { body: {} });
      assert.equal(r.status, 200, r.text);
      generated.push(r.body.id);
    }
  };

  // Healthy receiver.
  await generate(3);
  assert.ok(await waitFor(() => generated.every((id) => rx.acceptedIds().includes(id))), 'healthy deliveries missing');

  // Outage: the receiver is gone; events keep coming; the server is killed and restarted.
  await rx.close();
  await generate(10);
  await waitFor(async () => {
    const log = (await srv.api('GET', `/webhook_endpoints/${endpoint.id}/deliveries`, { query: { maxPageSize: 100 } })).body.data;
    return log.filter((d) => d.status === 'pending' && d.attemptCount >= 1).length >= 10;
  });
  await srv.kill9();
  await srv.restart();
  await generate(5);
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(await srv.stop(), 0, 'SIGTERM drain did not exit 0');
  await srv.restart();
  await generate(5);

  // Deliveries are failing right now: nothing accepted since the outage began.
  const outage = generated.slice(3);
  assert.ok(outage.every((id) => !rx.acceptedIds().includes(id)));
  const pending = (await srv.api('GET', `/webhook_endpoints/${endpoint.id}/deliveries`, { query: { maxPageSize: 100 } })).body.data;
  assert.equal(pending.length, generated.length);
  assert.ok(pending.some((d) => d.attempts.some((a) => a.statusCode === null && a.error)), 'no failed attempt logged');

  // The receiver comes back: everything arrives.
  await rx.reopen();
  const all = await waitFor(() => generated.every((id) => rx.acceptedIds().includes(id)), { timeoutMs: 40000 });
  const got = new Set(rx.acceptedIds());
  assert.ok(all, `missing: ${generated.filter((id) => !got.has(id)).join(', ')}`);
  // At least once, nothing invented: every received id was generated, and every delivery verified.
  for (const id of got) assert.ok(generated.includes(id), `unexpected eventId ${id}`);
  for (const d of rx.deliveries) {
    if (!d.accepted) rejected++;
  }
  assert.equal(rejected, 0, 'the SDK rejected a delivery');
  const dupes = rx.acceptedIds().length - got.size;
  t.diagnostic(`events: ${generated.length}, deliveries received: ${rx.deliveries.length}, duplicates: ${dupes}`);

  const log = await waitFor(async () => {
    const d = (await srv.api('GET', `/webhook_endpoints/${endpoint.id}/deliveries`, { query: { maxPageSize: 100 } })).body.data;
    return d.every((x) => x.status === 'delivered') ? d : null;
  });
  assert.ok(log, 'deliveries log not all delivered');
  assert.deepEqual(new Set(log.map((d) => d.eventId)), new Set(generated));
  assert.deepEqual(srv.serverErrors(), []);
});

test('extend-ai SDK: tampered body, wrong secret and stale timestamp are rejected', { timeout: 60000 }, async (t) => {
  const rx = await startReceiver();
  t.after(() => rx.close());
  const srv = await startServer({ t });
  const sdk = new ExtendClient({ token: srv.key, baseUrl: srv.url, timeoutInSeconds: 20 });
  const endpoint = await sdk.webhookEndpoints.create({ url: rx.url, name: 'verify', enabledEvents: [], apiVersion: '2026-02-09' });
  const sent = (await srv.api('POST', `/webhook_endpoints/${endpoint.id}/test`, { body: {} })).body;
  const d = await waitFor(() => rx.deliveries[0]);
  assert.ok(d, 'no delivery');
  const secret = endpoint.signingSecret;
  const wh = sdk.webhooks;

  // The real delivery verifies.
  const event = wh.verifyAndParse(d.body, d.headers, secret);
  assert.equal(event.eventId, sent.id);
  assert.equal(event.eventType, 'webhook_endpoint.test');
  assert.equal(wh.verify(d.body, d.headers, secret), true);

  // Tampered body: one changed byte, or re-serialized JSON.
  const tampered = d.body.replace(endpoint.id, endpoint.id.slice(0, -1) + (endpoint.id.endsWith('A') ? 'B' : 'A'));
  assert.notEqual(tampered, d.body);
  assert.equal(wh.verify(tampered, d.headers, secret), false);
  assert.equal(wh.verify(JSON.stringify(JSON.parse(d.body), null, 1), d.headers, secret), false);
  assert.throws(() => wh.verifyAndParse(tampered, d.headers, secret), WebhookSignatureVerificationError);

  // Wrong secret (another endpoint's, and the secret without its wss_ prefix).
  const other = await sdk.webhookEndpoints.create({ url: rx.url, name: 'other', enabledEvents: [], apiVersion: '2026-02-09' });
  assert.equal(wh.verify(d.body, d.headers, other.signingSecret), false);
  assert.equal(wh.verify(d.body, d.headers, secret.slice(4)), false);
  assert.throws(() => wh.verifyAndParse(d.body, d.headers, other.signingSecret), WebhookSignatureVerificationError);

  // Stale timestamp: the original signature with an old timestamp header, and a correct
  // signature over an old timestamp (rejected by age alone; accepted with maxAgeSeconds 0).
  const old = String(Math.floor(Date.now() / 1000) - 400);
  assert.equal(wh.verify(d.body, { ...d.headers, 'x-extend-request-timestamp': old }, secret), false);
  const resigned = crypto.createHmac('sha256', secret).update(`v0:${old}:${d.body}`).digest('hex');
  const staleHeaders = { ...d.headers, 'x-extend-request-timestamp': old, 'x-extend-request-signature': resigned };
  assert.throws(() => wh.verifyAndParse(d.body, staleHeaders, secret), /too old/);
  assert.equal(wh.verify(d.body, staleHeaders, secret, { maxAgeSeconds: 0 }), true);
  // A millisecond timestamp is refused (it is in the future).
  const ms = String(Date.now());
  const msSig = crypto.createHmac('sha256', secret).update(`v0:${ms}:${d.body}`).digest('hex');
  assert.equal(wh.verify(d.body, { ...d.headers, 'x-extend-request-timestamp': ms, 'x-extend-request-signature': msSig }, secret), false);
  // Missing headers.
  const { 'x-extend-request-signature': _drop, ...noSig } = d.headers;
  assert.equal(wh.verify(d.body, noSig, secret), false);
});
