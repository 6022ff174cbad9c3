// The workbench page: open, edit, check, analyse, explain, save, export.
import { api, ApiError } from "./api.js";
import { $, fill, h } from "./dom.js";
import { Editor } from "./editor.js";
import { renderForm } from "./forms.js";
import { StateGraph } from "./graph.js";
import { renderBargaining } from "./plots.js";
import { renderLevels, renderPerceptions, renderPositions } from "./sections.js";
import { renderClaims, renderEvidence, renderExplanation, renderFirmness, renderOverview, renderRankings, renderStability, renderVariants } from "./views.js";

const NEW_MODEL = `format: standoff/1
title: New conflict
decision_makers:
  a:
    name: First decision maker
    options:
      act: {text: Take the action}
  b:
    name: Second decision maker
    options:
      respond: {text: Respond}
preferences:
  a:
    prioritize: [act, not respond]
  b:
    prioritize: [respond iff act]
status_quo: []
`;

const state = { path: null, result: null, job: null, checkTimer: null, generation: 0, explained: null,
  firmnessJob: null, firmnessText: null, reading: null };
const editor = new Editor(() => schedule());
const graph = new StateGraph((s) => explainState(s));
window.standoffWorkbench = { state, graph, editor }; // for the browser tests

function status(text, kind = "") {
  const node = $("status");
  node.className = kind;
  fill(node, text);
}

function showError(error) {
  const box = $("error-box");
  if (!error) {
    box.hidden = true;
    box.removeAttribute("data-line");
    editor.mark(null);
    return;
  }
  box.hidden = false;
  const where = error.line ? `line ${error.line}${error.column ? `, column ${error.column}` : ""}` : (error.file || "");
  box.dataset.line = error.line || "";
  fill($("error-where"), where);
  fill($("error-message"), error.message);
  fill($("error-fix"), error.fix ? `fix: ${error.fix}` : "");
  const moved = error.line !== editor.errorLine;
  editor.mark(error.line, error.text || error.message);
  if (error.line && moved) editor.reveal(error.line);
}

function schedule(delay = 350) {
  clearTimeout(state.checkTimer);
  $("panes").classList.add("stale");
  state.checkTimer = setTimeout(check, delay);
}

async function check() {
  const generation = ++state.generation;
  const text = editor.text;
  let answer;
  try {
    answer = await api.validate(text, state.path);
  } catch (e) {
    return failed(e);
  }
  if (generation !== state.generation) return;
  refreshForm(text, generation);
  if (state.firmnessText !== text) forgetFirmness();
  setTab("bargaining", answer.bargaining);
  if (answer.bargaining) refreshBargaining(text, generation);
  else renderBargaining(null);
  if (!answer.ok) {
    showError(answer.errors[0]);
    status(answer.errors[0].kind === "capacity" ? "model too large" : "model has an error", "bad");
    return;
  }
  showError(null);
  if (!answer.summary) { // a bargaining section and no graph model: nothing else to analyse
    $("panes").classList.remove("stale");
    status("a bargaining model (no decision makers to analyse)", "good");
    refreshSections(text, generation, {});
    showTab("bargaining");
    return;
  }
  refreshSections(text, generation, answer.sections || {});
  analyse(text, generation);
}

// A tab shown only when the model has its section; a hidden tab that was open gives way to
// the Overview.
function setTab(name, visible) {
  const button = document.querySelector(`#tabs button[data-tab='${name}']`);
  button.hidden = !visible;
  if (!visible && button.classList.contains("active")) showTab("overview");
}

const errorOf = (e) => (e instanceof ApiError ? e.error : { message: e.message });

function refreshSections(text, generation, sections) {
  setTab("positions", Boolean(sections.confrontation));
  setTab("perceptions", Boolean(sections.perceptions));
  setTab("levels", Boolean(sections.hierarchy));
  if (sections.confrontation) refreshPositions(text, generation); else renderPositions(null);
  if (sections.perceptions) {
    api.hypergame(text, state.path).then((doc) => [doc, null], (e) => [null, errorOf(e)])
      .then(([doc, error]) => { if (generation === state.generation) renderPerceptions(doc, error); });
  } else renderPerceptions(null);
  if (sections.hierarchy) {
    api.levels(text, state.path).then((doc) => [doc, null], (e) => [null, errorOf(e)])
      .then(([doc, error]) => { if (generation === state.generation) renderLevels(doc, error); });
  } else renderLevels(null);
}

