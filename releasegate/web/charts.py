"""Bar charts drawn on the server as SVG: no script, no library, nothing fetched from
elsewhere, so they show behind any firewall, print, and read the same in every language
(the words come translated from the view). The geometry is computed here; the template
`web/_bar_chart.html` only writes it out. Colours come from the stylesheet's classes, so
the dark theme recolours them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 12, 28
# More labels than this under the bars would overlap; the others are left out.
MOST_LABELS = 13


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    # What a pointer or a screen reader is told: "Deployments, week of 2026-03-02: 3".
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass
class BarChart:
    chart_id: str
    title: str
    description: str
    unit: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    y_labels: list[Label] = field(default_factory=list)
    legend: list[str] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT


def bar_chart(
    chart_id: str,
    title: str,
    unit: str,
    weeks: Sequence[date],
    series: Sequence[Series],
    shown: str = "{value:g}",
) -> BarChart:
    """Weekly bars, one group per week and one bar per series; an empty week (None) has
    no bar. `shown` formats a value for the bar's title and the axis."""
    top = _nice_ceiling(max((v for s in series for v in s.values if v), default=0.0))
    chart = BarChart(chart_id, title, _description(title, unit, weeks), unit)
    chart.legend = [s.name for s in series]
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_width / max(len(weeks), 1)
    width = group * 0.8 / max(len(series), 1)
    for number, week in enumerate(weeks):
        for index, one in enumerate(series):
            value = one.values[number]
            if value is None:
                continue
            height = plot_height * value / top
            x = LEFT + group * number + group * 0.1 + width * index
            text = f"{one.name}, {week.isoformat()}: {shown.format(value=value)} {unit}".strip()
            y = TOP + plot_height - height
            # A tenth of a pixel is finer than any screen; the page stays small.
            x, y, bar_width, height = (round(n, 1) for n in (x, y, width, height))
            chart.bars.append(Bar(x, y, bar_width, height, series=index, title=text))
    chart.x_labels = _week_labels(weeks, group)
    chart.y_labels = [
        Label(
            LEFT - 6, round(TOP + plot_height * (1 - share) + 4, 1), shown.format(value=top * share)
        )
        for share in (0.0, 0.5, 1.0)
    ]
    return chart


def _week_labels(weeks: Sequence[date], group: float) -> list[Label]:
    every = math.ceil(len(weeks) / MOST_LABELS) or 1
    return [
        Label(round(LEFT + group * (number + 0.5), 1), HEIGHT - BOTTOM + 16, week.strftime("%m-%d"))
        for number, week in enumerate(weeks)
        if number % every == 0
    ]


def _description(title: str, unit: str, weeks: Sequence[date]) -> str:
    if not weeks:
        return title
    return f"{title} ({unit}): {weeks[0].isoformat()} – {weeks[-1].isoformat()}"


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (1 for 0),
    so the axis reads in round numbers."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)
