// The Positions, Perceptions and Levels panes: they show what /api/dilemmas, /api/hypergame
// and /api/levels return (the library's results with the report's sentences); nothing is
// computed here. Model text goes in as text nodes; the levels drawing (the report's SVG) is
// shown as an image, so nothing in it can run.
import { $, fill, h } from "./dom.js";
import { stabilityCells } from "./views.js";

const errorBox = (error) => h("p", { className: "bad" }, error.text || error.message);
const statesText = (states) => states.map((s) => `${s.id} (${s.pattern})`).join(", ") || "none";
const bump = (name) => { document.body.dataset[name] = String(Number(document.body.dataset[name] || 0) + 1); };

export function renderPositions(doc, error, onReading) {
  const box = $("positions");
  const select = $("positions-reading");
  if (error || !doc) {
    fill(select);
    fill(box, error ? errorBox(error) : null);
    return;
  }
  fill(select, doc.readings.map((r) => h("option", { value: r },
    r + (r === doc.model_reading ? " (the model's)" : ""))));
  select.value = doc.reading;
  select.onchange = () => onReading(select.value);
  const cell = (value) => h("td", { className: `card ${value.split(" ")[0]}` }, value);
  const card = h("table", { id: "card-table" },
    h("thead", {}, h("tr", {}, h("th", { className: "left" }, "option"), h("th", {}, "owner"),
      doc.columns.map((c) => h("th", { dataset: { column: c } }, c)))),
    h("tbody", {}, doc.card_table.map((row) => h("tr", { dataset: { option: row.option } },
      h("td", { className: "left" }, h("code", {}, row.option), " ", h("span", { className: "muted" }, row.text)),
      h("td", {}, row.owner),
      doc.columns.map((c) => cell(row[c]))))));
  const dilemmas = doc.by_party.map((p) => h("div", { className: "party-dilemmas", dataset: { party: p.party } },
    h("h4", {}, `${p.name} (${p.party})`),
    p.dilemmas.length
      ? h("ul", {}, p.dilemmas.map((d) => h("li", { dataset: { dilemma: d.dilemma, other: d.other } },
        h("strong", {}, `${d.dilemma} dilemma with ${d.other_name}`), `: ${d.sentence}.`)))
      : h("p", { className: "muted" }, "No dilemma.")));
  const others = doc.parties;
  const acceptability = h("table", { id: "acceptability" },
    h("thead", {}, h("tr", {}, h("th", { className: "left" }, "position of"),
      others.map((o) => h("th", {}, `to ${o.name}`)), h("th", {}, "to every other party"))),
    h("tbody", {}, doc.acceptability.map((a) => h("tr", { dataset: { party: a.position_of } },
      h("td", { className: "left" }, a.name),
      others.map((o) => {
        const entry = a.to.find((t) => t.party === o.id);
        if (!entry) return h("td", { className: "no" }, "");
        return h("td", { className: entry.acceptable ? "claim-holds" : "claim-fails", dataset: { to: o.id } },
          entry.acceptable ? "acceptable" : "not acceptable");
      }),
      h("td", { className: a.acceptable_to_every_other_party ? "claim-holds" : "claim-fails" },
        a.acceptable_to_every_other_party ? "yes" : "no")))));
  fill(box, h("h2", {}, doc.title),
    doc.sentences.slice(0, 2).map((line) => h("p", { className: "muted" }, line)),
    h("h3", {}, "Card table"), h("div", { className: "scroll" }, card),
    h("h3", {}, "Dilemmas"), dilemmas,
    h("h3", {}, "Which position is acceptable to whom"),
    h("p", { className: "muted" }, "A position is acceptable to a party that prefers it to the threatened future."),
    acceptability,
    h("ul", { id: "positions-sentences" }, doc.sentences.slice(2).map((line) => h("li", {}, line))),
    h("details", {}, h("summary", {}, "Definitions (reconstructions: docs/confrontation.md)"),
      h("ul", {}, Object.entries(doc.definitions).map(([k, v]) => h("li", {}, h("strong", {}, k), `: ${v}`)))),
    h("details", {}, h("summary", {}, "Where each value comes from"),
      h("ul", {}, doc.evidence.map((line) => h("li", {}, line)))));
  bump("positions");
}

