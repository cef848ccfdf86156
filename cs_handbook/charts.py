"""Server-side SVG charts: horizontal bars and histograms, readable without colour.

Each chart is an inline `<svg role="img">` with a `<title>` and an
`aria-label` summing it up; every bar carries its number as text and a hatch
pattern (not only a colour), so print-outs and colour-blind readers lose
nothing. No `style=` attributes (the CSP forbids inline styles): shapes use
SVG presentation attributes and classes from static/css/reports.css.
All text is escaped here; the result is safe to mark `|safe` in templates.
"""

import math
from html import escape
from unicodedata import east_asian_width

BAR_HEIGHT = 22
GAP = 6
FONT_PX = 12  # .chart's font-size in static/css/reports.css
PAD = 6  # between a text and the plot
LABEL_WIDTH_MAX = 200  # longer labels are cut with "…" (the full label is in a tooltip and the aria-label)
PLOT_WIDTH = 320


def _patterns(prefix: str) -> str:
    # Two hatches: diagonal for ordinary bars, cross-hatch for bars flagged (e.g. below target).
    return (
        f'<defs><pattern id="{prefix}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#cfe0f5"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#1f4e8c" stroke-width="2"/></pattern>'
        f'<pattern id="{prefix}-cross" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="#f6d2c4"/>'
        f'<path d="M0,0 L6,6 M6,0 L0,6" stroke="#8c2f1f" stroke-width="1.2"/></pattern></defs>'
    )


def text_width(text: str) -> float:
    """A generous estimate of `text`'s width in px at FONT_PX: Chinese characters are a full em, others ~0.62 em.

    The SVG's columns are sized from it, so labels and figures like "未入职培训" are never cut at the edge.
    Ambiguous-width characters ("·", "—", "…") count as full: Chinese fonts draw them so.
    """
    return sum(FONT_PX if east_asian_width(ch) in "WFA" else FONT_PX * 0.62 for ch in text)


def _fit(label: str, width: float) -> str:
    """`label`, cut with "…" to fit `width` px."""
    if text_width(label) <= width:
        return label
    while label and text_width(label + "…") > width:
        label = label[:-1]
    return label + "…"


def bar_chart(prefix: str, title: str, bars: list[tuple[str, float | None]], maximum: float = 100.0,
              unit: str = "%", flag_below: float | None = None, empty: str = "—") -> str:
    """Horizontal bars, one per (label, value); a None value is shown as `empty` without a bar.

    The label and figure columns are as wide as their longest text (labels up to LABEL_WIDTH_MAX).
    """
    values = [empty if value is None else _number(value) + unit for _, value in bars]
    label_width = math.ceil(min(LABEL_WIDTH_MAX, max((text_width(label) for label, _ in bars), default=0))) + PAD
    value_width = math.ceil(max((text_width(value) for value in values), default=0)) + 2 * PAD
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    width = label_width + PLOT_WIDTH + value_width
    summary = "; ".join(f"{label}: {value}" for (label, _), value in zip(bars, values, strict=True))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}: {escape(summary)}"><title>{escape(title)}</title>',
        _patterns(prefix),
    ]
    plot_x = label_width
    for index, ((label, value), text) in enumerate(zip(bars, values, strict=True)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 4
        shown = _fit(label, LABEL_WIDTH_MAX)
        tooltip = f"<title>{escape(label)}</title>" if shown != label else ""
        parts.append(f'<text class="chart-label" x="{plot_x - PAD}" y="{middle}" text-anchor="end">'
                     f'{tooltip}{escape(shown)}</text>')
        parts.append(f'<rect class="chart-track" x="{plot_x}" y="{y}" width="{PLOT_WIDTH}" '
                     f'height="{BAR_HEIGHT}" fill="none" stroke="#999"/>')
        if value is not None:
            length = PLOT_WIDTH * max(0.0, min(1.0, value / maximum)) if maximum else 0
            flagged = flag_below is not None and value < flag_below
            fill = f"url(#{prefix}-{'cross' if flagged else 'hatch'})"
            parts.append(f'<rect class="chart-bar{" is-flagged" if flagged else ""}" x="{plot_x}" y="{y}" '
                         f'width="{length:.1f}" height="{BAR_HEIGHT}" fill="{fill}" stroke="#333"/>')
        parts.append(f'<text class="chart-value" x="{plot_x + PLOT_WIDTH + PAD}" y="{middle}">'
                     f'{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(prefix: str, title: str, bins: list[tuple[str, int]], x_label: str = "", y_label: str = "") -> str:
    """Vertical bars of counts per bin (label, count), each count written above its bar."""
    top, bottom, left = 24, 40, 10
    column = math.ceil(max([44.0] + [text_width(label) + 8 for label, _ in bins]))  # each bin's label fits under it
    plot_height = 160
    width = math.ceil(max(left * 2 + column * max(1, len(bins)), text_width(x_label) + 2 * left,
                          text_width(y_label) + 2 * left))
    height = top + plot_height + bottom
    highest = max((count for _, count in bins), default=0) or 1
    summary = "; ".join(f"{label}: {count}" for label, count in bins)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-histogram" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}: {escape(summary)}"><title>{escape(title)}</title>',
        _patterns(prefix),
        f'<line class="chart-axis" x1="{left}" y1="{top + plot_height}" x2="{width - left}" '
        f'y2="{top + plot_height}" stroke="#333"/>',
    ]
    for index, (label, count) in enumerate(bins):
        x = left + index * column
        bar = plot_height * count / highest
        y = top + plot_height - bar
        parts.append(f'<rect class="chart-bar" x="{x + 4}" y="{y:.1f}" width="{column - 8}" height="{bar:.1f}" '
                     f'fill="url(#{prefix}-hatch)" stroke="#333"/>')
        parts.append(f'<text class="chart-value" x="{x + column / 2}" y="{y - 4:.1f}" text-anchor="middle">'
                     f'{count}</text>')
        parts.append(f'<text class="chart-label" x="{x + column / 2}" y="{top + plot_height + 14}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    if x_label:
        parts.append(f'<text class="chart-axis-label" x="{width / 2}" y="{height - 6}" text-anchor="middle">'
                     f'{escape(x_label)}</text>')
    if y_label:
        parts.append(f'<text class="chart-axis-label" x="{left}" y="14">{escape(y_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def score_bins(scores: list[float], width: int = 10) -> list[tuple[str, int]]:
    """Counts of percentages in bins of `width` points; 100 falls in the last bin."""
    edges = list(range(0, 100, width))
    counts = [0] * len(edges)
    for score in scores:
        counts[min(len(edges) - 1, max(0, int(score // width)))] += 1
    return [(f"{lo}–{min(lo + width, 100)}", counts[i]) for i, lo in enumerate(edges)]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
