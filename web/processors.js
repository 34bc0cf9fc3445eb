// The three processor kinds as the public API names them, and what the workbench needs
// of a set's processor: its draft config and the blank expected output of a new item.
import { enc, get, getAll } from './api.js';

export const KINDS = {
  extractor: { label: 'Extractor', collection: '/extractors', runs: '/extract_runs', runKey: 'extractor', labelsKey: null },
  classifier: { label: 'Classifier', collection: '/classifiers', runs: '/classify_runs', runKey: 'classifier', labelsKey: 'classifications' },
  splitter: { label: 'Splitter', collection: '/splitters', runs: '/split_runs', runKey: 'splitter', labelsKey: 'splitClassifications' },
};

// Every processor of the workspace: [{kind, id, name}].
export async function listProcessors() {
  const lists = await Promise.all(Object.entries(KINDS).map(async ([kind, k]) =>
    (await getAll(k.collection, { maxPageSize: 100 })).map((p) => ({ kind, id: p.id, name: p.name }))));
  return lists.flat();
}

// A set's processor with its draft config (the config items are validated against).
export async function setProcessor(set) {
  const kind = set.entity && set.entity.object;
  if (!KINDS[kind]) throw new Error(`Unknown processor kind ${kind}`);
  const processor = await get(`${KINDS[kind].collection}/${enc(set.entity.id)}`);
  return { kind, processor, config: (processor.draftVersion && processor.draftVersion.config) || {} };
}

// The labels (classes) of a classifier or splitter config: [{id, type, description}].
export function labelsOf(kind, config) {
  const key = KINDS[kind] && KINDS[kind].labelsKey;
  return key && Array.isArray(config[key]) ? config[key] : [];
}

// A new item's expected output before anyone labelled it. Extractor: no field labelled
// (absent fields are not scored); splitter: no splits; a classifier needs a class.
export function blankExpected(kind, initialClass) {
  if (kind === 'extractor') return { value: {} };
  if (kind === 'splitter') return { splits: [] };
  return { id: initialClass.id, type: initialClass.type };
}

// Is an expected output still blank (nothing labelled yet)?
export function isBlank(kind, expected) {
  if (!expected) return true;
  if (kind === 'extractor') return !expected.value || Object.keys(expected.value).length === 0;
  if (kind === 'splitter') return !Array.isArray(expected.splits) || expected.splits.length === 0;
  return false;
}
