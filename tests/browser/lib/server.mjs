// Starts the real goldset binary on a free loopback port with a throwaway data dir.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = resolve(new URL('../../..', import.meta.url).pathname);

export function binaryPath() {
  return resolve(repoRoot, process.env.GOLDSET_BIN || 'build/goldset');
}

export async function startServer({ args = [] } = {}) {
  const bin = binaryPath();
  const dataDir = await mkdtemp(join(tmpdir(), 'goldset-browser-'));
  // An admin key: the workbench's key settings page needs one.
  const { stdout: keyOut } = await run(bin, ['keys', 'create', '--data-dir', dataDir, '--name', 'browser-test', '--admin']);
  const apiKey = keyOut.trim();
  if (!/^sk_\S+$/.test(apiKey)) throw new Error(`keys create printed ${JSON.stringify(keyOut)}, expected only an sk_ key`);

  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--egress-allow', '127.0.0.1/32', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const baseUrl = await new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not print "Listening on" within 20 s\nstdout: ${out}\nstderr: ${stderr}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolvePromise(m[1]); }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal})\nstdout: ${out}\nstderr: ${stderr}`));
    });
  });
  child.removeAllListeners('exit');

  return {
    baseUrl,
    apiKey,
    stderr: () => stderr,
    // Another key of the same workspace (`goldset keys create ...flags`).
    async createKey(flags = []) {
      const { stdout } = await run(bin, ['keys', 'create', '--data-dir', dataDir, ...flags]);
      return stdout.trim();
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
