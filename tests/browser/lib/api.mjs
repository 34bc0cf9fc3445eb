// Minimal client of the public API, used to seed data and to read the numbers the
// dashboard must show.
export function client(baseUrl, apiKey) {
  const headers = { Authorization: `Bearer ${apiKey}`, 'x-extend-api-version': '2026-02-09' };

  async function call(method, path, body) {
    const res = await fetch(baseUrl + path, {
      method,
      headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    async text(path) {
      const res = await fetch(baseUrl + path, { headers });
      if (!res.ok) throw new Error(`GET ${path} -> ${res.status}: ${await res.text()}`);
      return res.text();
    },
    async upload(name, content, type = 'text/plain') {
      const form = new FormData();
      form.append('file', new Blob([content], { type }), name);
      const res = await fetch(`${baseUrl}/files/upload`, { method: 'POST', headers, body: form });
      if (!res.ok) throw new Error(`upload ${name} -> ${res.status}: ${await res.text()}`);
      return res.json();
    },
    async all(path) {
      const rows = [];
      let token = null;
      do {
        const sep = path.includes('?') ? '&' : '?';
        const page = await call('GET', `${path}${sep}maxPageSize=100${token ? `&nextPageToken=${encodeURIComponent(token)}` : ''}`);
        rows.push(...page.data);
        token = page.nextPageToken;
      } while (token);
      return rows;
    },
    // Polls a run until it leaves PENDING/PROCESSING.
    async waitForRun(runId, timeoutMs = 60000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await call('GET', `/evaluation_set_runs/${runId}`);
        if (!['PENDING', 'PROCESSING', 'CANCELLING'].includes(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}
