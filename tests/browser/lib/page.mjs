// Helpers every browser test shares: wait for the router, compare shown numbers with the
// API's (data-value), keep screenshots.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from './server.mjs';

export const ARTIFACTS = process.env.GOLDSET_BROWSER_ARTIFACTS || join(repoRoot, 'build', 'browser-artifacts');

// Full page by default; { fullPage: false } keeps what a 1280x800 screen shows.
export async function shot(p, name, { fullPage = true } = {}) {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

// Waits until the router finished rendering the current hash.
export async function ready(p, hashRe) {
  if (hashRe) await p.waitForURL(hashRe);
  await p.waitForFunction(() => {
    const m = document.getElementById('main');
    return m.dataset.route === location.hash && (m.dataset.state === 'ready' || m.dataset.state === 'error');
  });
  const state = await p.getAttribute('#main', 'data-state');
  if (state !== 'ready') assert.fail(`page ${p.url()} failed to render: ${await p.textContent('#main')}`);
}

// data-value holds String(apiNumber); absent numbers render as "".
export async function assertValue(locator, expected, what) {
  const raw = await locator.getAttribute('data-value');
  if (typeof expected !== 'number') {
    assert.equal(raw, '', `${what}: API has no number, page shows ${raw}`);
    return;
  }
  assert.notEqual(raw, null, `${what}: no data-value`);
  assert.equal(Number(raw), expected, `${what}: page ${raw} vs API ${expected}`);
}
