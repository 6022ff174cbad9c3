// The Bargaining pane: each bargaining model's positions by round, drawn as SVG from the
// series the API returns (one line per actor, the forecast dashed). Nothing is computed
// here but where a value falls on the drawing; names go in as text nodes only.
import { $, fill, h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
  "#7f7f7f", "#bcbd22", "#17becf"];
const DASHES = ["", "6 3", "2 2", "8 3 2 3"];

function s(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = String(text);
  return node;
}

const short = (v) => Number(v.toPrecision(4)).toString();

// One issue of one model: axes, a polyline per actor, the forecast, a legend.
function panel(model, issue, width = 660, height = 300) {
  const left = 56, right = 190, top = 26, bottom = 34;
  const rows = Math.max(issue.series.length * 13 + top + bottom, height);
  const pw = width - left - right, ph = rows - top - bottom;
  let [lo, hi] = issue.range;
  if (hi - lo < 1e-12) { lo -= 1; hi += 1; }
  const n = Math.max(issue.rounds, 1);
  const x = (k) => left + (pw * k) / n;
  const y = (v) => top + ph * (1 - (v - lo) / (hi - lo));
  const svg = s("svg", { width, height: rows, viewBox: `0 0 ${width} ${rows}`, class: "rounds-plot",
    "data-model": model.model, "data-issue": issue.issue, role: "img" });
  svg.append(s("title", {}, `${model.model}: ${issue.name}: positions by round`));
  svg.append(s("text", { x: left, y: 16, "font-size": 13, "font-weight": "bold" },
    `${issue.name} (forecast ${short(issue.forecast)})`));
  svg.append(s("line", { x1: left, y1: top + ph, x2: left + pw, y2: top + ph, stroke: "#333" }));
  svg.append(s("line", { x1: left, y1: top, x2: left, y2: top + ph, stroke: "#333" }));
  const step = Math.max(1, Math.ceil(issue.rounds / 12));
  for (let k = 0; k <= issue.rounds; k += step) {
    svg.append(s("text", { x: x(k), y: top + ph + 14, "font-size": 10, "text-anchor": "middle" }, k));
  }
  svg.append(s("text", { x: left + pw / 2, y: rows - 4, "font-size": 11, "text-anchor": "middle" }, "round"));
  for (let t = 0; t <= 4; t += 1) {
    const v = lo + ((hi - lo) * t) / 4;
    svg.append(s("text", { x: left - 6, y: y(v) + 3, "font-size": 10, "text-anchor": "end" }, short(v)));
    svg.append(s("line", { x1: left, y1: y(v), x2: left + pw, y2: y(v), stroke: "#eceff3" }));
  }
  issue.series.forEach((line, a) => {
    const colour = COLOURS[a % COLOURS.length];
    const dash = DASHES[Math.floor(a / COLOURS.length) % DASHES.length];
    const points = line.positions.map((v, k) => `${x(k).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    const attrs = { points, fill: "none", stroke: colour, "stroke-width": 1.6, class: "series", "data-actor": line.actor };
    if (dash) attrs["stroke-dasharray"] = dash;
    const poly = s("polyline", attrs);
    poly.append(s("title", {}, `${line.name}: ${line.positions.map(short).join(" → ")}`));
    svg.append(poly);
    if (line.positions.length === 1) {
      svg.append(s("circle", { cx: x(0), cy: y(line.positions[0]), r: 3, fill: colour }));
    }
    svg.append(s("text", { x: left + pw + 8, y: top + 13 * a + 4, "font-size": 10, fill: colour, class: "legend" },
      `${line.actor}: ${line.name}`));
  });
  svg.append(s("line", { x1: left, y1: y(issue.forecast), x2: left + pw, y2: y(issue.forecast),
    stroke: "#000", "stroke-dasharray": "4 3", class: "forecast" }));
  return svg;
}

const optionsText = (options) => Object.entries(options || {}).map(([k, v]) => `${k}=${v}`).join(", ") || "none";

// run(model, rounds, settings) asks the server to run one model with the rounds and the
// NAME=VALUE settings the user typed (validated there, as 'standoff forecast --set').
export function renderBargaining(doc, error, run) {
  const box = $("bargaining");
  if (error) {
    fill(box, h("p", { className: "bad" }, error.text || error.message));
    return;
  }
  if (!doc) {
    fill(box, h("p", { className: "muted" }, "This model has no bargaining section (see examples/bargaining/ and docs/bargaining.md)."));
    return;
  }
  const issues = doc.models.length ? doc.models[0].issues.map((i) => i.issue) : [];
  const table = h("table", { id: "forecasts" },
    h("tr", {}, h("th", { className: "left" }, "model"), issues.map((i) => h("th", {}, i)), h("th", {}, "rounds")),
    doc.models.map((m) => h("tr", { dataset: { model: m.model } }, h("td", { className: "left" }, m.model),
      issues.map((i) => h("td", {}, short((m.issues.find((x) => x.issue === i) || { forecast: NaN }).forecast))),
      h("td", {}, m.issues.map((i) => i.rounds).join(", ")))));
  const choice = h("select", { id: "bargaining-model" }, doc.models.map((m) => h("option", { value: m.model },
    m.model + (m.dynamic ? "" : " (one round)"))));
  const first = doc.models.find((m) => m.dynamic) || doc.models[0];
  if (first) choice.value = first.model;
  const runs = {}; // model -> the document of the user's own run of it
  const rounds = h("input", { type: "number", id: "bargaining-rounds", min: 0, step: 1, size: 6 });
  const settings = h("textarea", { id: "bargaining-settings", rows: 2, cols: 34, spellcheck: "false",
    placeholder: "NAME=VALUE, one per line" });
  const runError = h("div", { id: "bargaining-run-error" });
  const inEffect = h("p", { id: "bargaining-options", className: "muted" });
  const button = h("button", { type: "button", id: "bargaining-run-button" }, "Run");
  const plots = h("div", { id: "bargaining-plots" });
  const draw = () => {
    const model = runs[choice.value] || doc.models.find((m) => m.model === choice.value);
    if (!model) { fill(plots); return; }
    rounds.placeholder = model.options && model.options.rounds !== undefined ? String(model.options.rounds) : "";
    fill(inEffect, runs[choice.value] ? "your run; " : "as the report runs it; ", "options in effect: ", optionsText(model.options));
    fill(plots, model.citation ? h("p", { className: "muted" }, model.citation) : null,
      model.note ? h("p", { className: "muted" }, model.note) : null,
      model.issues.map((issue) => h("div", { className: "plot" }, panel(model, issue))));
  };
  choice.addEventListener("change", () => { fill(runError); draw(); });
  button.addEventListener("click", async () => {
    if (!run) return;
    const lines = settings.value.split("\n").map((x) => x.trim()).filter((x) => x);
    const asked = rounds.value === "" ? null : Number(rounds.value);
    button.disabled = true;
    fill(runError);
    try {
      runs[choice.value] = await run(choice.value, asked, lines);
      draw();
    } catch (e) {
      const why = e.error || {};
      fill(runError, h("p", { className: "bad" }, why.text || e.message));
    } finally {
      button.disabled = false;
      document.body.dataset.bargainingRun = String(Number(document.body.dataset.bargainingRun || 0) + 1);
    }
  });
  fill(box, h("h3", {}, doc.title), h("h3", {}, "Forecasts"), table,
    Object.keys(doc.failures).length ? h("ul", {}, Object.entries(doc.failures).map(([m, why]) => h("li", { className: "bad" }, `${m}: ${why}`))) : null,
    h("h3", {}, "Positions by round"),
    h("div", { id: "bargaining-controls" }, h("label", {}, "model ", choice),
      h("label", {}, "rounds ", rounds),
      h("label", { title: "as 'standoff forecast --set NAME=VALUE' (docs/bargaining.md)" }, "options ", settings),
      button),
    runError, inEffect, plots);
  draw();
  document.body.dataset.bargaining = String(Number(document.body.dataset.bargaining || 0) + 1);
}
