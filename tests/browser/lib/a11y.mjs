// Accessibility checks run inside the page under test. axe-core comes from npm (a dev
// dependency of these tests only) and is injected by the test through the DevTools
// protocol (page.evaluate), which the page's Content-Security-Policy does not govern: the
// dashboard itself never loads it and keeps its strict CSP.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let axeSource = null;

// WCAG 2.0/2.1 A and AA rules plus axe's best practices. Returns every violation as
// {id, impact, help, targets}; callers fail on serious and critical ones.
export async function axeViolations(page) {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
}

export const isSerious = (v) => v.impact === 'serious' || v.impact === 'critical';

// Tabs through the page from the top and reports which controls a keyboard user never
// reaches, and which show no focus ring when reached. A radio group counts as one stop
// (arrow keys move within it).
export async function keyboardReach(page, { maxPresses = 600 } = {}) {
  const wanted = await page.evaluate(() => {
    const sel = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    let n = 0;
    const keys = new Set();
    for (const el of document.querySelectorAll(sel)) {
      if (el.disabled || el.closest('[aria-hidden="true"], [inert], dialog:not([open])')) continue;
      if (el.tabIndex < 0) continue;
      // Inside a closed <details> only its summary is there to reach.
      const closed = el.closest('details:not([open])');
      if (closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed)) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || !el.getClientRects().length) continue;
      const key = el.type === 'radio' && el.name ? `radio:${el.name}` : `el:${++n}`;
      el.dataset.kbKey = key;
      keys.add(key);
    }
    if (document.activeElement) document.activeElement.blur();
    window.scrollTo(0, 0);
    return [...keys];
  });
  await page.evaluate(() => document.body.focus());
  const reached = new Map(); // key -> has a visible focus indicator
  let sinceNew = 0;
  for (let i = 0; i < maxPresses && reached.size < wanted.length && sinceNew < 60; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || !el.dataset || !el.dataset.kbKey) return null;
      const cs = getComputedStyle(el);
      const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
      return { key: el.dataset.kbKey, ring, what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40)}` };
    });
    sinceNew++;
    if (info && !reached.has(info.key)) {
      reached.set(info.key, info);
      sinceNew = 0;
    }
  }
  const missing = await page.evaluate((got) => {
    const out = [];
    for (const el of document.querySelectorAll('[data-kb-key]')) {
      if (!got.includes(el.dataset.kbKey)) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40)}`);
    }
    return out;
  }, [...reached.keys()]);
  const noRing = [...reached.values()].filter((r) => !r.ring).map((r) => r.what);
  return { wanted: wanted.length, reached: reached.size, missing, noRing };
}
