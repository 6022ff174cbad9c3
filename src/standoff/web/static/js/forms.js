// The Form pane: decision makers, options, preferences and status quo as fields. Every edit
// goes to the server, which writes it into the YAML; the pane is then redrawn from the text.
import { $, fill, h } from "./dom.js";

export function renderForm(form, edit) {
  if (!form) {
    fill($("form"), h("p", { className: "muted" }, "Fix the YAML error to use the form."));
    renderClaimsForm(null, edit);
    renderVariantsForm(null, edit);
    return;
  }
  const keys = form.decision_makers.flatMap((d) => d.options.map((o) => ({ key: `${d.id}.${o.id}`, id: o.id })));
  const quo = new Set(form.status_quo || []);
  const taken = (k) => quo.has(k.key) || quo.has(k.id);
  const dms = form.decision_makers.map((d) => h("fieldset", { dataset: { dm: d.id } },
    h("legend", {}, `Decision maker ${d.id}`),
    h("label", {}, "name ", h("input", { type: "text", size: 40, value: d.name, dataset: { field: "name" },
      onchange: (e) => edit({ op: "set", dm: d.id, field: "name", value: e.target.value }) })),
    h("table", {},
      h("tr", {}, h("th", {}, "option"), h("th", {}, "text"), h("th", {}, "moves")),
      d.options.map((o) => h("tr", { dataset: { option: o.id } },
        h("td", { className: "pattern" }, o.id),
        h("td", {}, h("input", { type: "text", size: 44, value: o.text,
          onchange: (e) => edit({ op: "set", dm: d.id, option: o.id, field: "text", value: e.target.value }) })),
        h("td", {}, moveSelect(o, (value) => edit({ op: "set", dm: d.id, option: o.id, field: "moves", value }))))),
      newOption(d, edit)),
    preferences(form.preferences.find((p) => p.dm === d.id), edit)));
  const status = h("fieldset", { className: "quo" }, h("legend", {}, "Status quo: the options taken today"),
    keys.map((k) => h("label", {}, h("input", { type: "checkbox", checked: taken(k), dataset: { option: k.key },
      onchange: () => edit({ op: "set_status_quo",
        options: [...document.querySelectorAll("#form .quo input:checked")].map((x) => x.dataset.option) }) }), k.key)));
  fill($("form"), dms, feasibility(form.feasibility, edit, null), status);
  renderClaimsForm(form, edit);
  renderVariantsForm(form, edit);
}

const KINDS = [
  ["infeasible", "Infeasible statements: no state where one holds exists"],
  ["exactly_one", "Exactly one of these options is taken"],
  ["at_most_one", "At most one of these options is taken"],
  ["at_least_one", "At least one of these options is taken"],
];

// The feasibility entries (of the model, or with `variant` of a variant's 'feasibility: add:').
function feasibility(section, edit, variant) {
  const kinds = variant ? KINDS.slice(0, 1) : KINDS;
  const extra = variant ? { variant } : {};
  const shown = (kind, entry) => (kind === "infeasible" ? entry.statement : entry.join(", "));
  const rows = kinds.map(([kind, label]) => h("div", { className: "feasibility-kind", dataset: { kind } },
    h("div", {}, label, kind === "infeasible" ? "" : " (options separated by commas)"),
    h("ul", {}, (section[kind] || []).map((entry, index) => h("li", { dataset: { index } },
      h("input", { type: "text", size: 48, value: shown(kind, entry), dataset: { entry: kind },
        onchange: (e) => edit({ op: "set_feasibility", kind, index, value: e.target.value, ...extra }) }),
      kind === "infeasible" && entry.evidence ? h("span", { className: "muted", title: "with evidence" }, " ❝") : null,
      h("button", { type: "button", title: "delete", dataset: { delete: kind },
        onclick: () => edit({ op: "delete_feasibility", kind, index, ...extra }) }, "✕"))),
    addRow(kind === "infeasible" ? "e.g. a.x and not b.y" : "e.g. a.x, a.y",
      (value) => edit({ op: "add_feasibility", kind, value, ...extra }), kind))));
  if (variant) return h("div", { className: "variant-feasibility" }, rows);
  return h("fieldset", { className: "feasibility" }, h("legend", {}, "Feasibility: which states exist"), rows);
}

function addRow(placeholder, onAdd, name) {
  const input = h("input", { type: "text", size: 48, placeholder, dataset: { add: name } });
  const add = () => { if (input.value.trim()) onAdd(input.value); };
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") add(); });
  return h("div", { className: "add-row" }, input, h("button", { type: "button", dataset: { addButton: name }, onclick: add }, "add"));
}

function field(value, size, onChange, name) {
  return h("input", { type: "text", size, value: value || "", dataset: { field: name },
    onchange: (e) => onChange(e.target.value) });
}

