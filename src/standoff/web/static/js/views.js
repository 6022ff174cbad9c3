// The results panes: they show what the API returned, nothing computed here.
import { $, clear, fill, h } from "./dom.js";

export function patternOf(result, state) {
  const row = result.stability.find((r) => r.state === state);
  return row ? row.pattern : (result.graph.nodes.find((n) => n.id === state) || {}).pattern || "";
}

const showState = (result, s) => `${s} (${patternOf(result, s)})`;

export function renderOverview(result) {
  const s = result.summary;
  fill($("model-title"), result.title);
  const sq = s.status_quo === null ? "none" : showState(result, s.status_quo);
  fill($("model-summary"),
    `${s.decision_makers} decision makers, ${s.options} options, ${s.states} states, ` +
    `${s.moves} unilateral moves; status quo ${sq}` +
    (s.claims ? `; ${s.claims} claim${s.claims === 1 ? "" : "s"}` : "") +
    (s.variants.length ? `; variants: ${s.variants.join(", ")}` : "") + ".");
  const rows = result.concepts.map((c) => {
    const states = result.equilibria[c.key];
    return h("tr", { dataset: { concept: c.key } },
      h("th", { className: "left" }, c.name),
      h("td", { className: "left states" },
        states.length ? states.map((x) => showState(result, x)).join(", ") : "none"));
  });
  fill($("equilibria"), h("table", { id: "equilibria-table" }, rows));
  const evolution = result.evolution;
  fill($("evolution"), evolution
    ? evolution.text.map((line) => h("li", {}, line))
    : h("li", { className: "muted" }, "No status quo given (add 'status_quo:' to the model)."));
}

// One state's cells of a stability table: its number, its pattern (options taken as the
// title), then per concept a ✓ or · per decision maker and an E when it is an equilibrium.
export function stabilityCells(row, concepts, dms) {
  return [
    h("td", { className: "state" }, String(row.state)),
    h("td", { className: "pattern", title: row.taken.join(", ") || "no option taken" }, row.pattern),
    concepts.map((c) => [
      dms.map((d) => {
        const yes = row.stable[c.key][d.id];
        return h("td", { className: yes ? "yes" : "no", dataset: { concept: c.key, dm: d.id } }, yes ? "✓" : "·");
      }),
      h("td", { className: row.equilibrium[c.key] ? "eq" : "no", dataset: { concept: c.key, eq: "" } },
        row.equilibrium[c.key] ? "E" : ""),
    ]),
  ];
}

export function renderStability(result, onState) {
  const dms = result.decision_makers;
  const concepts = result.concepts;
  const head1 = h("tr", {}, h("th", { rowSpan: 2 }, "state"), h("th", { rowSpan: 2 }, "pattern"),
    concepts.map((c) => h("th", { colSpan: dms.length + 1 }, c.name)));
  const head2 = h("tr", {}, concepts.map(() => [
    dms.map((d) => h("th", { title: d.name }, d.id)), h("th", { title: "equilibrium" }, "eq")]));
  const body = result.stability.map((row) => h("tr", {
    className: "clickable" + (row.state === result.summary.status_quo ? " sq" : ""),
    dataset: { state: row.state }, onclick: () => onState(row.state),
  },
  stabilityCells(row, concepts, dms)));
  fill($("stability-table"), h("thead", {}, head1, head2), h("tbody", {}, body));
  fill($("states-note"), result.states_note || "");
}

export function renderRankings(result) {
  fill($("rankings"), result.rankings.map((r) => h("div", { className: "ranking", dataset: { dm: r.dm } },
    h("div", { className: "dm" }, `${r.name} (${r.dm})`),
    r.ranking.map((tie, k) => [
      k ? h("span", { className: "gt" }, " ≻ ") : null,
      h("span", { className: "tie", title: tie.map((s) => showState(result, s)).join(" ~ ") }, tie.join(" ")),
    ]))));
}

export function renderClaims(result) {
  if (!result.claims.length) {
    fill($("claims"), h("p", { className: "muted" }, "This model states no claims (see 'claims:' in docs/claims.md)."));
    return;
  }
  fill($("claims"), result.claims.map((c) => h("div", { className: "claim " + (c.holds ? "holds" : "fails"), dataset: { claim: c.id } },
    h("div", {}, h("strong", {}, c.id), ": ", c.sentence),
    h("div", { className: "muted" }, "checked as: ", h("code", {}, c.check)),
    c.variants.map((v) => h("div", { className: "verdict" },
      h("strong", {}, `[${v.variant}] ${v.verdict}`),
      v.verdicts.map((d) => h("div", {},
        d.summary,
        d.details.length ? h("ul", {}, d.details.map((x) => h("li", {}, x))) : null)))))));
}

