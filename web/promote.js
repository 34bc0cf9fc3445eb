// Promote: the engine was right, so its value becomes ground truth. This is the only
// place that does it. With the run known it uses POST /evaluation_set_runs/{id}/results/
// {itemId}/promote, so the item's history records a "promote" from that run; a field the
// output does not have (promoted as null) and calls without a run fall back to the
// public item update.
import { enc, get, post } from './api.js';

// field: a result field path ("vendor.name", "line_items"); for classifiers "(class)",
// for splitters "(splits)". Returns the updated item. Throws ApiError from the API, or
// Error when the field cannot be promoted (a column of an array: promote the array).
export async function promoteField({ setId, itemId, kind, field, actualOutput, runId }) {
  if (!actualOutput) throw new Error('the run has no output for this item');
  if (kind === 'extractor' && field.includes('[]')) throw new Error(`${field} is a column of an array: promote the whole array (${field.split('[]')[0]}) instead`);
  const whole = kind === 'classifier' || kind === 'splitter';
  if (runId && (whole || valueAt(actualOutput.value, field) !== undefined)) {
    return post(`/evaluation_set_runs/${enc(runId)}/results/${enc(itemId)}/promote`, whole ? {} : { fields: [field] });
  }
  const path = `/evaluation_sets/${enc(setId)}/items/${enc(itemId)}`;
  const item = await get(path);
  let expected;
  if (kind === 'classifier') {
    expected = { id: actualOutput.id, type: actualOutput.type };
  } else if (kind === 'splitter') {
    expected = {
      splits: (actualOutput.splits || []).map((sp) => ({ classificationId: sp.classificationId, type: sp.type, startPage: sp.startPage, endPage: sp.endPage })),
    };
  } else {
    const value = valueAt(actualOutput.value, field);
    expected = JSON.parse(JSON.stringify(item.expectedOutput || {}));
    if (!expected.value || typeof expected.value !== 'object') expected.value = {};
    setValueAt(expected.value, field, value === undefined ? null : value);
  }
  return post(path, { expectedOutput: expected });
}

// "vendor.name" in {vendor: {name: …}}.
export function valueAt(obj, dotted) {
  let cur = obj;
  for (const key of dotted.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = cur[key];
  }
  return cur;
}

function setValueAt(obj, dotted, value) {
  const keys = dotted.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    if (!cur[key] || typeof cur[key] !== 'object' || Array.isArray(cur[key])) cur[key] = {};
    cur = cur[key];
  }
  cur[keys[keys.length - 1]] = value;
}
