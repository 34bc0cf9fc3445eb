// Start a run of an evaluation set: a processor of the set's kind at a chosen version,
// and for extractors the scoring options (fuzzy-matched fields, excluded fields, fuzzy
// threshold). POST /evaluation_set_runs, then the run page follows it live.
import { h, clear, mount } from '../dom.js';
import { ApiError, enc, get, getAll, post } from '../api.js';
import { KINDS, listProcessors } from '../processors.js';
import { fieldPaths, rootSpec } from '../forms/schema.js';

export async function render(main, { setId }, ctx) {
  const set = await get(`/evaluation_sets/${enc(setId)}`);
  const kind = set.entity && set.entity.object;
  if (!KINDS[kind]) throw new Error(`The set's processor kind ${kind} is unknown`);
  const processors = (await listProcessors()).filter((p) => p.kind === kind);
  if (!ctx.isCurrent()) return;
  document.title = `Start a run · ${set.name} · Goldset`;
  const k = KINDS[kind];

  const procSelect = h('select', { id: 'run-processor' }, processors.map((p) => h('option', { value: p.id, selected: p.id === set.entity.id }, `${p.name} (${p.id})`)));
  const versionSelect = h('select', { id: 'run-version', 'aria-describedby': 'run-version-help' });
  const optionsBox = h('div', { id: 'run-options' });
  const status = h('div', { id: 'run-status', 'aria-live': 'polite' });
  let optionControls = null;

  async function loadVersions() {
    const versions = await getAll(`${k.collection}/${enc(procSelect.value)}/versions`, { maxPageSize: 100 }).catch(() => []);
    if (!ctx.isCurrent()) return;
    const published = versions.filter((v) => v.version !== 'draft');
    mount(versionSelect,
      h('option', { value: 'draft' }, 'draft (the current, unpublished config)'),
      published.length ? h('option', { value: 'latest' }, `latest published (${published[0].version})`) : null,
      published.map((v) => h('option', { value: v.version }, `${v.version}${v.description ? ` — ${v.description}` : ''}`)));
    await loadOptions();
  }

  async function loadOptions() {
    clear(optionsBox);
    optionControls = null;
    if (kind !== 'extractor') return;
    let config = {};
    try {
      config = (await get(`${k.collection}/${enc(procSelect.value)}/versions/${enc(versionSelect.value || 'draft')}`)).config || {};
    } catch { /* no fields to offer */ }
    if (!ctx.isCurrent()) return;
    const paths = fieldPaths(rootSpec(config));
    const strings = paths.filter((p) => p.kind === 'string');
    const group = (id, legend, help, list) => {
      const err = h('p', { class: 'field-error', id: `${id}-error`, hidden: true, role: 'alert' });
      const boxes = list.map((p, i) => h('div', { class: 'check-option' },
        h('input', { type: 'checkbox', id: `${id}-${i}`, value: p.path, name: id }), h('label', { for: `${id}-${i}`, class: 'mono' }, p.path)));
      const fs = h('fieldset', { class: 'option-group', id, 'aria-describedby': `${id}-help ${id}-error`, tabindex: -1 },
        h('legend', null, legend), h('p', { class: 'muted small', id: `${id}-help` }, help),
        list.length ? h('div', { class: 'check-grid' }, boxes) : h('p', { class: 'muted small' }, 'No such field in this version.'), err);
      return { fs, err, values: () => [...fs.querySelectorAll('input:checked')].map((el) => el.value) };
    };
    const fuzzy = group('fuzzy-fields', 'Fuzzy-matched fields', 'Text fields scored by similarity (1 − edit distance / length) instead of exact equality.', strings);
    const exclude = group('exclude-fields', 'Excluded fields', 'Fields left out of accuracy (still reported per item).', paths);
    const threshold = h('input', { type: 'number', id: 'fuzzy-threshold', min: 0.01, max: 1, step: 0.01, placeholder: '0.9', 'aria-describedby': 'fuzzy-threshold-help fuzzy-threshold-error' });
    const thresholdErr = h('p', { class: 'field-error', id: 'fuzzy-threshold-error', hidden: true, role: 'alert' });
    optionControls = { fuzzy, exclude, threshold, thresholdErr };
    mount(optionsBox, h('h2', null, 'Scoring options'), fuzzy.fs, exclude.fs,
      h('div', { class: 'form-row' }, h('label', { for: 'fuzzy-threshold' }, 'Fuzzy threshold'), threshold,
        h('p', { class: 'muted small', id: 'fuzzy-threshold-help' }, 'From 0 (exclusive) to 1; empty: the server default, 0.9.'), thresholdErr));
  }

  procSelect.addEventListener('change', loadVersions);
  versionSelect.addEventListener('change', loadOptions);

  const start = h('button', { type: 'submit', id: 'start-run' }, 'Start run');
  const show = (target, err, message) => {
    err.textContent = message;
    err.hidden = false;
    target.focus();
  };
  async function submit(e) {
    e.preventDefault();
    clear(status);
    const body = { evaluationSetId: set.id, entity: { id: procSelect.value, version: versionSelect.value || 'draft' } };
    if (optionControls) {
      for (const c of [optionControls.fuzzy.err, optionControls.exclude.err, optionControls.thresholdErr]) c.hidden = true;
      const options = { fuzzyMatchFields: optionControls.fuzzy.values(), excludeFields: optionControls.exclude.values() };
      const t = optionControls.threshold.value.trim();
      if (t) {
        const n = Number(t);
        if (!(n > 0 && n <= 1)) return show(optionControls.threshold, optionControls.thresholdErr, 'A number above 0 and at most 1.');
        options.fuzzyThreshold = n;
      }
      body.options = options;
    }
    start.disabled = true;
    try {
      const run = await post('/evaluation_set_runs', body);
      if (ctx.isCurrent()) location.hash = `#/runs/${enc(run.id)}`;
    } catch (err) {
      const msg = err instanceof ApiError ? err.message.replace(/;\s*Path:.*$/, '') : err.message;
      const path = err instanceof ApiError ? err.fieldPath || '' : '';
      if (optionControls && path.startsWith('options.fuzzyMatchFields')) show(optionControls.fuzzy.fs, optionControls.fuzzy.err, msg);
      else if (optionControls && path.startsWith('options.excludeFields')) show(optionControls.exclude.fs, optionControls.exclude.err, msg);
      else if (optionControls && path.startsWith('options.fuzzyThreshold')) show(optionControls.threshold, optionControls.thresholdErr, msg);
      mount(status, h('p', { class: 'error', role: 'alert' }, `Could not start the run: ${err.status ? `${err.status} ` : ''}${msg}`));
    } finally {
      start.disabled = false;
    }
    return undefined;
  }

  mount(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: '#/sets' }, 'Evaluation sets'), ' / ', h('a', { href: `#/sets/${enc(set.id)}` }, set.name), ' / New run'),
    h('h1', null, 'Start a run'),
    h('p', { class: 'muted' }, `Runs every item of “${set.name}” through a ${k.label.toLowerCase()} and scores it against the expected outputs.`),
    h('form', { class: 'workbench-form', id: 'new-run-form', onsubmit: submit, novalidate: true },
      h('div', { class: 'form-row' }, h('label', { for: 'run-processor' }, k.label), procSelect),
      h('div', { class: 'form-row' }, h('label', { for: 'run-version' }, 'Version'), versionSelect,
        h('p', { class: 'muted small', id: 'run-version-help' }, 'A run keeps the exact config of the version it ran, whatever changes later.')),
      optionsBox,
      h('div', { class: 'toolbar' }, start), status));
  await loadVersions();
}
