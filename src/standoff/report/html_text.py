"""HTML pieces shared by the report's sections: a table of escaped text cells in its own
scrolling container (the HTML twin of :func:`standoff.report.markdown_text.markdown_table`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape


def scroll(table: str) -> str:
    """A table in its own horizontally scrolling container."""
    return f'<div class="scroll">{table}</div>'


def html_table(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A table whose header and cells are text (each escaped), in a scrolling container.

    >>> print(html_table(["a"], [["<b>"]]).replace("><", ">\\n<"))
    <div class="scroll">
    <table>
    <thead>
    <tr>
    <th>a</th>
    </tr>
    </thead>
    <tbody>
    <tr>
    <td>&lt;b&gt;</td>
    </tr>
    </tbody>
    </table>
    </div>
    """
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(x))}</td>" for x in row) + "</tr>"
                   for row in rows)
    return scroll(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
