// A first start on an empty data dir creates the default workspace and prints one key
// and the dashboard URL; later starts print no key. `goldset migrate` is idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runCli } from './harness.mjs';

test('first start prints a working key once; restarts do not', { timeout: 30000 }, async (t) => {
  const srv = await startServer({ t, firstStart: true });
  assert.match(srv.key ?? '', /^\S{20,}$/, `stdout: ${srv.stdout}`);
  assert.match(srv.stdout, /Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal((await srv.api('GET', '/files')).status, 200);
  await srv.restart();
  assert.doesNotMatch(srv.stdout, /API key/);
  assert.equal((await srv.api('GET', '/files')).status, 200, 'the first key still works');
  assert.equal(await srv.stop(), 0);
  for (let i = 0; i < 2; i++) {
    const m = await runCli(['migrate', '--data-dir', srv.dataDir]);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /schema at version \d+/);
  }
});
