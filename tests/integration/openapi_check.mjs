// Validates a JSON response against web/openapi.json, the document the server serves at
// /openapi.json: the schema of the route's 200 response, or the error body for any other
// status. The harness calls it for every JSON response the suites receive, so the
// document cannot drift from what the server sends.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OPENAPI = JSON.parse(readFileSync(path.join(root, 'web/openapi.json'), 'utf8'));

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi', components: OPENAPI.components });
const compiled = new Map();
function validator(schema) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) {
    // "#/components/…" refers to the registered document.
    const rewritten = JSON.parse(key.replaceAll('"#/components/', '"openapi#/components/'));
    compiled.set(key, ajv.compile(rewritten));
  }
  return compiled.get(key);
}

// Literal segments win over {params}, as in the server's router.
const templates = Object.keys(OPENAPI.paths).map((t) => ({
  t, parts: t.split('/').slice(1), literals: t.split('/').filter((s) => s && !s.startsWith('{')).length,
})).sort((a, b) => b.literals - a.literals);

export function findRoute(pathname) {
  const segs = pathname.split('/').slice(1);
  for (const tpl of templates) {
    if (tpl.parts.length !== segs.length) continue;
    if (tpl.parts.every((p, i) => p.startsWith('{') || p === decodeURIComponent(segs[i]))) return tpl.t;
  }
  return null;
}

// Throws with the schema errors when `body` does not fit.
export function checkResponse(method, target, status, body) {
  const pathname = new URL(target, 'http://x').pathname;
  const tpl = findRoute(pathname);
  const op = tpl ? OPENAPI.paths[tpl][method.toLowerCase()] : null;
  let schema = { $ref: '#/components/schemas/Error' };
  if (status === 200) {
    const ok = op?.responses?.['200']?.content?.['application/json'];
    if (!ok) return;  // a route the document does not describe as JSON (or an asset)
    schema = ok.schema;
  } else if (!op && status === 200) {
    return;
  }
  const validate = validator(schema);
  if (!validate(body)) {
    throw new Error(`${method} ${pathname} ${status}: the response does not match web/openapi.json ` +
      `(${tpl ?? 'no route'}): ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}
