// Entry point: hash router. Each page module exports render(main, params, ctx) and
// may register cleanups (timers, object URLs) with ctx.onLeave, run when the route changes.
import { clear, h, mount } from './dom.js';
import { ApiError, clearKey, getKey } from './api.js';
import * as login from './pages/login.js';
import * as sets from './pages/sets.js';
import * as set from './pages/set.js';
import * as run from './pages/run.js';
import * as item from './pages/item.js';
import * as compare from './pages/compare.js';
import { workbenchRoutes } from './workbench-routes.js';

const routes = [
  ...workbenchRoutes,
  { re: /^\/sets$/, page: sets, params: () => ({}) },
  { re: /^\/sets\/([^/]+)$/, page: set, params: (m) => ({ setId: decodeURIComponent(m[1]) }) },
  { re: /^\/runs\/([^/]+)$/, page: run, params: (m) => ({ runId: decodeURIComponent(m[1]) }) },
  {
    re: /^\/runs\/([^/]+)\/items\/([^/]+)$/,
    page: item,
    params: (m) => ({ runId: decodeURIComponent(m[1]), runItemId: decodeURIComponent(m[2]) }),
  },
  { re: /^\/compare$/, page: compare, params: (_m, q) => ({ runId: q.get('run'), baselineId: q.get('baseline'), alpha: q.get('alpha'), margin: q.get('margin'), effect: q.get('effect') }) },
];

const main = document.getElementById('main');
const signOut = document.getElementById('sign-out');
let leaveHandlers = [];
let generation = 0;
let firstRender = true;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/sets';
  const [path, qs] = raw.split('?');
  return { path, query: new URLSearchParams(qs || '') };
}

async function route() {
  for (const fn of leaveHandlers) fn();
  leaveHandlers = [];
  const gen = ++generation;
  const ctx = {
    onLeave: (fn) => leaveHandlers.push(fn),
    // False once the user navigated away; async work checks it before touching the DOM.
    isCurrent: () => gen === generation,
  };
  signOut.hidden = !getKey();
  main.dataset.state = 'loading';
  mount(main, h('p', { class: 'muted', role: 'status' }, 'Loading…'));

  try {
    if (!getKey()) {
      await login.render(main, {}, { ...ctx, done: route });
    } else {
      const { path, query } = parseHash();
      const match = routes.map((r) => ({ r, m: path.match(r.re) })).find((x) => x.m);
      if (!match) {
        document.title = 'Not found · Goldset';
        mount(main, h('h1', null, 'Page not found'), h('p', null, h('a', { href: '#/sets' }, 'Back to evaluation sets')));
      } else {
        await match.r.page.render(main, match.r.params(match.m, query), ctx);
      }
    }
    if (ctx.isCurrent()) {
      // data-route tells observers (and the browser tests) which route the content is for.
      main.dataset.route = location.hash;
      main.dataset.state = 'ready';
    }
  } catch (err) {
    if (!ctx.isCurrent()) return;
    main.dataset.route = location.hash;
    main.dataset.state = 'error';
    showError(err);
  }
  // Move focus to the new page's heading on in-app navigation so keyboard and
  // screen-reader users land on the content, not at the top of the old page.
  if (!firstRender && ctx.isCurrent()) {
    const heading = main.querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: false });
    }
  }
  firstRender = false;
}

function showError(err) {
  clear(main);
  main.append(h('h1', null, 'Something went wrong'));
  if (err instanceof ApiError && err.status === 401) {
    main.append(
      h('p', { class: 'error', role: 'alert' }, 'The API key was rejected (401). Sign in again with a valid key.'),
      h('button', { type: 'button', onclick: doSignOut }, 'Enter a different key'),
    );
    return;
  }
  main.append(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? `${err.status} ${err.code || ''}: ${err.message}` : String(err && err.message ? err.message : err)));
}

function doSignOut() {
  clearKey();
  route();
}

signOut.addEventListener('click', doSignOut);
// The skip link cannot be a plain #main link: the hash is the router's, so it would
// navigate away. It moves focus to the content instead.
document.querySelector('.skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
route();
