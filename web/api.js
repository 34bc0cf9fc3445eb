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
    // Validation errors name the offending field: "...; Path: expectedOutput.value.total".
    const m = /;\s*Path:\s*(\S+)\s*$/.exec(this.message);
    this.fieldPath = m ? m[1] : null;
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

// Writes: JSON in, JSON out; a non-2xx answer throws ApiError with the server's message.
async function send(method, path, body) {
  const init = { method, headers: headers() };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const post = (path, body = {}) => send('POST', path, body);
export const del = (path) => send('DELETE', path);

// POST /files/upload with upload progress (fetch reports none): onProgress(loaded, total).
// Rejects with ApiError for an HTTP error, Error for a network failure, and an
// AbortError when `signal` aborts.
export function uploadFile(file, { onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/files/upload');
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new Error('network error (the upload did not reach the server)'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    if (signal) {
      if (signal.aborted) { reject(new DOMException('Upload cancelled', 'AbortError')); return; }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
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
