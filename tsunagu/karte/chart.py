"""The study-time bar chart of the karte and the pupil's page, drawn as inline SVG on the server.

No chart library: the page must work without JavaScript from elsewhere (校務 networks are closed) and
print on A4. The geometry is computed here; the template only writes the shapes. Each bar carries its
value as text (``<title>``), and the chart is followed by a table of the same figures for screen
readers, so nothing rests on the picture alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext


@dataclass(frozen=True)
class Bar:
    """One day's bar."""

    x: float
    y: float
    width: float
    height: float
    day: dt.date
    minutes: int
    label: str  # "12/1" under every seventh bar, else ""
    #: "12/1 25分": the bar's tooltip and the screen readers' table row, translated once per chart
    #: here rather than by a template tag per bar (two per bar, 28 bars on the karte).
    day_text: str = ""
    minutes_text: str = ""

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class Chart:
    """A bar chart of minutes per day, with the class average as a line when given."""

    width: int
    height: int
    bars: list[Bar]
    top_minutes: int
    average_points: str = ""
    gridlines: list[tuple[float, int]] = field(default_factory=list)  # (y, minutes)
    baseline: float = 0.0

    @property
    def right(self) -> float:
        """Where the plot ends (room on the right for the last date's label)."""
        return self.width - 14.0

    @property
    def total_minutes(self) -> int:
        return sum(b.minutes for b in self.bars)


def study_chart(
    daily: list[tuple[dt.date, int]],
    class_daily: list[tuple[dt.date, float]] | None = None,
    *,
    width: int = 560,
    height: int = 150,
) -> Chart:
    """Bars of minutes for ``daily`` (seconds per day), scaled to the largest value (at least 30)."""
    left, right, bottom, top = 32.0, 14.0, 18.0, 6.0
    plot_h = height - bottom - top
    minutes = [round(s / 60) for _, s in daily]
    averages = [a / 60 for _, a in class_daily or []]
    peak = max([30, *minutes, *[round(a) for a in averages]])
    step = 30 if peak <= 120 else 60
    top_minutes = ((peak + step - 1) // step) * step
    n = max(len(daily), 1)
    slot = (width - left - right) / n
    base = top + plot_h
    bars = []
    minutes_format = gettext("%(m)s min")
    for i, ((day, _), m) in enumerate(zip(daily, minutes, strict=True)):
        h = plot_h * m / top_minutes
        bars.append(
            Bar(
                x=round(left + i * slot + slot * 0.15, 1),
                y=round(base - h, 1),
                width=round(slot * 0.7, 1),
                height=round(h, 1),
                day=day,
                minutes=m,
                label=f"{day.month}/{day.day}" if (len(daily) - 1 - i) % 7 == 0 else "",
                day_text=f"{day.month}/{day.day}",
                minutes_text=minutes_format % {"m": m},
            )
        )
    points = " ".join(
        f"{round(left + i * slot + slot / 2, 1)},{round(base - plot_h * a / top_minutes, 1)}"
        for i, a in enumerate(averages)
    )
    grid = [(round(base - plot_h * v / top_minutes, 1), v) for v in range(0, top_minutes + 1, step)]
    return Chart(width, height, bars, top_minutes, points, grid, base)
