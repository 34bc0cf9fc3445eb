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

// Stores `key` as the dashboard's API key and reloads into the app.
export async function signInAs(p, baseUrl, key) {
  await p.goto(`${baseUrl}/#/sets`);
  await p.evaluate((k) => localStorage.setItem('goldset.apiKey', k), key);
  await p.reload();
  await ready(p);
}

// Opens a route; the same address again reloads (a same-hash goto would not re-render).
export async function goTo(p, baseUrl, hash) {
  const url = `${baseUrl}/${hash}`;
  if (p.url() === url) await p.reload();
  else await p.goto(url);
  await ready(p);
}

// Drops files on an element the way a browser does: a drop event carrying a DataTransfer.
// files: [{name, mimeType, buffer}].
export async function dropFiles(p, selector, files) {
  await p.evaluate(({ selector: sel, files: list }) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.mimeType }));
    const zone = document.querySelector(sel);
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { selector, files: files.map((f) => ({ name: f.name, mimeType: f.mimeType, b64: f.buffer.toString('base64') })) });
}