async function refreshPositions(text, generation) {
  let doc = null;
  let error = null;
  try { doc = await api.dilemmas(text, state.path, state.reading); } catch (e) { error = errorOf(e); }
  if (generation !== state.generation) return;
  renderPositions(doc, error, (reading) => {
    state.reading = reading;
    refreshPositions(editor.text, state.generation);
  });
}

async function refreshForm(text, generation) {
  let form = null;
  let evidence = null;
  try { form = await api.form(text, state.path); } catch (e) { form = null; }
  try { evidence = await api.evidence(text, state.path); } catch (e) { evidence = null; }
  if (generation !== state.generation) return;
  renderForm(form, editForm);
  renderEvidence(evidence, editForm, (line) => editor.reveal(line));
  document.body.dataset.forms = String(Number(document.body.dataset.forms || 0) + 1);
}

async function refreshBargaining(text, generation) {
  let doc = null;
  let error = null;
  try { doc = await api.bargaining(text, state.path); } catch (e) { error = errorOf(e); }
  if (generation === state.generation) {
    renderBargaining(doc, error, (model, rounds, settings) => api.bargainingRun(editor.text, state.path, model, rounds, settings));
  }
}

function forgetFirmness() {
  if (state.firmnessJob) {
    api.cancel(state.firmnessJob).catch(() => {});
    state.firmnessJob = null;
    $("firmness-job").hidden = true;
  }
  state.firmnessText = null;
  renderFirmness(null);
}

async function computeFirmness() {
  forgetFirmness();
  const text = editor.text;
  let job;
  try { job = await api.startJob(text, state.path, "firmness"); } catch (e) { return failed(e); }
  state.firmnessJob = job.id;
  state.firmnessText = text;
  $("firmness-job").hidden = false;
  while (state.firmnessJob === job.id) {
    const p = job.progress;
    $("firmness-progress").max = Math.max(p.total, 1);
    $("firmness-progress").value = p.done;
    fill($("firmness-label"), p.label);
    if (job.state !== "running") break;
    await new Promise((r) => setTimeout(r, 150));
    try { job = await api.poll(job.id); } catch (e) { return failed(e); }
  }
  if (state.firmnessJob !== job.id) return;
  state.firmnessJob = null;
  $("firmness-job").hidden = true;
  if (job.state === "done") {
    renderFirmness(job.result);
    document.body.dataset.firmness = String(Number(document.body.dataset.firmness || 0) + 1);
    status(`how firm: computed in ${job.seconds.toFixed(1)} s`, "good");
  } else if (job.state === "failed") {
    fill($("firmness"), h("p", { className: "bad" }, job.error.text || job.error.message));
  }
}

function showTab(name) {
  for (const t of document.querySelectorAll("#tabs button")) t.classList.toggle("active", t.dataset.tab === name);
  for (const p of document.querySelectorAll(".pane")) p.classList.toggle("active", p.id === `pane-${name}`);
  if (name === "graph") graph.resize();
}

async function editForm(change) {
  try {
    const answer = await api.applyForm(editor.text, state.path, change);
    const scroll = editor.area.scrollTop;
    editor.text = answer.text;
    editor.area.scrollTop = scroll;
    editor.sync();
    renderForm(answer.form, editForm);
    schedule(0);
  } catch (e) { failed(e); }
}

async function analyse(text, generation) {
  if (state.job) { // stop the analysis of the previous text before starting this one
    const old = state.job;
    state.job = null;
    await api.cancel(old).catch(() => {});
  }
  let job;
  try {
    job = await api.startJob(text, state.path);
  } catch (e) { return failed(e); }
  if (generation !== state.generation) { api.cancel(job.id).catch(() => {}); return; }
  state.job = job.id;
  status("analysing…");
  $("job").hidden = false;
  while (state.job === job.id) {
    const p = job.progress;
    $("progress").max = Math.max(p.total, 1);
    $("progress").value = p.done;
    fill($("progress-label"), p.label);
    if (job.state !== "running") break;
    await new Promise((r) => setTimeout(r, 150));
    try { job = await api.poll(job.id); } catch (e) { return failed(e); }
  }
  if (state.job !== job.id) return; // superseded or cancelled
  state.job = null;
  $("job").hidden = true;
  if (job.state === "done") {
    show(job.result);
    status(`analysed in ${job.seconds.toFixed(1)} s`, "good");
  } else if (job.state === "failed") {
    showError(job.error);
    status(job.error.kind === "capacity" ? "model too large" : "analysis failed", "bad");
  } else {
    status("analysis cancelled");
  }
}

