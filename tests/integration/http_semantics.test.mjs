// HTTP/1.1 details of the response writer: HEAD carries headers only, 304 has no body,
// and a keep-alive connection stays in step afterwards (a stray body would be parsed as
// the next response and fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './harness.mjs';

function send(agent, url, method, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, url), { method, agent, headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body, socket: req.socket }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

test('HEAD and 304 responses carry no body and keep the connection usable', { timeout: 30000 }, async (t) => {
  const srv = await startServer({ t });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());

  const get = await send(agent, srv.url, 'GET', '/');
  assert.equal(get.status, 200);
  assert.ok(get.body.length > 0);
  const head = await send(agent, srv.url, 'HEAD', '/');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(Number(head.headers['content-length']), Buffer.byteLength(get.body), 'HEAD announces the GET length');
  assert.equal(head.socket, get.socket, 'same keep-alive connection');

  const notModified = await send(agent, srv.url, 'GET', '/', { 'if-none-match': get.headers.etag });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body, '');

  // The connection is still in step: the next answer parses as its own response.
  const health = await send(agent, srv.url, 'GET', '/healthz');
  assert.equal(health.status, 200);
  assert.equal(JSON.parse(health.body).status, 'ok');
  assert.equal(health.socket, get.socket);
  assert.match(health.headers['x-extend-request-id'], /^req_[A-Za-z0-9_-]{22}$/);
});

// Access-log lines are batched per event-loop turn: under concurrent load on several loops
// every request still gets exactly one whole JSON line, none is lost, and lines written
// just before SIGTERM are flushed before exit.
test('access log under load: one whole line per request, nothing lost at shutdown', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t, args: ['--threads', '2'] });
  const agents = Array.from({ length: 16 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  t.after(() => agents.forEach((a) => a.destroy()));
  const ids = new Set();
  await Promise.all(agents.map(async (agent, c) => {
    for (let i = 0; i < 60; i++) {
      const r = await send(agent, srv.url, 'GET', `/healthz?c=${c}&i=${i}`);
      assert.equal(r.status, 200);
      ids.add(r.headers['x-extend-request-id']);
    }
  }));
  assert.equal(ids.size, 16 * 60);
  // What is asserted is the log, not how fast shutdown is: on a loaded machine the
  // default 10 s before SIGKILL was once not enough, so the clients go first and the
  // server gets 30 s.
  agents.forEach((a) => a.destroy());
  const code = await srv.stop(30000);
  assert.equal(code, 0);
  const lines = srv.stderr.split('\n').filter((l) => l.startsWith('{"ts"'));
  const logged = new Map();
  for (const l of lines) {
    const o = JSON.parse(l);  // throws on a torn or interleaved line
    logged.set(o.requestId, (logged.get(o.requestId) ?? 0) + 1);
  }
  for (const id of ids) assert.equal(logged.get(id), 1, `request ${id} logged once`);
});
