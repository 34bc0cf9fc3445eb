// What a tenant's configuration may make the server do (security audit 2026-12, issue
// #15): read only allowed API-key variables (F1), send only sane headers (F17), fan a
// document out into a bounded number of LLM calls (F22); plus presigned downloads that a
// browser will not run (F20) and /metrics only when the operator enables it (F25b).
// The "third party" is a local receiver on 127.0.0.1 that records what arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { rmSync } from 'node:fs';
import { startServer, expectError, uploadFile, sleep } from './harness.mjs';
import { waitFor } from './webhook_receiver.mjs';
import { waitRun } from './eval_fixtures.mjs';

const VERSION = '2026-02-09';
const SCHEMA = { type: 'object', properties: { a: { type: ['string', 'null'] } } };
const SECRET = 'postgresql://goldset:hunter2@db.internal:5432/goldset';

// An OpenAI-compatible stand-in (and http engine endpoint) that records every request's
// headers and answers {"a": "x"} in the shape the engine asked for.
async function startRecorder() {
  const rx = { requests: [] };
  rx.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      rx.requests.push({ path: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      const answer = { a: 'x' };
      res.end(JSON.stringify(req.url.endsWith('/chat/completions')
        ? { choices: [{ message: { role: 'assistant', content: JSON.stringify(answer) } }] }
        : { value: answer, metadata: {} }));
    });
  });
  await new Promise((r) => rx.server.listen(0, '127.0.0.1', r));
  rx.url = `http://127.0.0.1:${rx.server.address().port}`;
  rx.close = () => new Promise((r) => { rx.server.closeAllConnections(); rx.server.close(r); });
  rx.everything = () => JSON.stringify(rx.requests);
  return rx;
}

// ---- F1 ----

test('F1: apiKeyEnv naming a non-allowed variable is refused (422) and never sent; allowed GOLDSET_LLM_X works',
  { timeout: 60000 }, async (t) => {
    const rx = await startRecorder();
    t.after(() => rx.close());
    const srv = await startServer({ t, env: { SECRET_DB_URL: SECRET, GOLDSET_LLM_X: 'sk-allowed-123' } });
    const config = (name) => ({ schema: SCHEMA, engine: { type: 'llm', baseUrl: `${rx.url}/v1`, model: 'm', apiKeyEnv: name } });
    const ex = (await srv.api('POST', '/extractors', { body: { name: 'target' } })).body;
    const wordings = new Set();
    // Set (SECRET_DB_URL, PATH, HOME) and unset names, and the server's own settings: refused
    // by name on every route that takes a config, in words that do not depend on the variable.
    for (const name of ['SECRET_DB_URL', 'PATH', 'HOME', 'NOT_SET_ANYWHERE', 'GOLDSET_DATABASE', 'GOLDSET_LLM_KEY_ENV_ALLOW']) {
      for (const [route, body] of [
        ['/extractors', { name: 'x', config: config(name) }],
        [`/extractors/${ex.id}`, { config: config(name) }],
        [`/extractors/${ex.id}/versions`, { releaseType: 'major', config: config(name) }],
        ['/extract_runs', { config: config(name), file: { text: 'hello' } }],
      ]) {
        const e = expectError(assert, await srv.api('POST', route, { body }), 422, 'INVALID_REQUEST');
        assert.ok(e.message.endsWith('; Path: config.engine.apiKeyEnv'), `${route} ${name}: ${e.message}`);
        assert.equal(e.retryable, false);
        wordings.add(e.message.replaceAll(name, '<NAME>'));
      }
    }
    assert.equal(wordings.size, 1, [...wordings].join('\n'));
    assert.match([...wordings][0], /--llm-key-env-allow \[GOLDSET_LLM_\*\]/);
    // Nothing was written and nothing was sent.
    assert.deepEqual((await srv.api('GET', `/extractors/${ex.id}/versions`)).body.data.map((v) => v.version), ['draft']);
    assert.equal(rx.requests.length, 0);

    // An allowed, set variable works: its value, and only it, reaches the engine.
    const ok = await srv.api('POST', '/extract_runs', { body: { config: config('GOLDSET_LLM_X'), file: { text: 'hello' } } });
    assert.equal(ok.status, 200, ok.text);
    const done = await waitRun(srv, `/extract_runs/${ok.body.id}`);
    assert.equal(done.status, 'PROCESSED', JSON.stringify(done));
    assert.equal(done.output.value.a, 'x');
    assert.equal(rx.requests.length, 1);
    assert.equal(rx.requests[0].headers.authorization, 'Bearer sk-allowed-123');

    // Allowed but not set: accepted when written (validation never looks at the
    // environment), then the run fails saying no such key is available.
    const unset = await srv.api('POST', '/extract_runs', { body: { config: config('GOLDSET_LLM_UNSET'), file: { text: 'hello' } } });
    assert.equal(unset.status, 200, unset.text);
    const failed = await waitRun(srv, `/extract_runs/${unset.body.id}`);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.failureMessage, /no API key named GOLDSET_LLM_UNSET is available to engines on this server/);
    assert.equal(rx.requests.length, 1);
    assert.ok(!rx.everything().includes('hunter2'));
    assert.ok(!srv.stderr.includes('hunter2'));
    assert.deepEqual(srv.serverErrors(), []);
  });

