"""Positions by round: a self-contained SVG (no plotting library needed) or a PNG.

The PNG needs matplotlib, an optional extra (``pip install 'standoff[plot]'``); the SVG is
written by hand and always available. Both show each actor's position (y) by round (x) on
one panel per issue, with the forecast as a dashed line.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

from standoff.bargaining.results import Forecast
from standoff.errors import ModelError
from standoff.output import WriteFailure, replace_files

_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf")
# after ten actors the colours repeat, so the line style changes: solid, dashed, dotted, ...
_DASHES = ("", "6 3", "2 2", "8 3 2 3")
_MPL_STYLES = ("-", (0, (6, 3)), (0, (2, 2)), (0, (8, 3, 2, 3)))


def _style(a: int) -> tuple[str, int]:
    """Colour and dash index of actor number ``a``."""
    return _COLOURS[a % len(_COLOURS)], (a // len(_COLOURS)) % len(_DASHES)


def rounds_svg(forecast: Forecast, width: int = 640, height: int = 320) -> str:
    """One panel per issue: each actor's position (y) by round (x), plus the forecast."""
    panels = []
    left, right, top, bottom = 60, 140, 30, 40
    height = max(height, top + bottom + 12 * max(len(r.actors) for r in forecast.issues.values()))
    for p, (iid, res) in enumerate(forecast.issues.items()):
        oy = p * height
        rows = res.rounds
        values = [v for r in rows for v in r] + [res.forecast]
        lo, hi = min(values), max(values)
        if hi - lo < 1e-12:
            lo, hi = lo - 1, hi + 1
        n = max(len(rows) - 1, 1)
        pw, ph = width - left - right, height - top - bottom

        def sx(k: int, pw: int = pw, n: int = n) -> float:
            return left + pw * k / n

        def sy(v: float, lo: float = lo, hi: float = hi, ph: int = ph, oy: int = oy) -> float:
            return oy + top + ph * (1 - (v - lo) / (hi - lo))

        parts = [
            f'<text x="{left}" y="{oy + 18}" font-size="14" font-weight="bold">'
            f"{escape(forecast.model)}: issue {escape(iid)} (forecast {res.forecast:.4g})</text>",
            f'<line x1="{left}" y1="{oy + top + ph}" x2="{left + pw}" y2="{oy + top + ph}" '
            'stroke="black"/>',
            f'<line x1="{left}" y1="{oy + top}" x2="{left}" y2="{oy + top + ph}" stroke="black"/>',
        ]
        for k in range(len(rows)):
            parts.append(f'<text x="{sx(k):.1f}" y="{oy + top + ph + 16}" font-size="10" '
                         f'text-anchor="middle">{k}</text>')
        for t in range(5):
            v = lo + (hi - lo) * t / 4
            parts.append(f'<text x="{left - 6}" y="{sy(v) + 3:.1f}" font-size="10" '
                         f'text-anchor="end">{v:.3g}</text>')
        parts.append(f'<text x="{left + pw / 2:.1f}" y="{oy + height - 6}" font-size="11" '
                     'text-anchor="middle">round</text>')
        for a, actor in enumerate(res.actors):
            colour, dash = _style(a)
            pts = " ".join(f"{sx(k):.1f},{sy(r[a]):.1f}" for k, r in enumerate(rows))
            dashing = f' stroke-dasharray="{_DASHES[dash]}"' if _DASHES[dash] else ""
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" '
                         f'stroke-width="1.5"{dashing}/>')
            parts.append(f'<text x="{left + pw + 8}" y="{oy + top + 12 * a + 4}" '
                         f'font-size="10" fill="{colour}">{escape(actor)}</text>')
        fy = sy(res.forecast)
        parts.append(f'<line x1="{left}" y1="{fy:.1f}" x2="{left + pw}" y2="{fy:.1f}" '
                     'stroke="black" stroke-dasharray="4 3"/>')
        panels.append("\n".join(parts))
    total = height * max(len(forecast.issues), 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total}" '
            f'viewBox="0 0 {width} {total}" font-family="sans-serif">\n'
            + "\n".join(panels) + "\n</svg>\n")


def rounds_png(forecast: Forecast) -> bytes:
    """The same picture as :func:`rounds_svg`, drawn with matplotlib, as PNG bytes."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError:
        raise ModelError(
            "writing a PNG plot needs matplotlib, which is not installed", file="--plot",
            hint="pip install 'standoff[plot]', or name the plot file .svg (built in)",
        ) from None
    issues = list(forecast.issues.items())
    fig = Figure(figsize=(8, 3.6 * len(issues)), layout="constrained")
    axes = fig.subplots(len(issues), 1, squeeze=False)[:, 0]
    for ax, (iid, res) in zip(axes, issues, strict=True):
        steps = list(range(len(res.rounds)))
        for a, actor in enumerate(res.actors):
            colour, dash = _style(a)
            ax.plot(steps, [r[a] for r in res.rounds], color=colour,
                    linestyle=_MPL_STYLES[dash], linewidth=1.5, label=actor)
        ax.axhline(res.forecast, color="black", linestyle=(0, (4, 3)), linewidth=1,
                   label=f"forecast {res.forecast:.4g}")
        ax.set_title(f"{forecast.model}: issue {iid}")
        ax.set_xlabel("round")
        ax.set_ylabel("position")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7,
                  ncols=1 + len(res.actors) // 18, frameon=False)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=120)
    return out.getvalue()


def write_plot(forecast: Forecast, path: Path) -> None:
    """Write positions by round to ``path``: ``.svg`` or ``.png`` by its suffix.

    The picture is made in memory first and written with
    :func:`standoff.output.replace_files` (a temporary file renamed over the target), so a
    failed or interrupted write leaves an existing file as it was.
    """
    suffix = path.suffix.lower()
    if suffix == ".svg":
        data = rounds_svg(forecast).encode("utf-8")
    elif suffix == ".png":
        data = rounds_png(forecast)
    else:
        raise ModelError(
            f"cannot write a plot as '{path.name}': the name must end in .svg or .png",
            file=str(path),
            hint="e.g. --plot rounds.svg (built in) or --plot rounds.png (needs matplotlib)",
        )
    try:
        replace_files([(path, data)])
    except WriteFailure as err:
        raise ModelError(
            f"cannot write the plot: {err.reason}",
            file=str(path),
            hint="check that the folder exists and is writable",
        ) from None
