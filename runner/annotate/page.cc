// The labeling page (see page.h). One document, no external resource: the server's
// Content-Security-Policy allows only this script and style, by nonce. Trace strings are
// placed with textContent only (the helper el()), so a trace cannot add markup or run code.
#include "runner/annotate/page.h"

namespace arbiter {
namespace {

// Several literals joined: some compilers cap the length of one.
const char* const kPage[] = {
    R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>arbiter annotate</title>
<link rel="icon" href="data:,">
<style nonce="NONCE">
:root { --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --pass: #1a7f37;
  --fail: #cf222e; --focus: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: #fff; overflow-wrap: anywhere; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid var(--line);
  padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; }
header h1 { font-size: 16px; margin: 0; }
#progress-bar { flex: 1 1 160px; min-width: 120px; height: 8px; background: var(--bg);
  border-radius: 4px; overflow: hidden; }
#progress-fill { height: 100%; width: 0; background: var(--pass); }
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 420px); gap: 16px;
  padding: 16px; max-width: 1500px; margin: 0 auto; }
@media (max-width: 900px) { main { grid-template-columns: minmax(0, 1fr); padding: 8px; } }
section { border: 1px solid var(--line); border-radius: 6px; margin-bottom: 12px; padding: 8px 12px; }
section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  margin: 0 0 6px; }
.text { white-space: pre-wrap; margin: 0; font: inherit; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px;
  white-space: pre-wrap; margin: 0; }