test('F1: a config stored before the operator narrowed the allow-list is refused at call time; the secret never leaves',
  { timeout: 60000 }, async (t) => {
    const rx = await startRecorder();
    t.after(() => rx.close());
    const env = { SECRET_DB_URL: SECRET };
    const config = (name) => ({ schema: SCHEMA, engine: { type: 'llm', baseUrl: `${rx.url}/v1`, model: 'm', apiKeyEnv: name } });
    // Before: an operator (or an older Goldset) let SECRET_* through.
    const before = await startServer({ env, args: ['--llm-key-env-allow', 'SECRET_*,GOLDSET_LLM_*'] });
    t.after(() => rmSync(before.dataDir, { recursive: true, force: true }));
    const stored = await before.api('POST', '/extractors', { body: { name: 'old', config: config('SECRET_DB_URL') } });
    assert.equal(stored.status, 200, stored.text);
    const unsetAllowed = await before.api('POST', '/extractors', { body: { name: 'unset', config: config('GOLDSET_LLM_NOT_SET') } });
    assert.equal(unsetAllowed.status, 200, unsetAllowed.text);
    await before.stop();

    // After: the default allow-list, same data.
    const srv = await startServer({ t, env, dataDir: before.dataDir, key: before.key });
    const messages = [];
    for (const [id, name] of [[stored.body.id, 'SECRET_DB_URL'], [unsetAllowed.body.id, 'GOLDSET_LLM_NOT_SET']]) {
      const r = await srv.api('POST', '/extract_runs', { body: { extractor: { id }, file: { text: 'hello' } } });
      assert.equal(r.status, 200, r.text);
      const done = await waitRun(srv, `/extract_runs/${r.body.id}`);
      assert.equal(done.status, 'FAILED');
      assert.match(done.failureMessage, new RegExp(`no API key named ${name} is available`));
      messages.push(done.failureMessage.replaceAll(name, '<NAME>'));
    }
    // Refused and unset read the same: the answer tells nothing about the environment.
    assert.equal(messages[0], messages[1]);
    assert.equal(rx.requests.length, 0);
    assert.ok(!srv.stderr.includes('hunter2'));
  });

// ---- F17 ----

test('F17: http engine headers with CR/LF, NUL, Host or framing headers are refused (422 with the path); none is ever sent',
  { timeout: 60000 }, async (t) => {
    const rx = await startRecorder();
    t.after(() => rx.close());
    const srv = await startServer({ t });
    const config = (headers) => ({ schema: SCHEMA, engine: { type: 'http', url: `${rx.url}/process`, headers } });
    const ex = (await srv.api('POST', '/extractors', { body: { name: 'target' } })).body;
    for (const [headers, path, why] of [
      [{ 'X-A': 'v\r\nX-Injected: yes' }, 'config.engine.headers.X-A', /line break/],
      [{ 'X-A': 'v\nX-Injected: yes' }, 'config.engine.headers.X-A', /line break/],
      [{ 'X-A': 'v\u0000' }, 'config.engine.headers.X-A', /NUL/],
      [{ Host: 'metadata.internal' }, 'config.engine.headers.Host', /set by the server/],
      [{ 'Content-Length': '0' }, 'config.engine.headers.Content-Length', /set by the server/],
      [{ 'transfer-encoding': 'chunked' }, 'config.engine.headers.transfer-encoding', /set by the server/],
      [{ 'X-A: b': 'v' }, 'config.engine.headers.X-A: b', /not a valid header name/],
    ]) {
      for (const [route, body] of [
        ['/extractors', { name: 'x', config: config(headers) }],
        [`/extractors/${ex.id}`, { config: config(headers) }],
        [`/extractors/${ex.id}/versions`, { releaseType: 'minor', config: config(headers) }],
        ['/extract_runs', { config: config(headers), file: { text: 'hello' } }],
      ]) {
        const e = expectError(assert, await srv.api('POST', route, { body }), 422, 'INVALID_REQUEST');
        assert.ok(e.message.endsWith(`; Path: ${path}`), `${route} ${JSON.stringify(headers)}: ${e.message}`);
        assert.match(e.message, why);
      }
      // The webhook headers follow the same rule (their own 400, as before).
      const w = await srv.api('POST', '/webhook_endpoints', {
        body: { url: `${rx.url}/hook`, name: 'w', enabledEvents: ['extract_run.processed'], apiVersion: VERSION, advancedOptions: { headers } },
      });
      const we = expectError(assert, w, 400, 'INVALID_REQUEST');
      assert.match(we.message, why);
    }
    assert.equal(rx.requests.length, 0);
    // Ordinary headers still reach the engine.
    const ok = await srv.api('POST', '/extract_runs', { body: { config: config({ 'X-Team': 'eval', Authorization: 'Bearer t' }), file: { text: 'hello' } } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await waitRun(srv, `/extract_runs/${ok.body.id}`)).status, 'PROCESSED');
    assert.equal(rx.requests.length, 1);
    assert.equal(rx.requests[0].headers['x-team'], 'eval');
    assert.equal(rx.requests[0].headers['x-injected'], undefined);
    assert.deepEqual(srv.serverErrors(), []);
  });

