// Tiny DOM builder so pages stay declarative without a framework.
// h('a', {href: '#/x', class: 'y'}, 'text', childNode, [moreChildren])
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

// Same as h() for SVG elements, which need their namespace.
export function s(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (value === true) {
      node.setAttribute(key, '');
    } else {
      node.setAttribute(key, String(value));
    }
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

// Replaces a container's content; like h(), skips null/false children and flattens arrays.
export function mount(node, ...children) {
  clear(node);
  append(node, children);
  return node;
}

// A table cell that names its column (data-label) and wraps its content in one span,
// so tables with class "stack" can turn into label/value cards on phones.
export function td(label, attrs, ...children) {
  return h('td', { ...(attrs || {}), 'data-label': label }, h('span', null, ...children));
}