function show(result) {
  state.result = result;
  $("panes").classList.remove("stale");
  renderOverview(result);
  renderStability(result, explainState);
  renderRankings(result);
  renderClaims(result);
  renderVariants(result);
  if (typeof window.cytoscape === "function") graph.show(result);
  document.body.dataset.analysed = String(Number(document.body.dataset.analysed || 0) + 1);
}

async function explainState(s) {
  state.explained = s;
  try {
    const doc = await api.explain(editor.text, state.path, s);
    if (state.explained === s) renderExplanation(doc);
  } catch (e) { failed(e); }
}

function failed(e) {
  if (e instanceof ApiError) {
    if (e.error && e.error.line) showError(e.error);
    status(e.error && e.error.text ? e.error.text : e.message, "bad");
  } else {
    status(`cannot reach the workbench server: ${e.message}`, "bad");
  }
}

async function refreshList(selected) {
  const list = await api.models();
  const select = $("file-select");
  fill(select, h("option", { value: "" }, "(choose a file)"),
    list.models.map((m) => h("option", { value: m.path }, m.path)));
  select.value = selected || "";
}

async function open(path) {
  try {
    const doc = await api.read(path);
    state.path = doc.path;
    state.reading = null;
    $("path-input").value = doc.path;
    editor.text = doc.text;
    const url = new URL(window.location.href);
    url.searchParams.set("file", doc.path);
    window.history.replaceState(null, "", url);
    status(`opened ${doc.path}`);
    schedule(0);
  } catch (e) { failed(e); }
}

$("file-select").addEventListener("change", (e) => { if (e.target.value) open(e.target.value); });
$("new-button").addEventListener("click", () => {
  state.path = null;
  $("file-select").value = "";
  $("path-input").value = "";
  editor.text = NEW_MODEL;
  status("new model (not saved yet)");
  schedule(0);
});
$("save-button").addEventListener("click", async () => {
  const path = $("path-input").value.trim();
  if (!path) { status("type a file name in 'Save as' first (e.g. my-model.yaml)", "bad"); $("path-input").focus(); return; }
  try {
    const saved = await api.save(path, editor.text);
    state.path = saved.path;
    await refreshList(saved.path);
    status(`saved ${saved.path}` + (saved.backup ? ` (previous version in ${saved.backup})` : ""), "good");
  } catch (e) { failed(e); }
});
$("report-button").addEventListener("click", async () => {
  status("writing the report…");
  try {
    const response = await api.report(editor.text, state.path);
    const blob = await response.blob();
    const link = h("a", { href: URL.createObjectURL(blob), download: (state.path || "untitled").replace(/.*\//, "").replace(/\.[^.]*$/, "") + ".html" });
    document.body.append(link);
    link.click();
    link.remove();
    status("report exported", "good");
  } catch (e) { failed(e); }
});
$("cancel-button").addEventListener("click", () => {
  if (!state.job) return;
  const id = state.job;
  state.job = null;
  $("job").hidden = true;
  api.cancel(id).then(() => status("analysis cancelled")).catch(failed);
});
for (const tab of document.querySelectorAll("#tabs button")) {
  tab.addEventListener("click", () => showTab(tab.dataset.tab));
}
$("firmness-button").addEventListener("click", computeFirmness);
$("firmness-cancel").addEventListener("click", () => { forgetFirmness(); status("how firm: cancelled"); });
renderFirmness(null);

(async () => {
  try {
    const wanted = new URLSearchParams(window.location.search).get("file");
    await refreshList(wanted);
    if (wanted) await open(wanted);
    else status("choose a model, or start a new one");
  } catch (e) { failed(e); }
})();