// ---- F22 ----

test('F22: engine.maxInputChars must be at least 4000 (limit - 1 refused; limit and limit + 1 accepted)',
  { timeout: 30000 }, async (t) => {
    const srv = await startServer({ t });
    const config = (n) => ({ schema: SCHEMA, engine: { type: 'llm', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', maxInputChars: n } });
    for (const route of ['/extractors', '/extract_runs']) {
      const extra = route === '/extract_runs' ? { file: { text: 'x' } } : { name: 'x' };
      const e = expectError(assert, await srv.api('POST', route, { body: { ...extra, config: config(3999) } }), 400, 'INVALID_REQUEST');
      assert.ok(e.message.endsWith('; Path: config.engine.maxInputChars'), e.message);
      assert.match(e.message, /at least 4000/);
      for (const n of [4000, 4001]) {
        const r = await srv.api('POST', route, { body: { ...extra, config: config(n) } });
        assert.equal(r.status, 200, `${route} ${n}: ${r.text}`);
      }
    }
  });

test('F22: a document that needs more than --llm-max-calls-per-item calls fails before any call is made',
  { timeout: 60000 }, async (t) => {
    const rx = await startRecorder();
    t.after(() => rx.close());
    const srv = await startServer({ t, args: ['--llm-max-calls-per-item', '2'] });
    const config = { schema: SCHEMA, engine: { type: 'llm', baseUrl: `${rx.url}/v1`, model: 'm', maxInputChars: 4000 } };
    // Pages of 3,000 characters: one chunk (one call) each at maxInputChars 4000.
    const pages = (n) => Array.from({ length: n }, (_, i) => `page ${i + 1} `.padEnd(3000, 'x')).join('\f');
    const atLimit = await srv.api('POST', '/extract_runs', { body: { config, file: { text: pages(2) } } });
    assert.equal((await waitRun(srv, `/extract_runs/${atLimit.body.id}`)).status, 'PROCESSED');
    assert.equal(rx.requests.length, 2);
    const over = await srv.api('POST', '/extract_runs', { body: { config, file: { text: pages(3) } } });
    const done = await waitRun(srv, `/extract_runs/${over.body.id}`);
    assert.equal(done.status, 'FAILED');
    assert.match(done.failureMessage, /needs 3 llm engine calls of at most 4000 characters each; this server allows at most 2 per item \(--llm-max-calls-per-item\)/);
    assert.equal(rx.requests.length, 2, 'calls were made for a document over the limit');
  });

// ---- F20 ----

test('F20: presigned downloads carry nosniff and a sandboxing CSP, and stay attachments', { timeout: 30000 }, async (t) => {
  const srv = await startServer({ t });
  const up = await uploadFile(srv, { name: 'page.html', content: '<script>alert(document.domain)</script>', type: 'text/html' });
  assert.equal(up.status, 200, up.text);
  const dl = await fetch((await srv.api('GET', `/files/${up.body.id}`)).body.presignedUrl);
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(dl.headers.get('content-security-policy'), "sandbox; default-src 'none'");
  assert.match(dl.headers.get('content-disposition'), /^attachment; /);
  assert.equal(await dl.text(), '<script>alert(document.domain)</script>');
});

// ---- F25(b) ----

test('F25(b): /metrics answers 404 unless the server runs with --metrics; then only to loopback peers not behind a proxy',
  { timeout: 30000 }, async (t) => {
    const off = await startServer({ t });
    const r = await fetch(`${off.url}/metrics`);
    assert.equal(r.status, 404);
    assert.equal((await r.json()).code, 'NOT_FOUND');

    const on = await startServer({ t, args: ['--metrics'] });
    const m = await fetch(`${on.url}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type'), /^text\/plain/);
    const text = await m.text();
    assert.match(text, /^goldset_http_requests_total\{class="2xx"\} \d+$/m);
    // The queue's gauges, counted through its partial indexes (an empty queue reads 0).
    assert.match(text, /^goldset_run_items_open\{status="PENDING"\} 0$/m);
    assert.match(text, /^goldset_run_items_open\{status="PROCESSING"\} 0$/m);
    for (const h of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { via: '1.1 proxy' }, { 'x-real-ip': '203.0.113.9' }]) {
      const p = await fetch(`${on.url}/metrics`, { headers: h });
      assert.equal(p.status, 404, JSON.stringify(h));
    }
  });

// ---- What held up in the audit, kept as a test: secrets never reach the log ----

test('held up: API keys, webhook signing secrets, presigned signatures and allowed engine keys never appear in the log',
  { timeout: 60000 }, async (t) => {
    const rx = await startRecorder();
    t.after(() => rx.close());
    const srv = await startServer({ t, env: { SECRET_DB_URL: SECRET, GOLDSET_LLM_X: 'sk-allowed-logcheck-123' } });
    // A webhook endpoint: its signing secret is returned once; a test event is signed with it.
    const hook = await srv.api('POST', '/webhook_endpoints', {
      body: { url: `${rx.url}/hooks`, name: 'log check', enabledEvents: ['extract_run.processed'], apiVersion: VERSION } });
    assert.equal(hook.status, 200, hook.text);
    const signingSecret = hook.body.signingSecret;
    assert.match(signingSecret, /^wss_/);
    await srv.api('POST', `/webhook_endpoints/${hook.body.id}/test`, { body: {} });
    // A presigned download, used and then tampered with.
    const file = await uploadFile(srv, { name: 'doc.txt', content: 'hello\n' });
    assert.equal(file.status, 200, file.text);
    const presigned = (await srv.api('GET', `/files/${file.body.id}`)).body.presignedUrl;
    const signature = new URL(presigned).searchParams.get('signature');
    assert.equal((await fetch(presigned)).status, 200);
    const bad = new URL(presigned);
    bad.searchParams.set('signature', signature.slice(0, -1) + (signature.endsWith('a') ? 'b' : 'a'));
    assert.equal((await fetch(bad)).status, 401);
    // An llm engine with an allowed key, and one naming a secret it may not read.
    const ok = await srv.api('POST', '/extract_runs', { body: { config: { schema: SCHEMA,
      engine: { type: 'llm', baseUrl: `${rx.url}/v1`, model: 'm', apiKeyEnv: 'GOLDSET_LLM_X' } }, file: { text: 'hello' } } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await waitRun(srv, `/extract_runs/${ok.body.id}`)).status, 'PROCESSED');
    assert.equal((await srv.api('POST', '/extract_runs', { body: { config: { schema: SCHEMA,
      engine: { type: 'llm', baseUrl: `${rx.url}/v1`, model: 'm', apiKeyEnv: 'SECRET_DB_URL' } }, file: { text: 'hello' } } })).status, 422);
    // Wrong keys: near misses of the real one.
    for (const key of [srv.key + 'x', srv.key.slice(0, -1), srv.key.toUpperCase()])
      assert.equal((await srv.api('GET', '/files', { key })).status, 401);
    await waitFor(() => rx.requests.some((r) => r.path === '/hooks'), { timeoutMs: 15000 });
    await srv.stop();

    const log = srv.stderr + srv.stdout;
    assert.ok(srv.accessLog().length >= 10, 'the access log was written');
    for (const [what, secret] of [['the API key', srv.key], ['the signing secret', signingSecret],
      ['the presigned signature', signature], ['the allowed engine key', 'sk-allowed-logcheck-123'], ['an env secret', 'hunter2']]) {
      assert.ok(!log.includes(secret), `${what} is in the log`);
      assert.ok(!log.includes(secret.slice(4, 20)), `part of ${what} is in the log`);
    }
    assert.doesNotMatch(log, /signature=|Bearer /);
  });
