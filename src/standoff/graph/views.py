"""The states of a conflict as a table (``conflict.show()``): text, notebook HTML, DataFrame.

One row per state: its number, option pattern, the options taken, whether it is the status
quo, and each decision maker's preference rank (higher is preferred). Text and HTML show at
most :data:`MAX_SHOWN` rows (and say how many are left out); ``to_frame()`` has every state.
"""

from __future__ import annotations

import html
from typing import Any

MAX_SHOWN = 60


class StateTable:
    """The states of a conflict, for reading (see the module text)."""

    def __init__(self, conflict: Any) -> None:
        self.conflict = conflict

    def header(self) -> list[str]:
        return ["state", "pattern", "options taken", "status quo",
                *(f"rank {dm}" for dm in self.conflict.dm_ids)]

    def rows(self, limit: int | None = MAX_SHOWN) -> list[list[str]]:
        c = self.conflict
        n = c.state_count if limit is None else min(limit, c.state_count)
        return [[str(s + 1), c.pattern(s), ", ".join(c.taken(s)) or "none",
                 "yes" if c.status_quo == s else "",
                 *(str(int(c.ranks[i, s])) for i in range(len(c.dm_ids)))]
                for s in range(n)]

    def _more(self) -> str:
        n = self.conflict.state_count
        if n <= MAX_SHOWN:
            return ""
        return (f"{MAX_SHOWN} of {n:,} states shown; {n - MAX_SHOWN:,} more are left out "
                "(all of them: .to_frame()).")

    def to_frame(self) -> Any:
        """A pandas DataFrame of every state, indexed by state number."""
        import pandas as pd

        c = self.conflict
        data: dict[str, list] = {
            "pattern": [c.pattern(s) for s in range(c.state_count)],
            "taken": [", ".join(c.taken(s)) for s in range(c.state_count)],
            "status_quo": [c.status_quo == s for s in range(c.state_count)],
        }
        for i, dm in enumerate(c.dm_ids):
            data[f"rank_{dm}"] = [int(r) for r in c.ranks[i]]
        return pd.DataFrame(data, index=pd.RangeIndex(1, c.state_count + 1, name="state"))

    def __str__(self) -> str:
        table = [self.header(), *self.rows()]
        widths = [max(len(r[k]) for r in table) for k in range(len(table[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
                 for r in table]
        lines.insert(1, "  ".join("-" * w for w in widths))
        title = f"{self.conflict.title}: {self.conflict.state_count:,} states " \
                "(ranks: higher is preferred)"
        more = self._more()
        return "\n".join([title, *lines, *([more] if more else [])])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        c = self.conflict
        out = [f"<p><b>{html.escape(c.title)}</b>: {c.state_count:,} states; ranks: higher "
               "is preferred</p><table><thead><tr>"]
        out += [f"<th>{html.escape(h)}</th>" for h in self.header()]
        out.append("</tr></thead><tbody>")
        for row in self.rows():
            out.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in row) + "</tr>")
        out.append("</tbody></table>")
        if self._more():
            out.append(f"<p>{html.escape(self._more())}</p>")
        return "".join(out)
