// The README's 5-minute quick start, run as written: docs/quickstart/quickstart.mjs (the
// code block in README.md, checked to be identical) against a real server with the
// official SDK. The Python twin (quickstart.py) is checked to be in the README too, and
// runs when the official Python SDK is at hand: PyPI is out of reach here, so it needs
// EXTEND_PY_SDK_SRC (the `src` folder of a checkout of extend-hq/extend-python-sdk) and
// Debian's python3-httpx and python3-pydantic; without them that test is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, REPO_ROOT } from '../integration/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

test('README quick start (TypeScript SDK) runs as written and reports a finished run', { timeout: 120000 }, async (t) => {
  const source = readFileSync(path.join(REPO_ROOT, 'docs/quickstart/quickstart.mjs'), 'utf8');
  const python = readFileSync(path.join(REPO_ROOT, 'docs/quickstart/quickstart.py'), 'utf8');
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  assert.ok(readme.includes('```js\n' + source + '```'), 'README carries docs/quickstart/quickstart.mjs verbatim');
  assert.ok(readme.includes('```python\n' + python + '```'), 'README carries docs/quickstart/quickstart.py verbatim');

  const srv = await startServer({ t });
  // Next to tests/sdk/node_modules, where `import "extend-ai"` resolves.
  const script = path.join(here, `.quickstart-${process.pid}.mjs`);
  writeFileSync(script, source);
  t.after(() => rmSync(script, { force: true }));
  const out = await new Promise((resolve, reject) => {
    execFile(process.execPath, [script], { timeout: 90000, env: { ...process.env, GOLDSET_API_KEY: srv.key, GOLDSET_URL: srv.url } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
  assert.match(out, /^PROCESSED: accuracy 1\n/, out);
  const runId = out.match(/#\/runs\/(bpr_[A-Za-z0-9_-]+)/)[1];
  const run = await srv.api('GET', `/evaluation_set_runs/${runId}`);
  assert.equal(run.body.metrics.numFilesProcessed, 3);
});

test('README quick start (Python SDK) runs as written and reports a finished run', { timeout: 120000 }, async (t) => {
  const sdk = process.env.EXTEND_PY_SDK_SRC;
  if (!sdk) {
    t.skip('EXTEND_PY_SDK_SRC is not set (no PyPI here: point it at extend-python-sdk/src)');
    return;
  }
  const srv = await startServer({ t });
  // The SDK reads its version from installed metadata; a source checkout has none, so
  // give it one beside a copy of the package.
  const site = mkdtempSync(path.join(tmpdir(), 'extend-py-'));
  t.after(() => rmSync(site, { recursive: true, force: true }));
  cpSync(path.join(sdk, 'extend_ai'), path.join(site, 'extend_ai'), { recursive: true });
  mkdirSync(path.join(site, 'extend_ai-1.17.0.dist-info'));
  writeFileSync(path.join(site, 'extend_ai-1.17.0.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: extend_ai\nVersion: 1.17.0\n');
  // Debian 12 has pydantic 1 only: add the one-symbol pydantic_core stand-in then, never
  // in front of a real pydantic 2.
  const hasCore = spawnSync('/usr/bin/python3', ['-c', 'import pydantic_core']).status === 0;
  const pythonPath = [site, ...(hasCore ? [] : [path.join(here, 'python')])].join(path.delimiter);
  const out = await new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [path.join(REPO_ROOT, 'docs/quickstart/quickstart.py')],
      { timeout: 90000, env: { ...process.env, PYTHONPATH: pythonPath, GOLDSET_API_KEY: srv.key, GOLDSET_URL: srv.url } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
  assert.match(out, /^PROCESSED: accuracy 1\.0\n/, out);
  const runId = out.match(/#\/runs\/(bpr_[A-Za-z0-9_-]+)/)[1];
  const run = await srv.api('GET', `/evaluation_set_runs/${runId}`);
  assert.equal(run.body.metrics.numFilesProcessed, 3);
});
