// Asks for the API key once; it is kept in localStorage until "Sign out".
import { h, mount } from '../dom.js';
import { setKey } from '../api.js';

export async function render(main, _params, ctx) {
  document.title = 'Sign in · Goldset';
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, placeholder: 'sk_…', spellcheck: 'false' });
  const form = h('form', { class: 'card login', onsubmit: (e) => {
    e.preventDefault();
    if (!input.value.trim()) return;
    setKey(input.value);
    ctx.done();
  } },
  h('label', { for: 'api-key' }, 'API key'),
  input,
  h('p', { class: 'muted' }, 'Create one with ', h('code', null, 'goldset keys create --data-dir DIR'), '. It is stored in this browser only.'),
  h('button', { type: 'submit' }, 'Sign in'));
  mount(main, h('h1', null, 'Sign in'), form);
  input.focus();
}
