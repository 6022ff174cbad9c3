"""Positions by round as a self-contained SVG (no plotting library needed)."""

from __future__ import annotations

from html import escape

from standoff.bargaining.results import Forecast

_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf")


def rounds_svg(forecast: Forecast, width: int = 640, height: int = 320) -> str:
    """One panel per issue: each actor's position (y) by round (x), plus the forecast."""
    panels = []
    left, right, top, bottom = 60, 140, 30, 40
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
            colour = _COLOURS[a % len(_COLOURS)]
            pts = " ".join(f"{sx(k):.1f},{sy(r[a]):.1f}" for k, r in enumerate(rows))
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" '
                         'stroke-width="1.5"/>')
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
