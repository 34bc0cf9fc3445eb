// Marks where two short strings differ: common prefix and suffix stay plain, the
// differing middle is wrapped in <mark>. Enough to spot a wrong digit or a missing word.
import { h } from './dom.js';

export function diffPair(expected, actual) {
  const a = String(expected);
  const b = String(actual);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const part = (text) => {
    const mid = text.slice(start, text.length - end);
    return [text.slice(0, start), mid ? h('mark', null, mid) : null, text.slice(text.length - end)];
  };
  return { expected: part(a), actual: part(b) };
}
