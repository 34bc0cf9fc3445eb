// Workspace isolation, route by route: with workspace B's key, every route that takes an id
// answers 404 for workspace A's objects (never 403, never a hint that the id exists), changes
// nothing of A's, and B's own objects cannot reference A's. Runs that are PENDING or PROCESSING
// (held by a gated engine) stay so after B's cancel and delete attempts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createKey, createWorkspace, expectError, uploadFile } from './harness.mjs';
import { startGatedEngine } from './gated_engine.mjs';
import {
  invoiceSchema, invoiceText, classifierConfig, classTexts, splitterConfig, seedInvoiceSet, waitForRun,
} from './eval_fixtures.mjs';

async function waitStatus(srv, path, statuses, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await srv.api('GET', path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (statuses.includes(r.body.status)) return r.body;
    assert.ok(Date.now() < deadline, `${path} is ${r.body.status}, waited for ${statuses}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

test('another workspace: every id route answers 404 and changes nothing', { timeout: 120000 }, async (t) => {
  const srv = await startServer({ t, args: ['--workers', '2'] });
  const engine = await startGatedEngine();
  t.after(() => engine.close());
  const wsB = await createWorkspace(srv.dataDir, ['--name', 'Intruder']);
  const keyB = await createKey(srv.dataDir, ['--workspace', wsB]);
  const asB = (method, path, opts = {}) => srv.api(method, path, { ...opts, key: keyB });
  const ok = (r) => { assert.equal(r.status, 200, JSON.stringify(r.body)); return r.body; };

  // Workspace A: one of everything, two finished evaluation runs, and held processor runs.
  const seeded = await seedInvoiceSet(srv, 3);
  const set = seeded.set, item = seeded.items[0];
  const file = ok(await uploadFile(srv, { name: 'a.txt', content: invoiceText(7) }));
  const run1 = ok(await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } }));
  const run2 = ok(await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.id } }));
  await waitForRun(srv.api, run1.id);
  await waitForRun(srv.api, run2.id);
  const extractor = seeded.extractor;
  ok(await srv.api('POST', `/extractors/${extractor.id}/versions`, { body: { releaseType: 'major' } }));
  const classifier = ok(await srv.api('POST', '/classifiers', { body: { name: 'c', config: classifierConfig } }));
  const splitter = ok(await srv.api('POST', '/splitters', { body: { name: 's', config: splitterConfig } }));
  const endpoint = ok(await srv.api('POST', '/webhook_endpoints', {
    body: { url: 'https://93.184.216.34/hook', name: 'A hook', enabledEvents: ['extract_run.processed'], apiVersion: '2026-02-09' },
  }));
  const subscription = ok(await srv.api('POST', '/webhook_subscriptions', {
    body: { webhookEndpointId: endpoint.id, resourceType: 'extractor', resourceId: extractor.id, enabledEvents: ['extract_run.failed'] },
  }));
  // Held runs: the gated engine keeps each PROCESSING; with 2 workers a third waits PENDING.
  const slowEx = ok(await srv.api('POST', '/extractors', { body: { name: 'slow', config: { schema: invoiceSchema, engine: { type: 'http', url: engine.url } } } }));
  const slowSet = ok(await srv.api('POST', '/evaluation_sets', { body: { name: 'slow', entityId: slowEx.id } }));
  ok(await srv.api('POST', `/evaluation_sets/${slowSet.id}/items`, { body: { items: [{ fileId: file.id, expectedOutput: { value: {} } }] } }));
  const heldEval = ok(await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: slowSet.id } }));
  const heldExtract = ok(await srv.api('POST', '/extract_runs', { body: { extractor: { id: slowEx.id }, file: { id: file.id } } }));
  const held = {
    evaluation_set_runs: heldEval.id,
    extract_runs: heldExtract.id,
    classify_runs: ok(await srv.api('POST', '/classify_runs', { body: { config: { ...classifierConfig, engine: { type: 'http', url: engine.url } }, file: { text: classTexts.receipt, name: 'r.txt' } } })).id,
    split_runs: ok(await srv.api('POST', '/split_runs', { body: { config: { ...splitterConfig, engine: { type: 'http', url: engine.url } }, file: { text: classTexts.invoice, name: 's.txt' } } })).id,
  };
  await waitStatus(srv, `/evaluation_set_runs/${heldEval.id}`, ['PROCESSING']);

  const versionRefs = ['draft', 'latest', '1.0', extractor.draftVersion.id];
  const routes = [
    ['GET', `/files/${file.id}`], ['DELETE', `/files/${file.id}`], ['GET', `/files/${file.id}/pages/1.png`],
    ['GET', `/evaluation_sets/${set.id}`], ['GET', `/evaluation_sets/${set.id}/items`],
    ['POST', `/evaluation_sets/${set.id}/items`, { items: [{ fileId: file.id, expectedOutput: { value: {} } }] }],
    ['GET', `/evaluation_sets/${set.id}/items/${item.id}`],
    ['POST', `/evaluation_sets/${set.id}/items/${item.id}`, { expectedOutput: { value: { vendor: 'hijacked' } } }],
    ['DELETE', `/evaluation_sets/${set.id}/items/${item.id}`],
    ['GET', `/evaluation_set_runs/${run1.id}`], ['GET', `/evaluation_set_runs/${run1.id}/results`],
    ['GET', `/evaluation_set_runs/${run1.id}/results.csv`],
    ['GET', `/evaluation_set_runs/${run1.id}/results/${item.id}`],
    ['GET', `/evaluation_set_runs/${run1.id}/compare?baseline=${run2.id}`],
    ['GET', `/evaluation_set_runs/${run1.id}/compare?baseline=${run2.id}&alpha=0.01&margin=0.02&effect=0.05`],
    ['GET', `/evaluation_set_runs/${run1.id}/summary`],
    ['POST', `/evaluation_set_runs/${heldEval.id}/cancel`, {}],
    ['POST', '/evaluation_set_runs', { evaluationSetId: set.id }],
    ['GET', `/webhook_endpoints/${endpoint.id}`], ['POST', `/webhook_endpoints/${endpoint.id}`, { name: 'hijack' }],
    ['GET', `/webhook_endpoints/${endpoint.id}/deliveries`], ['POST', `/webhook_endpoints/${endpoint.id}/test`, {}],
    ['DELETE', `/webhook_endpoints/${endpoint.id}`],
    ['GET', `/webhook_subscriptions/${subscription.id}`],
    ['POST', `/webhook_subscriptions/${subscription.id}`, { enabledEvents: ['extract_run.processed'] }],
    ['DELETE', `/webhook_subscriptions/${subscription.id}`],
  ];
  for (const [kind, p] of [['extractors', extractor], ['classifiers', classifier], ['splitters', splitter]]) {
    routes.push(['GET', `/${kind}/${p.id}`], ['POST', `/${kind}/${p.id}`, { name: 'hijack' }], ['DELETE', `/${kind}/${p.id}`],
      ['GET', `/${kind}/${p.id}/versions`], ['POST', `/${kind}/${p.id}/versions`, { releaseType: 'minor' }]);
    for (const ref of kind === 'extractors' ? versionRefs : ['draft']) routes.push(['GET', `/${kind}/${p.id}/versions/${ref}`]);
  }
  for (const [kind, id] of Object.entries(held)) {
    if (kind === 'evaluation_set_runs') continue;
    routes.push(['GET', `/${kind}/${id}`], ['POST', `/${kind}/${id}/cancel`, {}], ['DELETE', `/${kind}/${id}`]);
  }
  for (const [method, path, body] of routes) {
    const [p, query] = path.split('?');
    const r = await asB(method, p, { body, query: query ? Object.fromEntries(new URLSearchParams(query)) : undefined });
    assert.equal(r.status, 404, `${method} ${path} with another workspace's key: ${r.status} ${r.text}`);
    if (!path.endsWith('.png') && !path.endsWith('.csv')) expectError(assert, r, 404, 'NOT_FOUND');
  }

  // B's own objects cannot point at A's.
  const bSet = ok(await asB('POST', '/evaluation_sets', { body: { name: 'b', entityId: ok(await asB('POST', '/extractors', { body: { name: 'b', config: { schema: invoiceSchema } } })).id } }));
  const refs = [
    ['POST', `/evaluation_sets/${bSet.id}/items`, { items: [{ fileId: file.id, expectedOutput: { value: {} } }] }],
    ['POST', '/evaluation_sets', { name: 'x', entityId: extractor.id }],
    ['POST', '/extract_runs', { extractor: { id: extractor.id }, file: { text: 'x', name: 'x.txt' } }],
    ['POST', '/classify_runs', { classifier: { id: classifier.id }, file: { text: 'x', name: 'x.txt' } }],
    ['POST', '/split_runs', { splitter: { id: splitter.id }, file: { text: 'x', name: 'x.txt' } }],
    ['POST', '/extract_runs', { config: { schema: invoiceSchema }, file: { id: file.id } }],
    ['POST', '/extractors', { name: 'clone', cloneExtractorId: extractor.id }],
    ['POST', '/webhook_subscriptions', { webhookEndpointId: endpoint.id, resourceType: 'extractor', resourceId: extractor.id, enabledEvents: ['extract_run.failed'] }],
  ];
  for (const [method, path, body] of refs) {
    const r = await asB(method, path, { body });
    assert.equal(r.status, 404, `${method} ${path} referencing A's object: ${r.status} ${r.text}`);
  }

  // Lists in B show nothing of A's.
  for (const path of ['/files', '/evaluation_sets', '/extractors', '/classifiers', '/splitters', '/extract_runs',
    '/classify_runs', '/split_runs', '/webhook_endpoints', '/webhook_subscriptions']) {
    const r = ok(await asB('GET', path, { query: { maxPageSize: 1000 } }));
    const aIds = new Set([file.id, set.id, extractor.id, classifier.id, splitter.id, endpoint.id, subscription.id, ...Object.values(held)]);
    assert.deepEqual(r.data.filter((x) => aIds.has(x.id)), [], `${path} in B lists A's objects`);
  }
  const runsOfA = await asB('GET', '/evaluation_set_runs', { query: { evaluationSetId: set.id } });
  assert.ok(runsOfA.status === 404 || (runsOfA.status === 200 && runsOfA.body.data.length === 0), runsOfA.text);

  // Nothing of A's changed.
  assert.equal((await srv.api('GET', `/files/${file.id}`)).status, 200);
  assert.equal(ok(await srv.api('GET', `/evaluation_sets/${set.id}/items/${item.id}`)).expectedOutput.value.vendor, item.expectedOutput.value.vendor);
  assert.equal(ok(await srv.api('GET', `/extractors/${extractor.id}`)).name, extractor.name);
  assert.equal(ok(await srv.api('GET', `/webhook_endpoints/${endpoint.id}`)).name, 'A hook');
  assert.deepEqual(ok(await srv.api('GET', `/webhook_subscriptions/${subscription.id}`)).enabledEvents, ['extract_run.failed']);
  assert.equal(ok(await srv.api('GET', `/extractors/${extractor.id}/versions`)).data.length, 2, 'no version published by B');
  for (const [kind, id] of Object.entries(held)) {
    const r = ok(await srv.api('GET', `/${kind}/${id}`));
    assert.ok(['PENDING', 'PROCESSING'].includes(r.status), `${kind} ${id} is ${r.status} after B's cancel`);
  }
  assert.deepEqual(srv.serverErrors(), []);
});
