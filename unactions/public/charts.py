"""Charts made on the server: no script, no request anywhere, readable offline.

Their shapes are SVG; the names, values and legends of bar charts and the legends of
column charts are the page's own text, which keeps its size on a phone. Each chart has
a title for screen readers; the numbers are also in a table beside it.
"""

from __future__ import annotations

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Distinguishable colours, dark enough for white gaps between bars.
PALETTE = ("#0b5394", "#c77700", "#2e7d32", "#8e24aa", "#c62828", "#00838f", "#5d4037")


def bars(rows: list[tuple[str, int]], title: str) -> SafeString:
    """A horizontal bar chart of (label, value) rows: the names and values as the page's
    own text, which keeps its size on a phone (a drawing's text shrinks with it), and
    each bar a drawing stretched to its share of the largest value."""
    if not rows:
        return mark_safe("")
    peak = max(value for _, value in rows) or 1
    return format_html(
        '<figure class="chart bars"><figcaption class="visually-hidden">{}</figcaption>'
        "<ol>{}</ol></figure>",
        title,
        format_html_join(
            "",
            '<li><span class="bar-label">{}</span><span class="bar">'
            '<svg viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">'
            '<rect width="{}" height="1" fill="{}"/></svg></span>'
            '<span class="bar-value">{}</span></li>',
            # A value however small gets a visible bar; none, none.
            (
                (label, _n(max(100 * value / peak, 0.5) if value else 0), PALETTE[0], value)
                for label, value in rows
            ),
        ),
    )


def stacked_columns(
    categories: list[str],
    groups: list[tuple[str, str]],
    values: dict[str, dict[str, int]],
    title: str,
    *,
    width: int = 640,
) -> SafeString:
    """Vertical columns, one per category, stacked by group, drawn; with a legend."""
    if not categories:
        return mark_safe("")
    top_margin, bottom, left = 10, 30, 40
    plot_height = 200
    height = top_margin + plot_height + bottom
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
    # The legend as the page's own text, which keeps its size on a phone.
    legend = format_html_join(
        "",
        '<li><svg class="swatch" viewBox="0 0 1 1" aria-hidden="true">'
        '<rect width="1" height="1" fill="{}"/></svg>{}</li>',
        ((PALETTE[g % len(PALETTE)], label) for g, (_, label) in enumerate(groups)),
    )
    return format_html(
        '<figure class="chart stacked-columns">'
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet"><title>{}</title>{}</svg>'
        '<ul class="legend">{}</ul></figure>',
        width,
        height,
        title,
        mark_safe("".join(parts)),
        legend,
    )


def _n(number: float) -> str:
    return f"{number:.1f}"
