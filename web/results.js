// A run's per-item results (GET /evaluation_set_runs/{id}/results), loaded so the first
// screen never waits for the whole run: one small page first, the rest in the background
// in pages of 1,000 (the contract's maximum), reported as they arrive.
import { enc, get } from './api.js';

export const FIRST_PAGE = 100;

// -> {first: results[], done: Promise<results[]>}; onMore(all so far, finished) after
// each later page. `isCurrent` stops the background load when the user navigated away.
export async function loadResults(runId, { firstPage = FIRST_PAGE, onMore, isCurrent = () => true } = {}) {
  const path = `/evaluation_set_runs/${enc(runId)}/results`;
  const page = await get(path, { maxPageSize: firstPage });
  const all = [...(page.data || [])];
  let token = page.nextPageToken;
  const done = (async () => {
    while (token && isCurrent()) {
      const next = await get(path, { maxPageSize: 1000, nextPageToken: token });
      all.push(...(next.data || []));
      token = next.nextPageToken;
      if (onMore && isCurrent()) onMore(all, !token);
    }
    return all;
  })();
  return { first: all.slice(), complete: !token, done };
}