.msg { border-left: 3px solid var(--line); padding: 2px 8px; margin: 6px 0; }
.msg .role { font-weight: 600; color: var(--muted); font-size: 12px; }
.msg.user { border-color: var(--focus); } .msg.assistant { border-color: var(--pass); }
.tool { background: var(--bg); border-radius: 4px; padding: 6px 8px; margin: 6px 0; }
.tool .err { color: var(--fail); }
details > summary { cursor: pointer; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
td, th { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
.pass { color: var(--pass); font-weight: 600; } .fail { color: var(--fail); font-weight: 600; }
.mode { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; margin: 6px 0; }
.mode.focused { outline: 2px solid var(--focus); }
.mode .name { font-weight: 600; }
.mode .desc { color: var(--muted); font-size: 13px; }
.mode .row { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; align-items: center; }
button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 4px;
  background: #fff; cursor: pointer; }
button:focus-visible, input:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
button.on.pass-btn { background: var(--pass); color: #fff; }
button.on.fail-btn { background: var(--fail); color: #fff; }
input[type=text], input[type=number] { font: inherit; padding: 3px 6px; border: 1px solid var(--line);
  border-radius: 4px; min-width: 0; flex: 1 1 120px; }
kbd { border: 1px solid var(--line); border-radius: 3px; padding: 0 4px; font-size: 12px; background: var(--bg); }
#status { min-height: 1.4em; color: var(--muted); }
#status.error { color: var(--fail); }
.others { font-size: 13px; color: var(--muted); }
#help { display: none; } #help.shown { display: block; }
nav { display: flex; gap: 6px; flex-wrap: wrap; }
</style>
</head>
<body>
<header>
  <h1>arbiter annotate</h1>
  <span id="set"></span>
  <span>reviewer <strong id="reviewer"></strong></span>
  <span id="progress-text" aria-live="polite"></span>
  <div id="progress-bar" role="progressbar" aria-label="labeled traces"><div id="progress-fill"></div></div>
  <nav>
    <select id="filter" title="only traces with this triage signal" aria-label="triage signal filter" hidden>
      <option value="">all traces</option>
    </select>
    <button id="prev" title="previous trace (k or ←)">← prev</button>
    <button id="next" title="next trace (j or →)">next →</button>
    <button id="undo" title="undo the last label (u)">undo</button>
    <button id="help-button" title="keyboard help (?)">keys</button>
    <button id="commit" title="make the next label-set version (Shift+C)">commit</button>
  </nav>
</header>
<main>
  <div id="trace-column">
    <section id="help"><h2>Keyboard</h2>
      <p><kbd>j</kbd>/<kbd>→</kbd> next trace · <kbd>k</kbd>/<kbd>←</kbd> previous ·
      <kbd>1</kbd>–<kbd>9</kbd> pick a failure mode (or <kbd>↑</kbd>/<kbd>↓</kbd>) ·
      <kbd>p</kbd> pass · <kbd>f</kbd> fail · <kbd>x</kbd> not assessed ·
      <kbd>g</kbd> type a graded value · <kbd>n</kbd> note (Enter saves) ·
      <kbd>u</kbd> undo · <kbd>Shift</kbd>+<kbd>C</kbd> commit · <kbd>?</kbd> this help</p>
      <p>p and f label the picked failure mode and move to the next one.</p>
    </section>
    <section><h2 id="trace-title">Trace</h2><div id="trace-meta" class="mono"></div></section>
    <section id="triage-section"><h2>Why it is in the queue</h2><div id="triage"></div></section>
    <section id="scores-section"><h2>Evaluator scores</h2><div class="wrap" id="scores"></div></section>
    <section><h2>User input</h2><pre class="text" id="input"></pre></section>
    <section id="messages-section"><h2>Conversation</h2><div id="messages"></div></section>
    <section id="tools-section"><h2>Tool calls</h2><div id="tools"></div></section>
    <section id="docs-section"><h2>Retrieved documents</h2><div id="docs"></div></section>
    <section><h2>Final output</h2><pre class="text" id="output"></pre></section>
    <section><h2>Other fields</h2><details><summary>show</summary><pre class="mono" id="other"></pre></details></section>
  </div>
  <div id="label-column">
    <section><h2>Failure modes</h2><div id="modes"></div></section>
    <section><h2>Progress</h2><div id="per-mode" class="wrap"></div></section>
    <section><h2>Agreement</h2><div id="agreement" class="wrap"></div></section>
    <div id="status" role="status" aria-live="polite"></div>
  </div>
</main>
<script nonce="NONCE">
'use strict';
// Every string from a trace goes in with textContent (el() below); nothing here builds markup.
const params = new URLSearchParams(location.search);
const token = params.get('token') || '';
const reviewerParam = params.get('reviewer');
let csrf = '';
let session = null;
let modes = [];
let index = 0;
let current = null;      // the served trace
let focusMode = 0;
const undoStack = [];
const signals = new Map();  // triage signal -> the queue indexes that carry it (GET /api/signals)
let filter = null;       // the indexes of the chosen signal, or null for every trace

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function asText(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}
function setStatus(text, error) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = error ? 'error' : '';
}
function url(path) {
  return path + (reviewerParam ? (path.includes('?') ? '&' : '?') + 'reviewer=' +
    encodeURIComponent(reviewerParam) : '');
}
async function api(path, body) {
  const init = { headers: { 'Authorization': 'Bearer ' + token } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.headers['X-CSRF-Token'] = csrf;
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url(path), init);
  const data = await res.json().catch(() => ({ error: 'the server answered ' + res.status }));
  if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status));
  return data;
}

function renderTrace(t) {
  const tr = t.trace || {};
  document.getElementById('trace-title').textContent =
    'Trace ' + (t.index + 1) + ' of ' + session.queue.size;
  document.getElementById('trace-meta').textContent = 'trace_id ' + t.trace_id +
    (tr.status ? ' · status ' + asText(tr.status) : '') +
    (tr.metadata && tr.metadata.intent ? ' · intent ' + asText(tr.metadata.intent) : '');
  // Triage reasons.
  const triage = document.getElementById('triage');
  clear(triage);
  document.getElementById('triage-section').hidden = !t.triage;
  if (t.triage) {
    const ul = el('ul');
    for (const r of (t.triage.reasons || [])) {
      const li = el('li');
      li.appendChild(el('strong', asText(r.signal)));
      li.appendChild(el('span', r.detail ? ': ' + asText(r.detail) : ''));
      ul.appendChild(li);
    }
    triage.appendChild(el('div', 'rank ' + asText(t.triage.rank) + ' · score ' + asText(t.triage.score), 'mono'));
    triage.appendChild(ul);
  }
  // Scores.
  const scores = document.getElementById('scores');
  clear(scores);
  document.getElementById('scores-section').hidden = !t.scores.length;
  if (t.scores.length) {
    const table = el('table');
    const head = el('tr');
    for (const h of ['evaluator', 'score', 'result', 'reason']) head.appendChild(el('th', h));
    table.appendChild(head);
    for (const s of t.scores) {
      const row = el('tr');
      row.appendChild(el('td', s.evaluator));
      row.appendChild(el('td', s.score === null ? '' : Number(s.score).toFixed(2)));
      row.appendChild(el('td', s.error ? 'error' : (s.pass ? 'pass' : 'fail'),
        s.error ? '' : (s.pass ? 'pass' : 'fail')));
      row.appendChild(el('td', s.error || s.reason));
      table.appendChild(row);
    }
    scores.appendChild(table);
  }
  document.getElementById('input').textContent = asText(tr.input);
  document.getElementById('output').textContent = asText(tr.output);
  // Conversation.
  const messages = document.getElementById('messages');
  clear(messages);
  const msgs = Array.isArray(tr.messages) ? tr.messages : [];
  document.getElementById('messages-section').hidden = !msgs.length;
  for (const m of msgs) {
    const role = m && typeof m.role === 'string' ? m.role : '';
    const box = el('div', null, 'msg ' + (['user', 'assistant', 'system', 'tool'].includes(role) ? role : ''));
    box.appendChild(el('div', role || 'message', 'role'));
    box.appendChild(el('pre', asText(m && m.content !== undefined ? m.content : m), 'text'));
    messages.appendChild(box);
  }
  // Tool calls.
  const tools = document.getElementById('tools');
  clear(tools);
  const calls = Array.isArray(tr.tool_calls) ? tr.tool_calls : [];
  document.getElementById('tools-section').hidden = !calls.length;
  for (const c of calls) {
    const box = el('div', null, 'tool');
    box.appendChild(el('div', asText(c && c.name), 'role'));
    if (c && c.arguments !== undefined) box.appendChild(el('pre', 'arguments: ' + asText(c.arguments), 'mono'));
    if (c && c.result !== undefined && c.result !== null) box.appendChild(el('pre', 'result: ' + asText(c.result), 'mono'));
    if (c && c.error) box.appendChild(el('pre', 'error: ' + asText(c.error), 'mono err'));
    tools.appendChild(box);
  }
  // Retrieved documents, collapsed.
  const docs = document.getElementById('docs');
  clear(docs);
  const ds = Array.isArray(tr.retrieved_documents) ? tr.retrieved_documents : [];
  document.getElementById('docs-section').hidden = !ds.length;
  ds.forEach((d, i) => {
    const det = el('details');
    const content = d && d.content !== undefined ? d.content : d;
    det.appendChild(el('summary', (d && d.id !== undefined ? asText(d.id) : 'doc' + i) + ' · ' +
      asText(content).slice(0, 80)));
    det.appendChild(el('pre', asText(content), 'text'));
    docs.appendChild(det);
  });
  const other = {};
  for (const [k, v] of Object.entries(tr)) {
    if (!['trace_id', 'input', 'output', 'messages', 'tool_calls', 'retrieved_documents'].includes(k)) other[k] = v;
  }
  document.getElementById('other').textContent = JSON.stringify(other, null, 2);
}

function labelOf(mode) {
  return current ? current.labels.find((l) => l.failure_mode === mode) : undefined;
}
function renderModes() {
  const box = document.getElementById('modes');
  clear(box);
  modes.forEach((m, i) => {
    const mine = labelOf(m.name);
    const div = el('div', null, 'mode' + (i === focusMode ? ' focused' : ''));
)PAGE",
    R"PAGE(    div.dataset.mode = m.name;
    const title = el('div');
    title.appendChild(el('kbd', i < 9 ? String(i + 1) : ''));
    title.appendChild(el('span', ' ' + m.name, 'name'));
    title.appendChild(el('span', ' · ' + m.scale, 'desc'));
    div.appendChild(title);
    if (m.description) div.appendChild(el('div', m.description, 'desc'));
    if (m.rubric) {
      const det = el('details');
      det.appendChild(el('summary', 'rubric'));
      det.appendChild(el('pre', m.rubric, 'text desc'));
      div.appendChild(det);
    }
    const row = el('div', null, 'row');
    const value = mine ? mine.label : null;
    if (m.scale === 'binary') {
      const pass = el('button', 'pass', 'pass-btn' + (value === 'pass' ? ' on' : ''));
      pass.setAttribute('aria-pressed', value === 'pass');
      pass.addEventListener('click', () => { focusMode = i; setLabel(m.name, 'pass'); });
      const fail = el('button', 'fail', 'fail-btn' + (value === 'fail' ? ' on' : ''));
      fail.setAttribute('aria-pressed', value === 'fail');
      fail.addEventListener('click', () => { focusMode = i; setLabel(m.name, 'fail'); });
      row.appendChild(pass);
      row.appendChild(fail);
    } else {
      const input = el('input');
      input.type = 'number';
      input.step = m.scale === '1-5' ? '1' : '0.05';
      input.min = m.scale === '1-5' ? '1' : '0';
      input.max = m.scale === '1-5' ? '5' : '1';
      input.className = 'graded';
      input.setAttribute('aria-label', m.name + ' value (' + m.scale + ')');
      if (value !== null) input.value = String(value);
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && input.value !== '') { e.preventDefault(); setLabel(m.name, Number(input.value)); }
        if (e.key === 'Escape') input.blur();
      });
      row.appendChild(input);
    }
    const none = el('button', 'not assessed', value === null ? 'on' : '');
    none.addEventListener('click', () => { focusMode = i; setLabel(m.name, null); });
    row.appendChild(none);
    div.appendChild(row);
    const note = el('input');
    note.type = 'text';
    note.className = 'note';
    note.placeholder = 'note (Enter saves)';
    note.setAttribute('aria-label', m.name + ' note');
    note.value = mine && mine.note ? mine.note : '';
    note.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        const l = labelOf(m.name);
        if (!l) { setStatus('label ' + m.name + ' first, then add a note', true); return; }
        setLabel(m.name, l.label, note.value, true);
      }
      if (e.key === 'Escape') note.blur();
    });
    div.appendChild(note);
    const others = current ? current.others.filter((l) => l.failure_mode === m.name) : [];
    if (others.length) {
      div.appendChild(el('div', 'others: ' + others.map((l) => l.reviewer + ' ' + l.label +
        (l.note ? ' (' + l.note + ')' : '')).join(', '), 'others'));
    }
    box.appendChild(div);
  });
}

