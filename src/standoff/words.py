"""Small wording helpers shared by the sentences standoff writes, and the small HTML
tables of the notebook views of its results."""

from __future__ import annotations

from collections.abc import Sequence


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun in the right number: ``1 state``, ``2 states``, ``1,024 states``.

    >>> plural(1, "state"), plural(1024, "state"), plural(2, "more equilibrium", "more equilibria")
    ('1 state', '1,024 states', '2 more equilibria')
    """
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def significant(value: float, digits: int = 4) -> float:
    """``value`` rounded to ``digits`` significant digits, for showing a result (a forecast
    of 53.3333333333 is 53.33): views round, the records keep every digit.

    >>> significant(53.33333333333333), significant(0.000123456), significant(1234567.0)
    (53.33, 0.0001235, 1235000.0)
    """
    return float(f"{value:.{digits}g}")


def html_table(header: Sequence[str], rows: Sequence[Sequence[object]], caption: str = ""
               ) -> str:
    """A small HTML table (text escaped; floats to 4 significant digits), the building
    block of the notebook views (``_repr_html_``) of standoff's results."""
    import html

    def cell(value: object) -> str:
        if isinstance(value, float):
            value = f"{significant(value):g}"
        return html.escape("" if value is None else str(value))

    out = ["<table>"]
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{cell(h)}</th>" for h in header)
               + "</tr></thead><tbody>")
    out += ["<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows]
    out.append("</tbody></table>")
    return "".join(out)


def html_lines(title: str, lines: list[str]) -> str:
    """A bold title and its sentences as an HTML list (text escaped)."""
    import html

    items = "".join(f"<li>{html.escape(s)}</li>" for s in lines)
    return f"<p><b>{html.escape(title)}</b></p>" + (f"<ul>{items}</ul>" if items else "")
