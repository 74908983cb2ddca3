"""The growth chart (成長曲線) of a pupil as inline SVG drawn on the server: no script, prints as is, and
the same figures are always in the table beside it (the chart is hidden from assistive technology)."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 16, 32


def _scale(values: list[float], pad: float) -> tuple[float, float]:
    low, high = min(values), max(values)
    if high - low < pad:
        mid = (low + high) / 2
        low, high = mid - pad / 2, mid + pad / 2
    return low - pad * 0.1, high + pad * 0.1


def growth_svg(labels: list[str], heights: list[Decimal | None], weights: list[Decimal | None]) -> SafeString:
    """Height (cm, left axis, solid line with circles) and weight (kg, right axis, dashed line with
    squares) over the school years ``labels``; a year without a value leaves a gap in its line."""
    n = len(labels)
    if n == 0:
        return mark_safe("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / n)

    parts = [
        f'<svg class="growth-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" aria-hidden="true" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#c8d0da"/>',
    ]
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 10}" font-size="12" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    series = [
        (heights, "#1f4fb6", "", "circle", "cm", LEFT - 6, "end", 10.0),
        (weights, "#b3261e", "6 4", "rect", "kg", WIDTH - RIGHT + 6, "start", 5.0),
    ]
    for values, colour, dash, marker, unit, axis_x, anchor, pad in series:
        known = [float(v) for v in values if v is not None]
        if not known:
            continue
        low, high = _scale(known, pad)

        def y(v: float, low: float = low, high: float = high) -> float:
            return TOP + plot_h * (1 - (v - low) / (high - low))

        for tick in (low + (high - low) * f for f in (0.1, 0.5, 0.9)):
            parts.append(
                f'<text x="{axis_x}" y="{y(tick) + 4:.1f}" font-size="11" fill="{colour}" '
                f'text-anchor="{anchor}">{tick:.0f}</text>'
            )
        parts.append(
            f'<text x="{axis_x}" y="{TOP + 10}" font-size="11" fill="{colour}" '
            f'text-anchor="{anchor}">{unit}</text>'
        )
        segment: list[str] = []
        segments = []
        for i, v in enumerate(values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(float(v)):.1f}")
        if segment:
            segments.append(segment)
        for points in segments:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
        for i, v in enumerate(values):
            if v is None:
                continue
            cx, cy = x(i), y(float(v))
            if marker == "circle":
                parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}"/>')
            else:
                parts.append(
                    f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{colour}"/>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