export function renderClaimsForm(form, edit) {
  const box = $("claims-form");
  if (!form) { fill(box, h("p", { className: "muted" }, "Fix the YAML error to edit the claims here.")); return; }
  const rows = form.claims.map((c) => h("tr", { dataset: { claim: c.id } },
    h("td", { className: "pattern" }, c.id),
    h("td", {}, field(c.check, 46, (value) => edit({ op: "set_claim", id: c.id, field: "check", value }), "check")),
    h("td", {}, c.quote !== null
      ? h("span", { className: "muted", title: `quoted from ${c.source}` }, `❝ ${c.quote}`)
      : field(c.text, 30, (value) => edit({ op: "set_claim", id: c.id, field: "text", value }), "text")),
    h("td", {}, h("button", { type: "button", title: "delete this claim", dataset: { delete: c.id },
      onclick: () => edit({ op: "delete_claim", id: c.id }) }, "✕"))));
  const id = h("input", { type: "text", size: 12, placeholder: "new id", dataset: { newClaim: "id" } });
  const check = h("input", { type: "text", size: 46, placeholder: "some equilibrium has a.x", dataset: { newClaim: "check" } });
  const text = h("input", { type: "text", size: 30, placeholder: "the claim in words", dataset: { newClaim: "text" } });
  const add = h("tr", {}, h("td", {}, id), h("td", {}, check), h("td", {}, text),
    h("td", {}, h("button", { type: "button", dataset: { newClaim: "add" },
      onclick: () => edit({ op: "add_claim", id: id.value.trim(), check: check.value, text: text.value }) }, "add")));
  fill(box, h("table", { className: "edit" },
    h("tr", {}, h("th", {}, "claim"), h("th", {}, "check (claim language)"), h("th", {}, "in words"), h("th", {}, "")),
    rows, add));
}

export function renderVariantsForm(form, edit) {
  const box = $("variants-form");
  if (!form) { fill(box, h("p", { className: "muted" }, "Fix the YAML error to edit the variants here.")); return; }
  const names = form.variants.map((v) => v.name);
  const cards = form.variants.map((v) => h("fieldset", { className: "variant", dataset: { variant: v.name } },
    h("legend", {}, `Variant ${v.name}`),
    h("button", { type: "button", className: "delete-variant", title: "delete this variant", dataset: { delete: v.name },
      onclick: () => edit({ op: "delete_variant", id: v.name }) }, "delete"),
    h("label", {}, "description ", field(v.description, 56, (value) => edit({ op: "set_variant", id: v.name, field: "description", value }), "description")),
    h("label", {}, " extends ", extendsSelect(v, names, (value) => edit({ op: "set_variant", id: v.name, field: "extends", value }))),
    v.preferences.length ? h("div", { className: "muted" }, `replaces the preferences of: ${v.preferences.join(", ")} (edit them in the YAML)`) : null,
    feasibility(v.feasibility, edit, v.name)));
  const id = h("input", { type: "text", size: 12, placeholder: "new name", dataset: { newVariant: "id" } });
  const description = h("input", { type: "text", size: 56, placeholder: "what it supposes, in one sentence", dataset: { newVariant: "description" } });
  fill(box, cards, h("div", { className: "add-row" }, id, " ", description,
    h("button", { type: "button", dataset: { newVariant: "add" },
      onclick: () => edit({ op: "add_variant", id: id.value.trim(), description: description.value }) }, "add variant")));
}

function extendsSelect(variant, names, onChange) {
  const select = h("select", { onchange: (e) => onChange(e.target.value || null) },
    h("option", { value: "" }, "(the model)"),
    names.filter((n) => n !== variant.name).map((n) => h("option", { value: n }, n)));
  select.value = variant.extends || "";
  return select;
}

function moveSelect(option, onChange) {
  const select = h("select", { onchange: (e) => onChange(e.target.value) },
    ["both", "take", "drop"].map((m) => h("option", { value: m }, m)));
  select.value = option.moves;
  return select;
}

function newOption(dm, edit) {
  const id = h("input", { type: "text", size: 10, placeholder: "new id" });
  const text = h("input", { type: "text", size: 44, placeholder: "what taking it means" });
  return h("tr", {}, h("td", {}, id), h("td", {}, text), h("td", {},
    h("button", { type: "button", onclick: () => edit({ op: "add_option", dm: dm.id, option: id.value.trim(), text: text.value }) }, "add")));
}

function preferences(pref, edit) {
  if (!pref || !pref.form) return h("p", { className: "muted" }, "No preferences given.");
  if (pref.form === "weights") {
    return h("div", {}, h("div", {}, "Preferences (option weighting):"),
      h("table", {}, pref.entries.map((e, i) => h("tr", {},
        h("td", { className: "left" }, h("code", {}, e.statement)),
        h("td", {}, h("input", { type: "number", step: "any", value: e.weight,
          onchange: (ev) => edit({ op: "set_weight", dm: pref.dm, index: i, value: Number(ev.target.value) }) }))))));
  }
  const label = pref.form === "prioritize" ? "Preferences (option prioritization, most important first; drag to reorder):"
    : "Preferences (direct ranking, best first; drag to reorder):";
  const list = h("ol", { dataset: { preferences: pref.dm } });
  let dragged = null;
  pref.entries.forEach((e, i) => {
    const move = (to) => edit({ op: "move_preference", dm: pref.dm, from: i, to });
    list.append(h("li", {
      draggable: "true", dataset: { index: i },
      ondragstart: (ev) => { dragged = i; ev.target.classList.add("dragging"); },
      ondragend: (ev) => ev.target.classList.remove("dragging"),
      ondragover: (ev) => { ev.preventDefault(); ev.currentTarget.classList.add("over"); },
      ondragleave: (ev) => ev.currentTarget.classList.remove("over"),
      ondrop: (ev) => { ev.preventDefault(); if (dragged !== null && dragged !== i) edit({ op: "move_preference", dm: pref.dm, from: dragged, to: i }); },
    },
    h("code", {}, e.statement), e.evidence ? h("span", { className: "muted", title: "with evidence" }, " ❝") : null,
    h("button", { type: "button", title: "move up", disabled: i === 0 ? "disabled" : null, dataset: { up: i }, onclick: () => move(i - 1) }, "▲"),
    h("button", { type: "button", title: "move down", disabled: i === pref.entries.length - 1 ? "disabled" : null, onclick: () => move(i + 1) }, "▼")));
  });
  return h("div", {}, h("div", {}, label), list);
}
