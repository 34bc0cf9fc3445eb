#!/usr/bin/env node
// Runs the generated corpus (tests/tools/docgen) through evaluation runs with the
// built-in engines and prints every run's metrics as JSON, so two builds can be
// compared figure by figure (e.g. before and after a scoring change):
//   GOLDSET_BIN=build/goldset node scripts/corpus-metrics.mjs CORPUS_DIR > after.json
//   node scripts/corpus-metrics.mjs --diff before.json after.json
// CORPUS_DIR: `gen_test_docs DIR --count 6 --seed 7` (what tests/integration/corpus.test.mjs runs).
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../tests/integration/harness.mjs';
import { waitForRun, uploadBytes } from '../tests/integration/eval_fixtures.mjs';

const MIME = { pdf: 'application/pdf', png: 'image/png', tif: 'image/tiff' };
const VOLATILE = /LatencyMs$/;

async function runSet(srv, dir, manifest, setName) {
  const rows = manifest.filter((m) => m.set === setName);
  const read = (p) => JSON.parse(fs.readFileSync(path.join(dir, p), 'utf8'));
  const kind = rows[0].processor;
  const entity = await srv.api('POST', `/${kind}s`, { body: { name: setName, config: read(rows[0].config) } });
  const set = await srv.api('POST', '/evaluation_sets', { body: { name: setName, entityId: entity.body.id } });
  const items = [];
  for (const m of rows) {
    const file = await uploadBytes(srv, path.basename(m.file), fs.readFileSync(path.join(dir, m.file)), MIME[path.extname(m.file).slice(1)]);
    items.push({ fileId: file.id, expectedOutput: read(m.expected) });
  }
  await srv.api('POST', `/evaluation_sets/${set.body.id}/items`, { body: { items } });
  const run = await srv.api('POST', '/evaluation_set_runs', { body: { evaluationSetId: set.body.id } });
  const done = await waitForRun(srv.api, run.body.id, { timeoutMs: 600000 });
  const metrics = {};
  for (const [k, v] of Object.entries(done.metrics)) if (!VOLATILE.test(k)) metrics[k] = v;
  return metrics;
}

function flatten(o, prefix = '', out = {}) {
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = Array.isArray(o) ? JSON.stringify(o) : o;
  }
  return out;
}

function diff(beforePath, afterPath) {
  const a = flatten(JSON.parse(fs.readFileSync(beforePath, 'utf8')));
  const b = flatten(JSON.parse(fs.readFileSync(afterPath, 'utf8')));
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  let changed = 0;
  for (const k of keys) {
    if (a[k] === b[k]) continue;
    const delta = typeof a[k] === 'number' && typeof b[k] === 'number' ? ` (${b[k] - a[k] >= 0 ? '+' : ''}${(b[k] - a[k]).toFixed(4)})` : '';
    console.log(`${k}: ${a[k] ?? '(absent)'} -> ${b[k] ?? '(absent)'}${delta}`);
    ++changed;
  }
  console.log(`${changed} figures changed of ${keys.length}`);
}

if (process.argv[2] === '--diff') {
  diff(process.argv[3], process.argv[4]);
} else {
  const dir = process.argv[2];
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const srv = await startServer({ timeoutMs: 30000 });
  try {
    const out = {};
    for (const setName of ['extract_text', 'extract_scan', 'classify', 'split']) out[setName] = await runSet(srv, dir, manifest, setName);
    console.log(JSON.stringify(out, null, 1));
  } finally {
    await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
}
