// The dashboard's empty state offers the sample data (POST /sample_data, as `goldset
// demo`): one click, then the sample sets are listed and their runs finish.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { startServer } from './lib/server.mjs';
import { ARTIFACTS, ready, shot, signInAs } from './lib/page.mjs';
import { client } from './lib/api.mjs';
import { launch } from './lib/browser.mjs';

let server;
let api;
let browser;
let page;

describe('sample data from the empty state', { timeout: 300000 }, () => {
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startServer();
    api = client(server.baseUrl, server.apiKey);
    browser = await launch();
    browser.context.setDefaultTimeout(60000);
    page = browser.context.pages()[0] || (await browser.context.newPage());
    await signInAs(page, server.baseUrl, server.apiKey);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('an empty workspace offers "Load sample data"; the sample sets then show with runs', async () => {
    await page.waitForSelector('#load-sample-data');
    await shot(page, 'desktop-sets-empty');
    await page.click('#load-sample-data');
    await page.waitForSelector('#sets-table');
    await ready(page);
    const names = await page.locator('#sets-table tbody tr').allTextContents();
    assert.equal(names.length, 2, names.join(' | '));
    assert.ok(names.every((n) => n.includes('Sample: ')), names.join(' | '));
    const sets = await api.all('/evaluation_sets');
    assert.equal(sets.length, 2);
    const runs = await api.all('/evaluation_set_runs');
    assert.equal(runs.length, 3);
    for (const r of runs) assert.equal((await api.waitForRun(r.id)).status, 'PROCESSED');
  });
});
