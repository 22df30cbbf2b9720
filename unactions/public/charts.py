"""Charts drawn on the server as SVG: no script, no request anywhere, readable offline.

Each chart has a title for screen readers; the numbers are also in a table beside it.
"""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Distinguishable colours, dark enough for white gaps between bars.
PALETTE = ("#0b5394", "#c77700", "#2e7d32", "#8e24aa", "#c62828", "#00838f", "#5d4037")


def bars(rows: list[tuple[str, int]], title: str, *, width: int = 640) -> SafeString:
    """A horizontal bar chart of (label, value) rows."""
    if not rows:
        return mark_safe("")
    label_width, bar_height, gap = 230, 20, 6
    peak = max(value for _, value in rows) or 1
    room = width - label_width - 50
    height = len(rows) * (bar_height + gap) + gap
    parts = []
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        length = max(room * value / peak, 1 if value else 0)
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" class="value">{}</text>',
                label_width - 8,
                y + 15,
                short,
                label_width,
                y,
                _n(length),
                bar_height,
                PALETTE[0],
                label,
                value,
                _n(label_width + length + 6),
                y + 15,
                value,
            )
        )
    return _svg(title, width, height, parts)


def stacked_columns(
    categories: list[str],
    groups: list[tuple[str, str]],
    values: dict[str, dict[str, int]],
    title: str,
    *,
    width: int = 640,
) -> SafeString:
    """Vertical columns, one per category, stacked by group, with a legend."""
    if not categories:
        return mark_safe("")
    top_margin, bottom, left, legend_row = 10, 40, 40, 22
    legend_height = legend_row * len(groups)
    plot_height = 200
    height = top_margin + plot_height + bottom + legend_height
    peak = max(sum(values[c].values()) for c in categories) or 1
    step = (width - left - 10) / len(categories)
    column = max(min(step * 0.7, 60), 2)
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/>',
            left,
            top_margin + plot_height,
            width - 10,
            top_margin + plot_height,
        ),
        format_html(
            '<text x="{}" y="{}" text-anchor="end" class="value">{}</text>',
            left - 6,
            top_margin + 10,
            peak,
        ),
        format_html(
            '<text x="{}" y="{}" text-anchor="end" class="value">0</text>',
            left - 6,
            top_margin + plot_height,
        ),
    ]
    label_every = max(1, round(len(categories) / 12))
    # A monthly chart over years has thousands of rectangles: their text is escaped once
    # per category and group rather than through format_html for each.
    labels = [escape(label) for _, label in groups]
    for i, category in enumerate(categories):
        x = left + i * step + (step - column) / 2
        y = top_margin + plot_height
        named = escape(category)
        for g, (key, _) in enumerate(groups):
            n = values[category].get(key, 0)
            if not n:
                continue
            h = plot_height * n / peak
            y -= h
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(column)}" height="{_n(h)}" '
                f'fill="{PALETTE[g % len(PALETTE)]}"><title>{named}, {labels[g]}: {int(n)}</title>'
                "</rect>"
            )
        if i % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>',
                    _n(x + column / 2),
                    top_margin + plot_height + 16,
                    category,
                )
            )
    for g, (_, label) in enumerate(groups):
        y = top_margin + plot_height + bottom + g * legend_row
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}"/>'
                '<text x="{}" y="{}" class="label">{}</text>',
                left,
                y,
                PALETTE[g % len(PALETTE)],
                left + 20,
                y + 12,
                label,
            )
        )
    return _svg(title, width, height, parts)


def _n(number: float) -> str:
    return f"{number:.1f}"


def _svg(title: str, width: int, height: int, parts: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
