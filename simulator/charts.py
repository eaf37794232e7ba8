"""Small self-contained SVG charts: lines over days with reference lines or bands and the days the
policy changed, and a heat map for sweeps. No plotting library: the report is one HTML file."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 34, 36
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


@dataclass
class Series:
    name: str
    values: list[float | None]
    color: str = ""


@dataclass
class Chart:
    title: str
    days: list[int]
    series: list[Series]
    y_label: str = ""
    lines: list[tuple[float, str]] = field(default_factory=list)  # (y, label) reference lines
    band: tuple[float, float] | None = None  # (low, high) shaded target band
    markers: list[tuple[int, str]] = field(default_factory=list)  # (day, label) policy changes
    clip: tuple[float, float] | None = None  # values outside are drawn at the edge (marked in the legend)


def _nice_range(low: float, high: float) -> tuple[float, float]:
    if low == high:
        low, high = low - 1, high + 1
    span = high - low
    step = 10 ** math.floor(math.log10(span))
    return math.floor(low / step) * step, math.ceil(high / step) * step


def _fmt(value: float) -> str:
    if abs(value) >= 10_000:
        return f"{value / 1000:,.0f}k"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.2f}"


def line_chart(chart: Chart) -> str:
    values = [v for s in chart.series for v in s.values if v is not None]
    if chart.clip:
        values = [min(max(v, chart.clip[0]), chart.clip[1]) for v in values]
    extra = [y for y, _ in chart.lines] + (list(chart.band) if chart.band else [])
    low, high = _nice_range(min(values + extra + [0.0]), max(values + extra + [1.0]))
    first, last = (chart.days[0], chart.days[-1]) if chart.days else (0, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: float) -> float:
        return LEFT + (day - first) / max(1, last - first) * plot_w

    def y(value: float) -> float:
        if chart.clip:
            value = min(max(value, chart.clip[0]), chart.clip[1])
        return TOP + (high - value) / (high - low) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
             f'<text x="{LEFT}" y="18" font-size="13" font-weight="bold">{escape(chart.title)}</text>']
    if chart.band:
        top, bottom = y(chart.band[1]), y(chart.band[0])
        parts.append(f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{bottom - top:.1f}" '
                     'fill="#2ca02c" opacity="0.12"/>')
    for i in range(5):
        value = low + (high - low) * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{_fmt(value)}</text>')
    for i in range(6):
        day = first + (last - first) * i / 5
        parts.append(f'<text x="{x(day):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{day:.0f}</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end">day</text>')
    if chart.y_label:
        parts.append(f'<text x="12" y="{TOP + plot_h / 2:.0f}" transform="rotate(-90 12 {TOP + plot_h / 2:.0f})" '
                     f'text-anchor="middle">{escape(chart.y_label)}</text>')
    for value, label in chart.lines:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     'stroke="#333" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{WIDTH - RIGHT - 4}" y="{y(value) - 4:.1f}" text-anchor="end">{escape(label)}</text>')
    for day, label in chart.markers:
        parts.append(f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#9467bd" '
                     'stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{x(day) + 3:.1f}" y="{TOP + 10}" fill="#9467bd">{escape(label)}</text>')
    for index, series in enumerate(chart.series):
        color = series.color or COLORS[index % len(COLORS)]
        for run in _runs(chart.days, series.values):
            points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in run)
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.6" points="{points}"/>')
        legend_x = LEFT + 8 + index * 150
        parts.append(f'<rect x="{legend_x}" y="{HEIGHT - 12}" width="10" height="3" fill="{color}"/>')
        parts.append(f'<text x="{legend_x + 14}" y="{HEIGHT - 8}">{escape(series.name)}</text>')
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def _runs(days: list[int], values: list[float | None]) -> list[list[tuple[int, float]]]:
    """Unbroken stretches of known values (a gap where a day has none)."""
    runs: list[list[tuple[int, float]]] = [[]]
    for day, value in zip(days, values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((day, value))
    return [r for r in runs if r]


def heat_map(title: str, *, x_name: str, x_values: list[str], y_name: str, y_values: list[str],
             cells: dict[tuple[int, int], tuple[int, int, float]]) -> str:
    """Cells (x index, y index) -> (targets met, targets judged, share of days meeting every target),
    coloured from red (no day) through amber to green (every day)."""
    cell_w, cell_h = 120, 34
    left, top = 120, 40
    width = max(left + cell_w * len(x_values) + 20, 20 + 8 * len(title))  # room for the title
    height = top + cell_h * len(y_values) + 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="11"><rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="10" y="18" font-size="13" font-weight="bold">{escape(title)}</text>']
    for (xi, yi), (met, judged, share) in cells.items():
        color = _scale(share)
        cx, cy = left + xi * cell_w, top + yi * cell_h
        parts.append(f'<rect x="{cx}" y="{cy}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{color}" '
                     'opacity="0.75"/>')
        parts.append(f'<text x="{cx + cell_w / 2 - 1}" y="{cy + cell_h / 2 + 4}" text-anchor="middle">'
                     f'{met}/{judged} | {100 * share:.0f}% of days</text>')
    for xi, value in enumerate(x_values):
        parts.append(f'<text x="{left + xi * cell_w + cell_w / 2}" y="{top + cell_h * len(y_values) + 16}" '
                     f'text-anchor="middle">{escape(value)}</text>')
    parts.append(f'<text x="{left + cell_w * len(x_values) / 2}" y="{top + cell_h * len(y_values) + 34}" '
                 f'text-anchor="middle" font-weight="bold">{escape(x_name)}</text>')
    for yi, value in enumerate(y_values):
        parts.append(f'<text x="{left - 8}" y="{top + yi * cell_h + cell_h / 2 + 4}" text-anchor="end">'
                     f'{escape(value)}</text>')
    if y_name:
        parts.append(f'<text x="10" y="{top - 8}" font-weight="bold">{escape(y_name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


SCALE = [(0.0, (214, 39, 40)), (0.5, (255, 191, 0)), (1.0, (44, 160, 44))]  # red, amber, green


def _scale(share: float) -> str:
    for (low, a), (high, b) in zip(SCALE, SCALE[1:]):
        if share <= high:
            f = (share - low) / (high - low)
            return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b))
    return "#2ca02c"
