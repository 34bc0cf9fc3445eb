// The official extend-ai SDK (pinned 1.17.0) driving standalone runs on a real goldset
// server: create a classify run from raw text, poll it, then the cancel and delete
// routes, whose answers the SDK must parse (a run, {id}) or map to its error classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtendClient, Extend } from 'extend-ai';
import { startServer } from '../integration/harness.mjs';
import { classifierConfig, classTexts } from '../integration/eval_fixtures.mjs';

async function rejectsWith(promise, cls, status) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.statusCode, status);
    return e;
  }
  assert.fail(`expected ${cls.name}, but the call succeeded`);
}

test('extend-ai SDK: classify run create, retrieve, cancel and delete', { timeout: 60000 }, async (t) => {
  const srv = await startServer({ t });
  const client = new ExtendClient({ token: srv.key, baseUrl: srv.url, timeoutInSeconds: 20 });

  const created = await client.classifyRuns.create({ config: classifierConfig, file: { text: classTexts.receipt, name: 'r.txt' } });
  assert.match(created.id, /^clr_/);
  let run = created;
  const deadline = Date.now() + 30000;
  while (['PENDING', 'PROCESSING'].includes(run.status)) {
    assert.ok(Date.now() < deadline, `still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
    run = await client.classifyRuns.retrieve(created.id);
  }
  assert.equal(run.status, 'PROCESSED');
  assert.equal(run.output.type, 'Receipt');

  const e = await rejectsWith(client.classifyRuns.cancel(created.id), Extend.BadRequestError, 400);
  assert.match(e.body.message, /PROCESSED/);
  await rejectsWith(client.classifyRuns.cancel('clr_missing'), Extend.NotFoundError, 404);

  const deleted = await client.classifyRuns.delete(created.id);
  assert.deepEqual(deleted, { id: created.id });
  await rejectsWith(client.classifyRuns.retrieve(created.id), Extend.NotFoundError, 404);
  await rejectsWith(client.classifyRuns.delete(created.id), Extend.NotFoundError, 404);
  assert.deepEqual(srv.serverErrors(), []);
});