async function setLabel(mode, label, note, keepFocus) {
  if (!current) return;
  const before = labelOf(mode);
  const trace_id = current.trace_id;
  const body = { trace_id, failure_mode: mode, label,
    note: note !== undefined ? note : (before && before.note ? before.note : '') };
  try {
    await api('/api/labels', body);
    undoStack.push({ index: current.index, trace_id, mode,
      label: before ? before.label : null, note: before ? before.note : '' });
    setStatus('saved ' + mode + ' = ' + (label === null ? 'not assessed' : label));
    if (!keepFocus && focusMode < modes.length - 1) focusMode++;
    await reload();
  } catch (e) {
    setStatus(e.message, true);
  }
}

async function undo() {
  const last = undoStack.pop();
  if (!last) { setStatus('nothing to undo'); return; }
  try {
    await api('/api/labels', { trace_id: last.trace_id, failure_mode: last.mode, label: last.label, note: last.note });
    setStatus('undid ' + last.mode + ' on ' + last.trace_id);
    await show(last.index);
  } catch (e) {
    setStatus(e.message, true);
  }
}

function renderProgress(p) {
  document.getElementById('progress-text').textContent = p.labeled + ' / ' + p.total + ' labeled';
  document.getElementById('progress-fill').style.width = (p.total ? 100 * p.labeled / p.total : 0) + '%';
  const per = document.getElementById('per-mode');
  clear(per);
  const table = el('table');
  for (const m of p.failure_modes) {
    const row = el('tr');
    row.appendChild(el('td', m.failure_mode));
    row.appendChild(el('td', m.labeled + ' / ' + p.total));
    table.appendChild(row);
  }
  for (const r of p.reviewers) {
    const row = el('tr');
    row.appendChild(el('td', 'reviewer ' + r.reviewer));
    row.appendChild(el('td', r.labeled + ' traces'));
    table.appendChild(row);
  }
  per.appendChild(table);
  const ag = document.getElementById('agreement');
  clear(ag);
  if (!p.agreement.length) {
    ag.appendChild(el('div', 'Shown once two reviewers have labeled the same traces.', 'desc'));
    return;
  }
  const t = el('table');
  const head = el('tr');
  for (const h of ['failure mode', 'reviewers', 'shared', "Cohen's κ", "Krippendorff's α"]) head.appendChild(el('th', h));
  t.appendChild(head);
  const fig = (v) => (v === null ? 'n/a' : Number(v).toFixed(2));
  for (const a of p.agreement) {
    const row = el('tr');
    row.appendChild(el('td', a.failure_mode));
    row.appendChild(el('td', a.reviewers.join(', ')));
    row.appendChild(el('td', a.shared_traces + ' of ' + a.traces));
    row.appendChild(el('td', fig(a.kappa)));
    row.appendChild(el('td', fig(a.alpha)));
    t.appendChild(row);
  }
  ag.appendChild(t);
  if (p.disagreements.length) {
    ag.appendChild(el('div', 'Disagreements (' + p.disagreements_total + '):', 'desc'));
    for (const d of p.disagreements.slice(0, 50)) {
      const b = el('button', '#' + (d.index + 1) + ' ' + d.trace_id + ' · ' + d.failure_mode + ': ' +
        Object.entries(d.labels).map(([r, v]) => r + ' ' + v).join(', '));
      b.addEventListener('click', () => show(d.index));
      ag.appendChild(b);
    }
  }
}

