// Writes web/openapi.json (served at GET /openapi.json, embedded in the binary) from the
// route table below. `node scripts/openapi/build.mjs --check` exits 1 when the committed
// file differs (the integration suite runs it). Schemas describe what every response
// carries; objects stay open to new fields (the contract's additive changes).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'web/openapi.json');
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };
const num = { type: 'number' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const obj = (properties = {}, required = Object.keys(properties)) => ({ type: 'object', properties, required });
const list = (item) => obj({ object: { const: 'list' }, data: { type: 'array', items: item }, nextPageToken: nstr }, ['object', 'data']);
const time = { type: 'string', format: 'date-time' };

const schemas = {
  Error: obj({ code: str, message: str, retryable: bool, requestId: str, docUrl: str }, ['code', 'message', 'retryable']),
  Deleted: obj({ id: str }),
  CreatedBy: { type: ['object', 'null'], properties: { type: str, name: str, email: str } },
  FileSummary: obj({ object: { const: 'file' }, id: str, name: str, type: nstr, parentFileId: nstr,
    metadata: obj({ pageCount: int }, []), createdAt: time, updatedAt: time }),
  File: { allOf: [ref('FileSummary'), obj({ presignedUrl: nstr, contents: { type: ['object', 'null'] } })] },
  ProcessorSummary: obj({ object: { enum: ['extractor', 'classifier', 'splitter'] }, id: str, name: str, createdAt: time, updatedAt: time }),
  ProcessorVersion: obj({ object: { enum: ['extractor_version', 'classifier_version', 'splitter_version'] }, id: str,
    version: str, description: nstr, createdAt: time, createdBy: ref('CreatedBy'), config: { type: 'object' } },
  ['object', 'id', 'version', 'createdAt']),
  Processor: { allOf: [ref('ProcessorSummary'), obj({ draftVersion: ref('ProcessorVersion') })] },
  EvaluationSet: obj({ object: { const: 'evaluation_set' }, id: str, name: str, description: str, entity: ref('ProcessorSummary'),
    createdAt: time, updatedAt: time, createdBy: ref('CreatedBy') }, ['object', 'id', 'name', 'description', 'entity', 'createdAt', 'updatedAt']),
  // file is null for multifile items, which carry files instead.
  EvaluationSetItem: obj({ object: { const: 'evaluation_set_item' }, id: str, evaluationSetId: str,
    file: { oneOf: [ref('FileSummary'), { type: 'null' }] }, files: { oneOf: [{ type: 'array', items: ref('FileSummary') }, { type: 'null' }] },
    expectedOutput: { type: 'object' }, createdBy: ref('CreatedBy') }, ['object', 'id', 'file']),
  EvaluationSetItems: obj({ evaluationSetItems: { type: 'array', items: ref('EvaluationSetItem') } }),
  EvaluationSetRun: obj({ object: { const: 'evaluation_set_run' }, id: str, evaluationSetId: str, entity: ref('ProcessorSummary'),
    entityVersion: ref('ProcessorVersion'), metrics: obj({ type: { enum: ['EXTRACT', 'CLASSIFY', 'SPLITTER'] } }, []),
    status: { enum: ['PENDING', 'PROCESSING', 'CANCELLING', 'PROCESSED', 'FAILED', 'CANCELLED'] },
    options: { type: 'object' }, createdAt: time, updatedAt: time },
  ['object', 'id', 'evaluationSetId', 'entity', 'entityVersion', 'metrics', 'status', 'createdAt', 'updatedAt']),
  ProcessorRun: obj({ object: { enum: ['extract_run', 'classify_run', 'split_run'] }, id: str,
    status: { enum: ['PENDING', 'PROCESSING', 'PROCESSED', 'FAILED', 'CANCELLED'] }, output: { type: ['object', 'null'] },
    failureReason: str, failureMessage: str, metadata: { type: 'object' }, reviewed: bool, edited: bool,
    config: { type: ['object', 'null'] }, file: { oneOf: [ref('FileSummary'), { type: 'null' }] }, dashboardUrl: str,
    createdAt: time, updatedAt: time }, ['object', 'id', 'status', 'reviewed', 'edited', 'file', 'dashboardUrl', 'createdAt', 'updatedAt']),
  BatchRun: obj({ object: { const: 'batch_run' }, id: str, status: { enum: ['PENDING', 'PROCESSING', 'PROCESSED', 'FAILED', 'CANCELLED'] },
    runCount: int, createdAt: time }),
  LegacyBatchProcessorRun: obj({ success: bool, batchProcessorRun: obj({ object: { const: 'batch_processor_run' }, id: str,
    processorId: str, processorVersionId: str, processorName: str, metrics: { type: 'object' }, status: str, source: str,
    sourceId: str, runCount: int, options: { type: 'object' }, createdAt: time, updatedAt: time }) }),
  WebhookEndpoint: obj({ object: { const: 'webhook_endpoint' }, id: str, url: str, name: str, status: { enum: ['enabled', 'disabled'] },
    enabledEvents: { type: 'array', items: str }, apiVersion: str, signingSecret: str, createdAt: time },
  ['object', 'id', 'url', 'name', 'status', 'enabledEvents', 'apiVersion', 'createdAt']),
  WebhookSubscription: obj({ object: { const: 'webhook_subscription' }, id: str, webhookEndpointId: str, resourceType: str,
    resourceId: str, enabledEvents: { type: 'array', items: str }, createdAt: time }),
  Health: obj({ status: str, version: str, scoringVersion: int }, ['status']),
  SampleData: obj({ object: { const: 'sample_data' }, created: bool, removed: int, evaluationSetIds: { type: 'array', items: str },
    runIds: { type: 'array', items: str } }, ['object']),
  Object: { type: 'object' },
};

// [method, path, summary, response schema (JSON) | {type} for other media, request body schema?]
const P = (kind) => kind;
const routes = [
  ['get', '/healthz', 'Liveness, version and scoring version (no key)', ref('Health'), null, false],
  ['get', '/readyz', 'Readiness: the store answers (no key)', ref('Health'), null, false],
  ['get', '/metrics', 'Prometheus metrics (only with --metrics, loopback peers)', { media: 'text/plain' }, null, false],
  ['get', '/openapi.json', 'This document (no key)', ref('Object'), null, false],
  ['post', '/files/upload', 'Upload a file (multipart/form-data: file, password?)', ref('File'), 'multipart'],
  ['get', '/files', 'List files', list(ref('FileSummary'))],
  ['get', '/files/{id}', 'Get a file with a presigned URL', ref('File')],
  ['delete', '/files/{id}', 'Delete a file', ref('Deleted')],
  ['get', '/files/{id}/content', 'Download a file (presigned: expires, signature; no key)', { media: 'application/octet-stream' }, null, false],
  ['get', '/files/{id}/pages/{page}', 'A page as PNG ({page} is N.png)', { media: 'image/png' }],
  ...['extractors', 'classifiers', 'splitters'].flatMap((X) => [
    ['get', `/${X}`, `List ${X}`, list(ref('ProcessorSummary'))],
    ['post', `/${X}`, `Create a processor`, ref('Processor'), ref('Object')],
    ['get', `/${X}/{id}`, 'Get a processor', ref('Processor')],
    ['post', `/${X}/{id}`, 'Update name or draft config', ref('Processor'), ref('Object')],
    ['delete', `/${X}/{id}`, 'Delete a processor (extension)', ref('Deleted')],
    ['get', `/${X}/{id}/versions`, 'List versions (draft first)', list(ref('ProcessorVersion'))],
    ['post', `/${X}/{id}/versions`, 'Publish a version', ref('ProcessorVersion'), ref('Object')],
    ['get', `/${X}/{id}/versions/{versionId}`, 'Get a version (draft, latest, 1.0, id)', ref('ProcessorVersion')],
  ]),
  ['post', '/evaluation_sets', 'Create an evaluation set', ref('EvaluationSet'), ref('Object')],
  ['get', '/evaluation_sets', 'List evaluation sets', list(ref('EvaluationSet'))],
  ['get', '/evaluation_sets/{id}', 'Get an evaluation set', ref('EvaluationSet')],
  ['post', '/evaluation_sets/{id}/items', 'Create items (1-100, all or nothing)', ref('EvaluationSetItems'), ref('Object')],
  ['get', '/evaluation_sets/{id}/items', 'List item summaries', list(ref('EvaluationSetItem'))],
  ['get', '/evaluation_sets/{id}/items/{itemId}', 'Get an item', ref('EvaluationSetItem')],
  ['post', '/evaluation_sets/{id}/items/{itemId}', 'Update an item\'s expected output', ref('EvaluationSetItem'), ref('Object')],
  ['delete', '/evaluation_sets/{id}/items/{itemId}', 'Delete an item', ref('Deleted')],
  ['post', '/evaluation_set_runs', 'Create and start a run', ref('EvaluationSetRun'), ref('Object')],
  ['get', '/evaluation_set_runs', 'List runs (extension; ?evaluationSetId=)', list(ref('EvaluationSetRun'))],
  ['get', '/evaluation_set_runs/{id}', 'Get a run', ref('EvaluationSetRun')],
  ['post', '/evaluation_set_runs/{id}/cancel', 'Cancel a run (extension)', ref('EvaluationSetRun'), ref('Object')],
  ['get', '/evaluation_set_runs/{id}/results', 'Per-item results (extension)', list(ref('Object'))],
  ['get', '/evaluation_set_runs/{id}/results.csv', 'Per-item results as CSV (extension)', { media: 'text/csv' }],
  ['get', '/evaluation_set_runs/{id}/summary', 'Accuracies with intervals (extension)', ref('Object')],
  ['get', '/evaluation_set_runs/{id}/results/{itemId}', 'One item\'s result (extension)', ref('Object')],
  ['get', '/evaluation_set_runs/{id}/compare', 'Compare with ?baseline= (extension)', ref('Object')],
  ['get', '/evaluation_set_runs/{id}/analysis', 'Analysis: ANLS*, error categories, line items, calibration, usage (extension; ?targetPrecision=, ?treeEdit=, ?grits=)', ref('Object')],
  ['post', '/evaluation_set_runs/{id}/rescore', 'Re-score the stored outputs without calling the processor (extension)', ref('EvaluationSetRun'), ref('Object')],
  ['post', '/evaluation_set_runs/{id}/results/{itemId}/promote', 'Copy an item\'s actual output into its expected output (extension; fields?)', ref('EvaluationSetItem'), ref('Object')],
  ['get', '/evaluation_sets/{id}/versions', 'Set versions (extension)', list(ref('Object'))],
  ['get', '/evaluation_sets/{id}/items/{itemId}/history', 'An item\'s revisions (extension)', list(ref('Object'))],
  ['post', '/evaluation_sets/{id}/items/{itemId}/revert', 'Restore an earlier revision as a new one (extension)', ref('EvaluationSetItem'), ref('Object')],
  ['get', '/evaluation_sets/{id}/suspects', 'Labels most likely wrong, ranked (extension; ?runs=)', list(ref('Object'))],
  ...[['extract_runs', '/extract'], ['classify_runs', '/classify'], ['split_runs', '/split']].flatMap(([X, sync]) => [
    ['post', `/${X}`, 'Create a run (file: {id} | {url} | {text})', ref('ProcessorRun'), ref('Object')],
    ['get', `/${X}`, 'List runs (?batchId=)', list(ref('ProcessorRun'))],
    ['get', `/${X}/{id}`, 'Get a run', ref('ProcessorRun')],
    ['delete', `/${X}/{id}`, 'Delete a run', ref('Deleted')],
    ['post', `/${X}/{id}/cancel`, 'Cancel a run', ref('ProcessorRun'), ref('Object')],
    ['post', `/${X}/batch`, 'Create up to 1,000 runs at once', ref('BatchRun'), ref('Object')],
    ['post', sync, 'Run synchronously (answers within 5 minutes)', ref('ProcessorRun'), ref('Object')],
  ]),
  ['get', '/batch_runs/{id}', 'Get a batch of runs', ref('BatchRun')],
  ['get', '/batch_processor_runs/{id}', 'Legacy alias of an evaluation run', ref('LegacyBatchProcessorRun')],
  ['post', '/sample_data', 'Load the sample data (extension; as goldset demo)', ref('SampleData'), ref('Object')],
  ['delete', '/sample_data', 'Remove the sample data (extension)', ref('SampleData')],
  ['post', '/webhook_endpoints', 'Create a webhook endpoint', ref('WebhookEndpoint'), ref('Object')],
  ['get', '/webhook_endpoints', 'List webhook endpoints', list(ref('WebhookEndpoint'))],
  ['get', '/webhook_endpoints/{id}', 'Get a webhook endpoint', ref('WebhookEndpoint')],
  ['post', '/webhook_endpoints/{id}', 'Update a webhook endpoint', ref('WebhookEndpoint'), ref('Object')],
  ['delete', '/webhook_endpoints/{id}', 'Delete an endpoint and its subscriptions', ref('Deleted')],
  ['get', '/webhook_endpoints/{id}/deliveries', 'Deliveries (extension)', list(ref('Object'))],
  ['post', '/webhook_endpoints/{id}/test', 'Send a test event (extension)', ref('Object'), ref('Object')],
  ['post', '/webhook_subscriptions', 'Create or update a subscription', ref('WebhookSubscription'), ref('Object')],
  ['get', '/webhook_subscriptions', 'List subscriptions', list(ref('WebhookSubscription'))],
  ['get', '/webhook_subscriptions/{id}', 'Get a subscription', ref('WebhookSubscription')],
  ['post', '/webhook_subscriptions/{id}', 'Update a subscription', ref('WebhookSubscription'), ref('Object')],
  ['delete', '/webhook_subscriptions/{id}', 'Delete a subscription', ref('Deleted')],
  ['get', '/api_keys', 'List API keys (admin key; extension)', list(ref('Object'))],
  ['post', '/api_keys', 'Create an API key (admin key; extension)', ref('Object'), ref('Object')],
  ['get', '/api_keys/{id}', 'Get an API key (admin key; extension)', ref('Object')],
  ['delete', '/api_keys/{id}', 'Revoke an API key (admin key; extension)', ref('Object')],
];
void P;

const errorResponse = { description: 'Error', content: { 'application/json': { schema: ref('Error') } } };
const paths = {};
for (const [method, p, summary, response, body, auth = true] of routes) {
  const params = [...p.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: str }));
  const ok = response.media
    ? { description: 'OK', content: { [response.media]: { schema: { type: 'string' } } } }
    : { description: 'OK', content: { 'application/json': { schema: response } } };
  const op = { summary, operationId: `${method}${p.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c) => (c ? c.toUpperCase() : ''))}`,
    responses: { 200: ok, default: errorResponse } };
  if (params.length) op.parameters = params;
  if (!auth) op.security = [];
  if (body === 'multipart') {
    op.requestBody = { required: true, content: { 'multipart/form-data': { schema: obj({ file: { type: 'string', contentMediaType: 'application/octet-stream' }, password: str }, ['file']) } } };
  } else if (body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: body } } };
  }
  (paths[p] ??= {})[method] = op;
}

const doc = {
  openapi: '3.1.0',
  info: { title: 'Goldset', version: '2026-02-09',
    description: 'Extend\'s public REST API (2026-02-09) as Goldset serves it, with Goldset\'s extensions. Every request but those marked otherwise carries Authorization: Bearer <key> and x-extend-api-version: 2026-02-09. Errors are {code, message, retryable, requestId}.' },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths,
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    parameters: {},
    schemas,
  },
};
const text = JSON.stringify(doc, null, 1) + '\n';
if (process.argv.includes('--check')) {
  const current = readFileSync(out, 'utf8');
  if (current !== text) {
    console.error('web/openapi.json is out of date: run node scripts/openapi/build.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
}
