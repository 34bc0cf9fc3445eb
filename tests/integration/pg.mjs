// PostgreSQL for the integration and SDK harnesses. When GOLDSET_DATABASE is set (by
// scripts/test-postgres.sh, to a throwaway cluster's URL), each test server gets a database
// of its own, so tests never see each other's rows. In startServer:
//   const db = freshDatabase();            // null when GOLDSET_DATABASE is unset (SQLite)
//   const env = { ...process.env, ...(db ? db.env : {}) };
//   // pass `env` to EVERY goldset process of that server (keys create, serve, ...)
//   // and call db?.drop() after the server has stopped.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

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
