// The Form pane: decision makers, options, preferences and status quo as fields. Every edit
// goes to the server, which writes it into the YAML; the pane is then redrawn from the text.
import { $, fill, h } from "./dom.js";

export function renderForm(form, edit) {
  if (!form) {
    fill($("form"), h("p", { className: "muted" }, "Fix the YAML error to use the form."));
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
  fill($("form"), dms, status);
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