async function reload() {
  current = await api('/api/traces/' + index);
  renderModes();
  renderProgress(await api('/api/progress'));
}

async function show(i) {
  if (i < 0 || i >= session.queue.size) return;
  index = i;
  focusMode = 0;
  history.replaceState(null, '', '#' + i);
  try {
    current = await api('/api/traces/' + i);
    renderTrace(current);
    renderModes();
    renderProgress(await api('/api/progress'));
    document.body.dataset.index = String(i);
    window.scrollTo(0, 0);
  } catch (e) {
    setStatus(e.message, true);
  }
}

// The next (dir 1) or previous (dir -1) trace, among the filter's when a signal is chosen.
function step(dir) {
  if (!filter) return show(index + dir);
  const next = dir > 0 ? filter.find((i) => i > index) : [...filter].reverse().find((i) => i < index);
  if (next === undefined) setStatus('no ' + (dir > 0 ? 'later' : 'earlier') + ' trace with this signal');
  else show(next);
}

function chooseSignal(name) {
  filter = name && signals.has(name) ? signals.get(name) : null;
  document.body.dataset.filter = name || '';
  if (filter && !filter.includes(index)) show(filter[0]);
}

async function commit() {
  try {
    const made = await api('/api/commit', {});
    setStatus(made.message);
    document.body.dataset.committed = made.created || 'none';
  } catch (e) {
    setStatus(e.message, true);
  }
}

