// Debian's chromium driven by playwright-core: headless, no background traffic, a fresh
// profile per run, and a record of every request that leaves for a host other than 127.0.0.1.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  const userDataDir = await mkdtemp(join(tmpdir(), 'goldset-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const foreign = [];
  const pageErrors = [];
  const watch = (page) => {
    page.on('request', (req) => {
      const url = new URL(req.url());
      // blob: and data: URLs never touch the network (page images are blob: URLs).
      if (url.protocol === 'blob:' || url.protocol === 'data:') return;
      if (url.hostname !== '127.0.0.1') foreign.push(req.url());
    });
    page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    foreign,
    pageErrors,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
