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
  h("td", { className: "state" }, String(row.state)),
  h("td", { className: "pattern", title: row.taken.join(", ") || "no option taken" }, row.pattern),
  concepts.map((c) => [
    dms.map((d) => {
      const yes = row.stable[c.key][d.id];
      return h("td", { className: yes ? "yes" : "no", dataset: { concept: c.key, dm: d.id } }, yes ? "✓" : "·");
    }),
    h("td", { className: row.equilibrium[c.key] ? "eq" : "no", dataset: { concept: c.key, eq: "" } },
      row.equilibrium[c.key] ? "E" : ""),
  ])));
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
  fill($("variants"),
    h("thead", {}, h("tr", {}, h("th", {}, "variant"), h("th", { className: "left" }, "what it changes"),
      h("th", {}, "states"), concepts.map((c) => h("th", {}, c.name)))),
    h("tbody", {}, result.variants.map((v) => h("tr", { dataset: { variant: v.name } },
      h("td", {}, v.name), h("td", { className: "left" }, v.description), h("td", {}, String(v.states)),
      concepts.map((c) => h("td", { className: "pattern" }, (v.equilibria[c.key] || []).join(" ") || "none"))))));
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
