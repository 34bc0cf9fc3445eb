// Settings: the workspace's API keys (GET /api_keys): name, rights, created, last used;
// create (the key is shown once) and revoke (two steps). Only an admin key may do this;
// another key sees why not and how to get one.
import { h, clear, mount } from '../dom.js';
import { ApiError, clearKey, del, enc, getAll, post } from '../api.js';
import { dateTime } from '../format.js';

export async function render(main, _params, ctx) {
  document.title = 'API keys · Goldset';
  let keys;
  try {
    keys = await getAll('/api_keys', { maxPageSize: 100 });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 403) throw err;
    if (!ctx.isCurrent()) return;
    mount(main, h('h1', null, 'API keys'),
      h('div', { class: 'card', id: 'keys-forbidden', role: 'status' },
        h('p', null, 'This API key may not manage the workspace’s keys.'),
        h('p', { class: 'muted' }, 'Sign in with an admin key: the first key of a new data directory is one, and ',
          h('code', null, 'goldset keys create --admin'), ' makes another.')));
    return;
  }
  if (!ctx.isCurrent()) return;

  const tbody = h('tbody');
  const status = h('div', { id: 'keys-status', 'aria-live': 'polite' });
  const paint = () => mount(tbody, keys.map((k) => keyRow(k)));

  function keyRow(k) {
    const state = k.revokedAt ? h('span', { class: 'badge status-cancelled' }, 'revoked') : h('span', { class: 'badge status-processed' }, 'active');
    const actions = h('td', { 'data-label': 'Actions' });
    const row = h('tr', { 'data-key-id': k.id, 'data-revoked': String(!!k.revokedAt) },
      h('th', { scope: 'row' }, k.name, k.current ? [' ', h('span', { class: 'badge' }, 'this key')] : null,
        h('div', { class: 'muted small mono' }, k.id)),
      h('td', { 'data-label': 'Rights' }, k.admin ? 'admin' : 'API'),
      h('td', { 'data-label': 'Created' }, dateTime(k.createdAt), k.createdBy ? h('div', { class: 'muted small' }, `by ${k.createdBy.name}`) : null),
      h('td', { 'data-label': 'Last used', class: 'last-used' }, k.lastUsedAt ? dateTime(k.lastUsedAt) : h('span', { class: 'muted' }, 'never')),
      h('td', { 'data-label': 'Status' }, state, k.revokedAt ? h('div', { class: 'muted small' }, dateTime(k.revokedAt)) : null),
      actions);
    if (!k.revokedAt) {
      const revoke = h('button', { type: 'button', class: 'secondary small-button revoke', 'aria-label': `Revoke ${k.name}` }, 'Revoke');
      revoke.addEventListener('click', () => {
        // Two steps: the first click asks, the second revokes.
        const confirm = h('button', { type: 'button', class: 'danger small-button confirm-revoke' }, `Yes, revoke ${k.name}`);
        const cancel = h('button', { type: 'button', class: 'secondary small-button' }, 'Keep it');
        cancel.addEventListener('click', () => { mount(actions, revoke); revoke.focus(); });
        confirm.addEventListener('click', async () => {
          confirm.disabled = true;
          try {
            const updated = await del(`/api_keys/${enc(k.id)}`);
            if (k.current) {
              // This browser's own key: it no longer works, so sign out.
              clearKey();
              location.hash = '#/sets';
              window.dispatchEvent(new HashChangeEvent('hashchange'));
              return;
            }
            keys = keys.map((x) => (x.id === k.id ? updated : x));
            paint();
            mount(status, h('p', { class: 'ok', role: 'status' }, `Revoked ${k.name}. It stops working within the server's key cache time.`));
          } catch (err) {
            confirm.disabled = false;
            mount(status, h('p', { class: 'error', role: 'alert' }, `Could not revoke ${k.name}: ${err instanceof ApiError ? `${err.status} ${err.message}` : err.message}`));
          }
        });
        mount(actions, h('span', { class: 'confirm' }, k.current ? h('span', { class: 'small error' }, 'This is the key you are signed in with. ') : null, confirm, ' ', cancel));
        confirm.focus();
      });
      actions.append(revoke);
    }
    return row;
  }

  // -- Create ---------------------------------------------------------------------------
  const name = h('input', { id: 'new-key-name', type: 'text', autocomplete: 'off', maxlength: 200, 'aria-describedby': 'new-key-error' });
  const admin = h('input', { id: 'new-key-admin', type: 'checkbox' });
  const nameError = h('p', { class: 'field-error', id: 'new-key-error', hidden: true, role: 'alert' });
  const shown = h('div', { id: 'new-key-shown', 'aria-live': 'polite' });
  const createBtn = h('button', { type: 'submit', id: 'create-key' }, 'Create key');
  const form = h('form', { class: 'card workbench-form', id: 'new-key-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    nameError.hidden = true;
    name.removeAttribute('aria-invalid');
    clear(shown);
    if (!name.value.trim()) {
      nameError.textContent = 'Name the key (who or what uses it).';
      nameError.hidden = false;
      name.setAttribute('aria-invalid', 'true');
      name.focus();
      return;
    }
    createBtn.disabled = true;
    try {
      const created = await post('/api_keys', { name: name.value, admin: admin.checked });
      if (!ctx.isCurrent()) return;
      const { key, ...record } = created;
      keys = [record, ...keys];
      paint();
      const out = h('input', { id: 'new-key-value', type: 'text', readonly: true, class: 'mono', 'aria-label': `The new key ${record.name}`, spellcheck: 'false' });
      out.value = key;
      const copy = h('button', { type: 'button', class: 'secondary', id: 'copy-key' }, 'Copy');
      const copied = h('span', { class: 'small', role: 'status' });
      copy.addEventListener('click', async () => {
        out.select();
        try { await navigator.clipboard.writeText(key); copied.textContent = 'Copied.'; } catch { copied.textContent = 'Selected: press Ctrl+C to copy.'; }
      });
      mount(shown, h('div', { class: 'card new-key' },
        h('p', null, h('strong', null, `Key “${record.name}” created.`), ' Copy it now: it is shown once and only its hash is stored.'),
        h('div', { class: 'toolbar' }, out, copy, copied)));
      name.value = '';
      admin.checked = false;
      out.focus();
      out.select();
    } catch (err) {
      const msg = err instanceof ApiError ? err.message.replace(/;\s*Path:.*$/, '') : err.message;
      nameError.textContent = `Not created: ${msg}`;
      nameError.hidden = false;
      name.setAttribute('aria-invalid', 'true');
      name.focus();
    } finally {
      createBtn.disabled = false;
    }
  } },
  h('h2', { id: 'new-key-h' }, 'New key'),
  h('div', { class: 'form-row' }, h('label', { for: 'new-key-name' }, 'Name'), name, nameError),
  h('div', { class: 'check-option' }, admin, h('label', { for: 'new-key-admin' }, 'Admin: may manage this workspace’s keys')),
  h('div', { class: 'toolbar' }, createBtn), shown);

  paint();
  mount(main,
    h('h1', null, 'API keys'),
    h('p', { class: 'muted' }, 'Keys of this workspace. A revoked key stops working within the server’s key cache time (--auth-cache-ms). Organization keys are managed with the goldset keys command.'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data stack', id: 'keys-table' },
      h('thead', null, h('tr', null, ['Name', 'Rights', 'Created', 'Last used', 'Status'].map((c) => h('th', { scope: 'col' }, c)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody)),
    status,
    form);
}