export function renderPerceptions(doc, error) {
  const box = $("perceptions");
  if (error || !doc) { fill(box, error ? errorBox(error) : null); return; }
  const games = doc.perceptions.map((p) => h("div", { className: "perceived", dataset: { dm: p.decision_maker } },
    h("h4", {}, `${p.name} (${p.decision_maker})`),
    p.sentence ? h("p", {}, p.sentence) : h("p", { className: "muted" }, "Perceives the model as written."),
    h("ul", {},
      h("li", {}, `perceives ${p.states_perceived} of ${doc.states} states`),
      p.unknown_options.length ? h("li", {}, "does not know the options: ", p.unknown_options.join(", ")) : null,
      p.unrecognised_statements.length ? h("li", {}, "does not recognise the states where: ", p.unrecognised_statements.join("; ")) : null,
      p.unrecognised_states.length ? h("li", {}, "states it does not recognise: ", p.unrecognised_states.join(", ")) : null,
      p.attributed_preferences.length ? h("li", {}, "attributes preferences of its own reading to: ", p.attributed_preferences.join(", ")) : null)));
  const concepts = Object.entries(doc.concepts);
  const summary = h("table", { id: "hypergame-table" },
    h("thead", {}, h("tr", {}, h("th", { className: "left" }, "concept"), h("th", {}, "hypergame equilibria"),
      h("th", {}, "equilibria as written"), h("th", {}, "strategic surprises"))),
    h("tbody", {}, concepts.map(([key, c]) => h("tr", { dataset: { concept: key } },
      h("th", { className: "left" }, c.label),
      h("td", { className: "left pattern" }, statesText(c.hypergame_equilibria)),
      h("td", { className: "left pattern" }, statesText(c.equilibria_as_written)),
      h("td", { className: "left surprises" }, c.strategic_surprises.length
        ? c.strategic_surprises.map((s) => h("div", {}, `${s.id} (${s.pattern}): not foreseen by ${s.not_recognised_by.join(", ")}`))
        : "none")))));
  const dms = doc.perceptions.map((p) => p.decision_maker);
  const stable = h("table", { id: "perceived-stability" },
    h("thead", {}, h("tr", {}, h("th", { className: "left" }, "decision maker"), concepts.map(([, c]) => h("th", {}, c.label)))),
    h("tbody", {}, dms.map((dm) => h("tr", { dataset: { dm } }, h("th", { className: "left" }, dm),
      concepts.map(([key, c]) => h("td", { className: "left", dataset: { concept: key } },
        h("div", {}, "perceived: ", c.stable_for[dm].perceived.join(", ") || "none"),
        h("div", { className: "muted" }, "as written: ", c.stable_for[dm].as_written.join(", ") || "none")))))));
  fill(box, h("h2", {}, doc.title), h("h3", {}, "The game each decision maker perceives"), games,
    h("h3", {}, "Hypergame equilibria and strategic surprises"), summary,
    h("ul", { id: "perceptions-sentences" }, doc.sentences.map((line) => h("li", {}, line))),
    h("h3", {}, "States stable for each decision maker in the game it perceives"), h("div", { className: "scroll" }, stable),
    h("details", {}, h("summary", {}, "Definitions (docs/hypergames.md)"),
      h("ul", {}, Object.entries(doc.definitions).map(([k, v]) => h("li", {}, h("strong", {}, k), `: ${v}`)))));
  bump("perceptions");
}

function localTable(local) {
  const dms = local.decision_makers;
  const concepts = local.concepts;
  return h("table", { className: "local-stability", dataset: { local: local.name } },
    h("thead", {},
      h("tr", {}, h("th", { rowSpan: 2 }, "state"), h("th", { rowSpan: 2 }, "pattern"),
        concepts.map((c) => h("th", { colSpan: dms.length + 1 }, c.name))),
      h("tr", {}, concepts.map(() => [dms.map((d) => h("th", { title: d.name }, d.id + (d.common ? "*" : ""))),
        h("th", { title: "equilibrium" }, "eq")]))),
    h("tbody", {}, local.stability.map((row) => h("tr", { dataset: { state: row.state } },
      stabilityCells(row, concepts, dms)))));
}

export function renderLevels(doc, error) {
  const box = $("levels");
  if (error || !doc) { fill(box, error ? errorBox(error) : null); return; }
  const picture = h("img", { id: "levels-picture", alt: "Levels of the hierarchical model",
    src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(doc.svg) });
  fill(box, h("h2", {}, doc.title),
    h("div", { className: "scroll levels-drawing" }, picture),
    h("p", { className: "muted" }, "Common decision makers: ",
      doc.common_decision_makers.map((d) => `${d.name} (${d.id})`).join(", "),
      `; common moves: ${doc.common_moves.replaceAll("_", " ")}. * marks a common decision maker in the tables.`),
    h("ul", { id: "levels-consistency" }, doc.consistency.map((line) => h("li", {}, line))),
    doc.local_conflicts.map((local) => h("div", { className: "local-conflict", dataset: { local: local.name } },
      h("h3", {}, `Local conflict ${local.name}: ${local.title} (${local.states} states)`),
      h("ul", {}, local.sentences.map((line) => h("li", {}, line))),
      local.states_note ? h("p", { className: "muted" }, local.states_note) : null,
      h("div", { className: "scroll" }, localTable(local)))));
  bump("levels");
}
