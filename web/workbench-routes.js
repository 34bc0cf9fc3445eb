// The workbench's routes (build sets, label, run, review, keys), spliced in front of the
// dashboard's read-only routes by app.js. Same contract: render(main, params, ctx).
import * as newSet from './pages/new-set.js';
import * as label from './pages/label.js';
import * as newRun from './pages/new-run.js';
import * as review from './pages/review.js';
import * as keys from './pages/keys.js';
import * as suspects from './pages/suspects.js';

const d = decodeURIComponent;

export const workbenchRoutes = [
  // Before /sets/{id}: "new" is no set id (those start with ev_).
  { re: /^\/sets\/new$/, page: newSet, params: () => ({}) },
  {
    re: /^\/sets\/([^/]+)\/items\/([^/]+)$/,
    page: label,
    params: (m, q) => ({ setId: d(m[1]), itemId: d(m[2]), runId: q.get('run'), back: safeHash(q.get('back')) }),
  },
  { re: /^\/sets\/([^/]+)\/runs\/new$/, page: newRun, params: (m) => ({ setId: d(m[1]) }) },
  {
    re: /^\/runs\/([^/]+)\/review$/,
    page: review,
    params: (m, q) => ({ runId: d(m[1]), itemId: q.get('item'), field: q.get('field'), mistakes: q.get('mistakes') }),
  },
  { re: /^\/settings\/keys$/, page: keys, params: () => ({}) },
  { re: /^\/sets\/([^/]+)\/suspects$/, page: suspects, params: (m, q) => ({ setId: d(m[1]), runs: q.get('runs') }) },
];

// A "back" link from the address bar may only lead within the dashboard.
function safeHash(v) {
  return v && /^#\/[^\s]*$/.test(v) ? v : null;
}
