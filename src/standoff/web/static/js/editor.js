// The YAML editor: a plain textarea with line numbers and a marker on the line of an error.
import { $, fill, h } from "./dom.js";

const LINE = 18; // px, as in style.css

export class Editor {
  constructor(onChange) {
    this.area = $("editor");
    this.gutter = $("gutter");
    this.band = $("error-band");
    this.errorLine = null;
    this.lines = 0;
    this.area.addEventListener("input", () => { this.renumber(); onChange(); });
    this.area.addEventListener("scroll", () => this.sync());
    this.area.addEventListener("keydown", (event) => {
      if (event.key === "Tab") { // indent with two spaces rather than leave the editor
        event.preventDefault();
        this.area.setRangeText("  ", this.area.selectionStart, this.area.selectionEnd, "end");
        this.renumber(); onChange();
      }
    });
    this.renumber();
  }

  get text() { return this.area.value; }

  set text(value) {
    this.area.value = value;
    this.area.scrollTop = 0;
    this.renumber();
  }

  renumber() {
    const count = this.area.value.split("\n").length;
    if (count !== this.lines) {
      this.lines = count;
      const rows = [];
      for (let i = 1; i <= count; i++) rows.push(h("div", { dataset: { line: i } }, String(i)));
      fill(this.gutter, rows, h("div", {}, ""));
    }
    this.mark(this.errorLine, this.errorMessage);
  }

  sync() {
    this.gutter.scrollTop = this.area.scrollTop;
    if (this.errorLine) this.band.style.top = `${6 + (this.errorLine - 1) * LINE - this.area.scrollTop}px`;
  }

  mark(line, message) {
    for (const row of this.gutter.querySelectorAll("div.error")) row.classList.remove("error");
    this.errorLine = line || null;
    this.errorMessage = message || "";
    if (!line) { this.band.hidden = true; return; }
    const row = this.gutter.querySelector(`div[data-line="${Number(line)}"]`);
    if (row) { row.classList.add("error"); row.title = this.errorMessage; }
    this.band.hidden = false;
    this.band.title = this.errorMessage;
    this.sync();
  }

  reveal(line) {
    const top = (line - 1) * LINE;
    if (top < this.area.scrollTop || top > this.area.scrollTop + this.area.clientHeight - 3 * LINE) {
      this.area.scrollTop = Math.max(0, top - this.area.clientHeight / 3);
      this.sync();
    }
  }
}
