// PostgreSQL for the integration and SDK harnesses. When GOLDSET_DATABASE is set (by
// scripts/test-postgres.sh, to a throwaway cluster's URL), each data dir gets a database of
// its own, so tests never see each other's rows: harness.mjs adds databaseEnv(dataDir) to
// the environment of every goldset process it starts (serve and the CLI helpers), and
// dropDatabase(dataDir) when it removes the data dir.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

function psql(url, sql) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 30_000,
  });
}

export function freshDatabase() {
  const admin = process.env.GOLDSET_DATABASE;
  if (!admin) return null;
  const name = 't_' + randomBytes(6).toString('hex');
  psql(admin, `CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = '/' + name;
  return {
    name,
    url: url.toString(),
    env: { GOLDSET_DATABASE: url.toString() },
    drop() {
      try {
        psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch {
        // the cluster is thrown away at the end of the suite anyway
      }
    },
  };
}

const byDataDir = new Map();

// {GOLDSET_DATABASE: url of the data dir's own database}, created on first use; {} when
// GOLDSET_DATABASE is unset (the embedded SQLite store in the data dir).
export function databaseEnv(dataDir) {
  if (!process.env.GOLDSET_DATABASE || !dataDir) return {};
  const key = path.resolve(dataDir);
  if (!byDataDir.has(key)) byDataDir.set(key, freshDatabase());
  return byDataDir.get(key).env;
}

export function dropDatabase(dataDir) {
  if (!dataDir) return;
  const key = path.resolve(dataDir);
  const db = byDataDir.get(key);
  if (!db) return;
  byDataDir.delete(key);
  db.drop();
}
