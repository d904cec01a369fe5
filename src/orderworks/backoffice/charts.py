"""Server-rendered SVG charts for the dashboard, pure: numbers in, an SVG string out (no JS, no CDN).
Every text that reaches the SVG is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 720, 220, 44, 28, 12, 70


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (shown for some bars only when there are many)
    value: int
    title: str  # the tooltip: the exact figure in the seller's words
    line_value: int | None = None  # a second series drawn as a line over the bars (revenue)


def _nice_max(value: int) -> int:
    """A round top for an axis: 1, 2, 5 x 10^n at or above value."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def bar_chart(bars: Sequence[Bar], *, label: str, line_label: str = "", line_format=str) -> Markup:  # type: ignore[no-untyped-def]
    """Bars (one per day or bucket), with an optional line series scaled to its own right-hand axis."""
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    top = _nice_max(max((b.value for b in bars), default=0))
    lines = [b.line_value or 0 for b in bars]
    line_top = _nice_max(max(lines, default=0))
    n = max(len(bars), 1)
    slot = plot_w / n
    every = max(1, n // 10)  # at most ~10 labels under the axis
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
              f'aria-label="{escape(label)}"><title>{escape(label)}</title>'),
             (f'<line class="axis" x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{PAD_LEFT + plot_w}" '
              f'y2="{PAD_TOP + plot_h}"/>'),
             f'<text class="tick" x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end">{top}</text>',
             f'<text class="tick" x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end">0</text>']
    points = []
    for i, bar in enumerate(bars):
        h = plot_h * bar.value / top
        x = PAD_LEFT + i * slot
        parts.append(f'<rect class="bar" data-value="{bar.value}" x="{x + slot * 0.15:.1f}" '
                     f'y="{PAD_TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}">'
                     f'<title>{escape(bar.title)}</title></rect>')
        if i % every == 0:
            parts.append(f'<text class="tick" x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" '
                         f'text-anchor="middle">{escape(bar.label)}</text>')
        points.append(f"{x + slot / 2:.1f},{PAD_TOP + plot_h - plot_h * lines[i] / line_top:.1f}")
    if line_label and bars:
        parts.append(f'<polyline class="line" points="{" ".join(points)}"><title>{escape(line_label)}</title>'
                     '</polyline>')
        parts.append(f'<text class="tick line-tick" x="{WIDTH - PAD_RIGHT + 6}" y="{PAD_TOP + 4}">'
                     f'{escape(line_format(line_top))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
