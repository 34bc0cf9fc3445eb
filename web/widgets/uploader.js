// Multi-file upload: a drop zone and a "Choose files" button, one row per file with its
// progress and, on failure, the server's error in place and a Retry button. Uploads
// start as soon as files are added, a few at a time.
import { h, mount } from '../dom.js';
import { ApiError, uploadFile } from '../api.js';
import { count } from '../format.js';

const PARALLEL = 3;

// -> {node, settled(): Promise<[{file, record}]>, uploaded(): [{file, record}], pending()}
// onUploaded(entry) runs for every file that reached the server.
export function uploader({ id = 'upload', label = 'Files', onUploaded, onChange } = {}) {
  const entries = [];
  let active = 0;
  let waiters = [];
  const input = h('input', { type: 'file', multiple: true, id: `${id}-input`, class: 'visually-hidden', tabindex: -1, 'aria-hidden': 'true' });
  const list = h('ul', { class: 'upload-list', id: `${id}-list`, 'aria-label': `${label}: upload progress` });
  const summary = h('p', { class: 'muted small', role: 'status', id: `${id}-summary` });
  const choose = h('button', { type: 'button', class: 'secondary', id: `${id}-choose`, onclick: () => input.click() }, 'Choose files…');
  const zone = h('div', { class: 'dropzone', id: `${id}-zone` },
    h('p', null, 'Drop files here, one evaluation item per file, or ', choose),
    h('p', { class: 'muted small' }, 'PDF, images, TXT, CSV, HTML… Each file is uploaded with POST /files/upload.'));

  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    add([...(e.dataTransfer ? e.dataTransfer.files : [])]);
  });
  input.addEventListener('change', () => {
    add([...input.files]);
    input.value = '';
  });

  const update = () => {
    const done = entries.filter((e) => e.state === 'done').length;
    const failed = entries.filter((e) => e.state === 'failed').length;
    mount(summary, entries.length
      ? [count(done, { id: `${id}-done` }), ` of ${entries.length} uploaded`, failed ? [', ', count(failed, { id: `${id}-failed` }), ' failed'] : null]
      : null);
    if (onChange) onChange();
    if (!entries.some((e) => e.state === 'waiting' || e.state === 'uploading')) {
      const w = waiters;
      waiters = [];
      w.forEach((fn) => fn());
    }
  };

  function add(files) {
    for (const file of files) {
      const entry = { file, state: 'waiting', record: null };
      const bar = h('progress', { max: 100, value: 0, 'aria-label': `Upload of ${file.name}` });
      const status = h('span', { class: 'upload-status small' }, 'Waiting');
      const retry = h('button', { type: 'button', class: 'secondary small-button', hidden: true, onclick: () => {
        retry.hidden = true;
        entry.state = 'waiting';
        status.textContent = 'Waiting';
        status.classList.remove('error');
        pump();
        update();
      } }, `Retry ${file.name}`);
      entry.row = h('li', { 'data-file-name': file.name, 'data-state': 'waiting' },
        h('span', { class: 'upload-name' }, file.name), h('span', { class: 'muted small' }, sizeText(file.size)), bar, status, retry);
      entry.ui = { bar, status, retry };
      entries.push(entry);
      list.append(entry.row);
    }
    pump();
    update();
  }

  function pump() {
    while (active < PARALLEL) {
      const next = entries.find((e) => e.state === 'waiting');
      if (!next) return;
      start(next);
    }
  }

  async function start(entry) {
    active++;
    entry.state = 'uploading';
    entry.row.dataset.state = 'uploading';
    entry.ui.status.textContent = 'Uploading…';
    try {
      entry.record = await uploadFile(entry.file, {
        onProgress: (loaded, total) => {
          const pct = total ? Math.round((loaded / total) * 100) : 0;
          entry.ui.bar.value = pct;
          entry.ui.status.textContent = `Uploading ${pct}%`;
        },
      });
      entry.state = 'done';
      entry.ui.bar.value = 100;
      entry.ui.status.textContent = 'Uploaded';
      if (onUploaded) onUploaded(entry);
    } catch (err) {
      entry.state = 'failed';
      entry.ui.status.textContent = `Failed: ${err instanceof ApiError ? `${err.status} ${err.message}` : err.message}`;
      entry.ui.status.classList.add('error');
      entry.ui.retry.hidden = false;
    } finally {
      entry.row.dataset.state = entry.state;
      active--;
      pump();
      update();
    }
  }

  return {
    node: h('div', { class: 'uploader' }, zone, input, list, summary),
    uploaded: () => entries.filter((e) => e.state === 'done'),
    pending: () => entries.filter((e) => e.state === 'waiting' || e.state === 'uploading').length,
    failed: () => entries.filter((e) => e.state === 'failed').length,
    total: () => entries.length,
    // Resolves once no upload is waiting or running.
    settled() {
      if (!entries.some((e) => e.state === 'waiting' || e.state === 'uploading')) return Promise.resolve();
      return new Promise((r) => waiters.push(r));
    },
    focus: () => choose.focus(),
  };
}

function sizeText(bytes) {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