function focusedInput(cls) {
  const div = document.querySelectorAll('#modes .mode')[focusMode];
  return div ? div.querySelector(cls) : null;
}

document.addEventListener('keydown', (e) => {
  const tag = e.target && e.target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || e.ctrlKey || e.metaKey || e.altKey) return;
  const m = modes[focusMode];
  if (e.key === 'j' || e.key === 'ArrowRight') step(1);
  else if (e.key === 'k' || e.key === 'ArrowLeft') step(-1);
  else if (/^[1-9]$/.test(e.key) && Number(e.key) <= modes.length) { focusMode = Number(e.key) - 1; renderModes(); }
  else if (e.key === 'ArrowDown') { focusMode = Math.min(modes.length - 1, focusMode + 1); renderModes(); }
  else if (e.key === 'ArrowUp') { focusMode = Math.max(0, focusMode - 1); renderModes(); }
  else if (e.key === 'p' && m && m.scale === 'binary') setLabel(m.name, 'pass');
  else if (e.key === 'f' && m && m.scale === 'binary') setLabel(m.name, 'fail');
  else if (e.key === 'x' && m) setLabel(m.name, null);
  else if (e.key === 'g') { const i = focusedInput('.graded'); if (i) i.focus(); }
  else if (e.key === 'n') { const i = focusedInput('.note'); if (i) i.focus(); }
  else if (e.key === 'u') undo();
  else if (e.key === 'C') commit();
  else if (e.key === '?') document.getElementById('help').classList.toggle('shown');
  else return;
  e.preventDefault();
});
document.getElementById('prev').addEventListener('click', () => step(-1));
document.getElementById('next').addEventListener('click', () => step(1));
document.getElementById('filter').addEventListener('change', (e) => {
  chooseSignal(e.target.value);
  e.target.blur();  // back to the keyboard: j and k now step through the signal's traces
});
document.getElementById('undo').addEventListener('click', () => undo());
document.getElementById('commit').addEventListener('click', () => commit());
document.getElementById('help-button').addEventListener('click', () =>
  document.getElementById('help').classList.toggle('shown'));

