"""Server-side SVG charts: horizontal bars and histograms, readable without colour.

Each chart is an inline `<svg role="img">` with a `<title>` and an
`aria-label` summing it up; every bar carries its number as text and a hatch
pattern (not only a colour), so print-outs and colour-blind readers lose
nothing. No `style=` attributes (the CSP forbids inline styles): shapes use
SVG presentation attributes and classes from static/css/reports.css.
All text is escaped here; the result is safe to mark `|safe` in templates.
"""

from html import escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 160
PLOT_WIDTH = 320
VALUE_WIDTH = 60


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


def bar_chart(prefix: str, title: str, bars: list[tuple[str, float | None]], maximum: float = 100.0,
              unit: str = "%", flag_below: float | None = None, empty: str = "—") -> str:
    """Horizontal bars, one per (label, value); a None value is shown as `empty` without a bar."""
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    summary = "; ".join(f"{label}: {empty if value is None else _number(value) + unit}" for label, value in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}: {escape(summary)}"><title>{escape(title)}</title>',
        _patterns(prefix),
    ]
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 4
        parts.append(f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{middle}" text-anchor="end">'
                     f'{escape(_clip(label))}</text>')
        parts.append(f'<rect class="chart-track" x="{LABEL_WIDTH}" y="{y}" width="{PLOT_WIDTH}" '
                     f'height="{BAR_HEIGHT}" fill="none" stroke="#999"/>')
        if value is None:
            text = empty
        else:
            length = PLOT_WIDTH * max(0.0, min(1.0, value / maximum)) if maximum else 0
            flagged = flag_below is not None and value < flag_below
            fill = f"url(#{prefix}-{'cross' if flagged else 'hatch'})"
            parts.append(f'<rect class="chart-bar{" is-flagged" if flagged else ""}" x="{LABEL_WIDTH}" y="{y}" '
                         f'width="{length:.1f}" height="{BAR_HEIGHT}" fill="{fill}" stroke="#333"/>')
            text = _number(value) + unit
        parts.append(f'<text class="chart-value" x="{LABEL_WIDTH + PLOT_WIDTH + 6}" y="{middle}">'
                     f'{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(prefix: str, title: str, bins: list[tuple[str, int]], x_label: str = "", y_label: str = "") -> str:
    """Vertical bars of counts per bin (label, count), each count written above its bar."""
    top, bottom, left = 24, 40, 10
    column = 44
    plot_height = 160
    width = left * 2 + column * max(1, len(bins))
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


def _clip(label: str, size: int = 14) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
