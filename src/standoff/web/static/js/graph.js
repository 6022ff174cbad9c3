// The interactive state graph (cytoscape.js, vendored): zoom and pan, a filter per decision
// maker, improvements distinct from other moves, equilibria per concept, the evolution path.
import { $, fill, h } from "./dom.js";

const COLOURS = ["#2f6fd0", "#c2410c", "#7c3aed", "#0f8a6a", "#b8326a", "#6b7280", "#a16207", "#0e7490"];

export class StateGraph {
  constructor(onState) {
    this.onState = onState;
    this.cy = null;
    this.result = null;
    this.hiddenDms = new Set();
    $("graph-concept").addEventListener("change", () => this.markEquilibria());
    $("graph-all-moves").addEventListener("change", () => this.filter());
    $("graph-fit").addEventListener("click", () => this.cy && this.cy.fit(undefined, 20));
  }

  show(result) {
    this.result = result;
    const g = result.graph;
    const dmIndex = new Map(g.decision_makers.map((d, i) => [d.id, i]));
    const onPath = new Set(g.evolution.moves.map((m) => `${m.from}-${m.to}-${m.dm}`));
    const pathStates = new Set(g.evolution.states);
    const elements = [];
    for (const n of g.nodes) {
      elements.push({ group: "nodes", data: { id: `s${n.id}`, state: n.id, label: `${n.id}\n${n.pattern}` },
        classes: [n.status_quo ? "sq" : "", pathStates.has(n.id) ? "onpath" : ""].filter(Boolean).join(" ") });
    }
    g.moves.forEach((m, k) => {
      const i = dmIndex.get(m.dm);
      elements.push({ group: "edges", data: { id: `m${k}`, source: `s${m.from}`, target: `s${m.to}`, dm: m.dm, colour: COLOURS[i % COLOURS.length] },
        classes: [m.improvement ? "ui" : "move", onPath.has(`${m.from}-${m.to}-${m.dm}`) ? "onpath" : ""].filter(Boolean).join(" ") });
    });
    const select = $("graph-concept");
    const previous = select.value;
    fill(select, result.concepts.map((c) => h("option", { value: c.key }, c.name)));
    if (result.concepts.some((c) => c.key === previous)) select.value = previous;
    else if (result.concepts.some((c) => c.key === "seq")) select.value = "seq";
    fill($("graph-dm-filters"), g.decision_makers.map((d, i) => h("label", { title: d.name },
      h("input", { type: "checkbox", checked: !this.hiddenDms.has(d.id), dataset: { dm: d.id },
        onchange: (e) => { if (e.target.checked) this.hiddenDms.delete(d.id); else this.hiddenDms.add(d.id); this.filter(); } }),
      h("span", { className: "swatch", style: `background:${COLOURS[i % COLOURS.length]}` }), d.id)));
    fill($("graph-note"), g.note || "");
    this.elements = elements;
    this.dirty = true;
    if ($("pane-graph").classList.contains("active")) this.draw();
  }

  // Draw once the pane is visible (a hidden container has no size to lay the graph out in).
  draw() {
    const g = this.result.graph;
    this.dirty = false;
    if (this.cy) this.cy.destroy();
    this.cy = window.cytoscape({
      container: $("graph"),
      elements: this.elements,
      style: [
        { selector: "node", style: { label: "data(label)", "text-wrap": "wrap", "text-valign": "center", "text-halign": "center",
          "font-size": 10, "font-family": "DejaVu Sans Mono, monospace", width: 46, height: 46, "background-color": "#e8ebf0",
          "border-width": 1, "border-color": "#8a93a3", color: "#1d2330" } },
        { selector: "node.eq", style: { "background-color": "#bfeccb", "border-color": "#13712f", "border-width": 4, "border-style": "double" } },
        { selector: "node.sq", style: { shape: "round-rectangle" } },
        { selector: "node.onpath", style: { "border-color": "#e08a00", "border-width": 3 } },
        { selector: "node.eq.onpath", style: { "border-color": "#e08a00", "border-width": 5, "border-style": "double" } },
        { selector: "node:selected", style: { "overlay-color": "#2f6fd0", "overlay-opacity": 0.2 } },
        { selector: "edge", style: { "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "data(colour)",
          "target-arrow-color": "data(colour)", width: 1, "arrow-scale": 0.8 } },
        { selector: "edge.move", style: { "line-style": "dashed", opacity: 0.45 } },
        { selector: "edge.ui", style: { width: 2.5 } },
        { selector: "edge.onpath", style: { "underlay-color": "#e08a00", "underlay-opacity": 0.45, "underlay-padding": 4 } },
        { selector: ".hidden", style: { display: "none" } },
      ],
      layout: g.nodes.length <= 16
        ? { name: "circle", padding: 20, startAngle: -Math.PI / 2 }
        : { name: "cose", animate: false, randomize: false, padding: 20, nodeRepulsion: 9000 },
    });
    this.cy.on("tap", "node", (event) => this.onState(event.target.data("state")));
    this.markEquilibria();
    this.filter();
  }

  markEquilibria() {
    if (!this.cy) return;
    const eq = new Set(this.result.graph.equilibria[$("graph-concept").value] || []);
    this.cy.nodes().forEach((n) => { if (eq.has(n.data("state"))) n.addClass("eq"); else n.removeClass("eq"); });
  }

  filter() {
    if (!this.cy) return;
    const all = $("graph-all-moves").checked;
    this.cy.edges().forEach((e) => {
      const hide = this.hiddenDms.has(e.data("dm")) || (!all && e.hasClass("move"));
      if (hide) e.addClass("hidden"); else e.removeClass("hidden");
    });
  }

  resize() {
    if (this.dirty) this.draw();
    else if (this.cy) { this.cy.resize(); this.cy.fit(undefined, 20); }
  }

  // The position of a state on the page (for tests and keyboard users' tooling).
  nodeCentre(state) {
    const node = this.cy && this.cy.$id(`s${state}`);
    if (!node || node.empty()) return null;
    const box = $("graph").getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  }
}