(async () => {
  try {
    session = await api('/api/session');
    csrf = session.csrf;
    modes = session.failure_modes;
    document.getElementById('set').textContent = session.label_set +
      (session.label_set_version ? ' (from v' + session.label_set_version + ')' : '');
    document.getElementById('reviewer').textContent = session.reviewer;
    const select = document.getElementById('filter');
    for (const s of (await api('/api/signals')).signals) {
      signals.set(s.signal, s.indexes);
      const option = el('option', s.signal + ' (' + s.indexes.length + ')');
      option.value = s.signal;
      select.appendChild(option);
    }
    select.hidden = signals.size === 0;
    const progress = await api('/api/progress');
    const fromHash = /^#\d+$/.test(location.hash) ? Number(location.hash.slice(1)) : null;
    await show(fromHash !== null ? fromHash : (progress.next !== null ? progress.next : 0));
    document.body.dataset.ready = '1';
  } catch (e) {
    setStatus(e.message, true);
  }
})();
</script>
</body>
</html>

)PAGE"};

}  // namespace

std::string AnnotatePage(const std::string& nonce) {
  std::string page;
  for (const char* part : kPage) page += part;
  const std::string marker = "NONCE";
  for (size_t at = page.find(marker); at != std::string::npos; at = page.find(marker, at)) {
    page.replace(at, marker.size(), nonce);
    at += nonce.size();
  }
  return page;
}

}  // namespace arbiter