export function renderVariants(result) {
  const concepts = result.concepts;
  const claims = result.claims.map((c) => c.id);
  fill($("variants"),
    h("thead", {}, h("tr", {}, h("th", {}, "variant"), h("th", { className: "left" }, "what it changes"),
      h("th", {}, "states"), concepts.map((c) => h("th", {}, c.name)),
      claims.map((id) => h("th", { title: "claim" }, `claim ${id}`)))),
    h("tbody", {}, result.variants.map((v) => h("tr", { dataset: { variant: v.name } },
      h("td", {}, v.name), h("td", { className: "left" }, v.description), h("td", {}, String(v.states)),
      concepts.map((c) => h("td", { className: "pattern" }, (v.equilibria[c.key] || []).join(" ") || "none")),
      claims.map((id) => {
        const verdict = (v.claims || {})[id];
        return h("td", { className: verdict ? (verdict.holds ? "claim-holds" : "claim-fails") : "no", dataset: { claim: id } },
          verdict ? verdict.verdict : "");
      })))));
}

// How firm each conclusion is: the sentences of 'standoff robustness', claim by claim.
export function renderFirmness(doc) {
  const box = $("firmness");
  if (!doc) { fill(box, h("p", { className: "muted" }, "Not computed for this text yet.")); return; }
  fill(box,
    h("p", { className: "firmness-heading" }, doc.heading),
    doc.declares_uncertainty ? null : h("p", { className: "muted" },
      "The model declares no uncertainty (any_order, uncertain: true, weight ranges): its one reading is the model as written."),
    doc.claims.map((c) => h("div", { className: `firm ${c.word}`, dataset: { claim: c.id, word: c.word } },
      h("div", {}, h("strong", {}, c.line)),
      h("ul", {}, c.details.map((line) => h("li", {}, line))))),
    doc.equilibria.length ? h("details", {}, h("summary", {}, `Equilibria (${doc.equilibria.length})`),
      h("ul", {}, doc.lines.slice(doc.lines.indexOf("Equilibria:") + 1).map((line) => h("li", {}, line.trim())))) : null);
}

// Every quote and whether its source's text holds it (the check is the server's).
export function renderEvidence(doc, edit, reveal) {
  const box = $("evidence");
  if (!doc) { fill(box, h("p", { className: "muted" }, "Fix the YAML error to check the quotes.")); return; }
  const sources = doc.sources.length
    ? h("ul", { className: "sources" }, doc.sources.map((s) => h("li", { dataset: { source: s.name } },
      h("strong", {}, s.name), `: ${s.title || ""}`, s.file ? h("span", { className: "muted" }, ` (${s.file})`) : null,
      s.problem ? h("div", { className: "bad" }, s.problem) : null)))
    : h("p", { className: "muted" }, "The model names no sources (add 'sources:' with a text file to check quotes against).");
  const found = doc.quotes.filter((q) => q.found === true).length;
  const rows = doc.quotes.map((q) => h("tr", {
    className: q.found === true ? "found" : q.found === false ? "missing" : "unchecked",
    dataset: { where: q.where, found: String(q.found) } },
  h("td", { className: "left" }, q.line
    ? h("a", { href: "#", onclick: (e) => { e.preventDefault(); reveal(q.line); } }, `line ${q.line}`) : "",
  h("div", { className: "muted" }, q.where)),
  h("td", {}, q.source || ""),
  h("td", { className: "left" }, q.statement ? h("code", {}, q.statement) : ""),
  h("td", { className: "left" }, h("textarea", { rows: 2, cols: 44, value: q.quote || "",
    onchange: (e) => edit({ op: "set_quote", path: q.path, value: e.target.value }) })),
  h("td", { className: "left verdict-cell" },
    q.found === true ? h("span", { className: "yes" }, "✓ found in the source")
      : q.found === false ? [h("strong", { className: "bad" }, "✗ not found"), h("div", {}, q.message), q.fix ? h("div", { className: "muted" }, `fix: ${q.fix}`) : null]
        : [h("span", { className: "muted" }, "not checked"), h("div", { className: "muted" }, q.message || "")])));
  fill(box, h("h3", {}, "Sources"), sources,
    h("h3", {}, `Quotes: ${found} of ${doc.quotes.length} found`),
    doc.quotes.length ? h("table", { id: "evidence-table" },
      h("tr", {}, h("th", {}, "where"), h("th", {}, "source"), h("th", {}, "statement"), h("th", {}, "quote"), h("th", {}, "in the source?")),
      rows) : h("p", { className: "muted" }, "The model quotes nothing."));
}

export function renderExplanation(doc) {
  fill($("explanation-state"), `for state ${doc.state} (${doc.pattern})`);
  const byConcept = new Map();
  for (const item of doc.explanations) {
    if (!byConcept.has(item.concept)) byConcept.set(item.concept, []);
    byConcept.get(item.concept).push(item);
  }
  const box = clear($("explanation"));
  box.classList.remove("muted");
  for (const [concept, items] of byConcept) {
    box.append(h("div", { className: "concept", dataset: { concept } },
      h("div", { className: "concept-name" }, concept.toUpperCase()),
      items.map((item) => h("div", { dataset: { dm: item.dm } },
        h("p", { className: item.stable ? "stable" : "unstable" }, item.text[0]),
        item.text.length > 1 ? h("ul", {}, item.text.slice(1).map((t) => h("li", {}, t))) : null))));
  }
}
