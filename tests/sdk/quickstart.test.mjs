// The README's 5-minute quick start, run as written: docs/quickstart/quickstart.mjs (the
// code block in README.md, checked to be identical) against a real server with the
// official SDK. The Python twin (quickstart.py) is checked to be in the README too; it
// cannot run here (no PyPI), so only its text is compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
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
