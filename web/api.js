// The dashboard calls the same public API as any client: bearer key plus version header.
const KEY_STORAGE = 'goldset.apiKey';
export const API_VERSION = '2026-02-09';

export function getKey() {
  return localStorage.getItem(KEY_STORAGE) || '';
}

export function setKey(key) {
  localStorage.setItem(KEY_STORAGE, key.trim());
}

export function clearKey() {
  localStorage.removeItem(KEY_STORAGE);
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
  }
}

function headers() {
  return { Authorization: `Bearer ${getKey()}`, 'x-extend-api-version': API_VERSION };
}

async function request(path) {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, body);
  }
  return res;
}

export async function get(path, query) {
  const res = await request(withQuery(path, query));
  return res.json();
}

// Follows nextPageToken until the list ends (or `limit` rows were collected).
export async function getAll(path, query = {}, limit = Infinity) {
  const rows = [];
  let token;
  do {
    const page = await get(path, { ...query, maxPageSize: query.maxPageSize || 100, nextPageToken: token });
    rows.push(...(page.data || []));
    token = page.nextPageToken;
  } while (token && rows.length < limit);
  return rows;
}

export async function getBlob(path) {
  const res = await request(path);
  return res.blob();
}

// Fetches with auth (an <a href> could not send the header) and saves via an object URL.
export async function download(path, filename) {
  const blob = await getBlob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

// Runs async fn over items with at most `width` in flight (keeps the server and the
// 2-core machines it runs on from being flooded by per-row look-ups).
export async function mapLimit(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

export const enc = encodeURIComponent;
