// --database-pool: the per-process PostgreSQL connection budget (docs/scaling.md). Out of
// range values are refused on every backend; on PostgreSQL a pool the server could never
// grant (more than max_connections less the reserved slots) refuses to start, at the
// limit it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freshDatabase } from './pg.mjs';

const bin = process.env.GOLDSET_BIN || path.resolve('build/goldset');

// Starts `serve` with `args`; resolves {started, output} once it listens (then stops it)
// or exits.
function tryServe(args, env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldset-pool-'));
  const baseEnv = { ...process.env, ...env };
  if (!env.GOLDSET_DATABASE) delete baseEnv.GOLDSET_DATABASE;
  return new Promise((resolve) => {
    const p = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir, '--workers', '1', '--no-access-log', ...args],
      { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    const onData = (d) => {
      output += d;
      if (output.includes('Listening on')) p.kill('SIGTERM');
    };
    p.stdout.on('data', onData);
    p.stderr.on('data', onData);
    p.on('exit', () => {
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ started: output.includes('Listening on'), output });
    });
  });
}

test('--database-pool out of range is refused on any backend', { timeout: 120_000 }, async () => {
  for (const bad of ['1', '1001', 'x']) {
    const r = await tryServe(['--database-pool', bad]);
    assert.equal(r.started, false, `--database-pool ${bad} started`);
    assert.match(r.output, /database-pool/);
  }
  assert.equal((await tryServe(['--database-pool', '2'])).started, true);
});

test('PostgreSQL: a pool larger than the server grants refuses to start; at the limit it starts', { timeout: 180_000 }, async (t) => {
  const db = freshDatabase();
  if (!db) return t.skip('GOLDSET_DATABASE not set');
  try {
    const slots = Number(execFileSync('psql', ['-X', '-qtA', db.url, '-c',
      "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"]).toString().trim());
    const over = await tryServe(['--database-pool', String(slots + 1)], db.env);
    assert.equal(over.started, false);
    assert.match(over.output, /exceeds the server's max_connections/);
    const at = await tryServe(['--database-pool', String(slots)], db.env);
    assert.equal(at.started, true, at.output);
    assert.match(at.output, new RegExp(`at most ${slots} connections; 1 processes of this size fit`));
    assert.equal((await tryServe(['--database-pool', String(slots - 1)], db.env)).started, true);
  } finally {
    db.drop();
  }
});
