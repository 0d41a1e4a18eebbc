"""Charts as inline SVG built on the server: no script, no inline style (the CSP allows
neither); colours are SVG presentation attributes. Withheld values leave gaps, never zeros."""

from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

PALETTE = ["#0b5cad", "#a3261d", "#1e6b35", "#8a5300", "#6a3d9a", "#00707a", "#4a5560"]
W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 48, 12, 12, 52


def fmt(value, percent):
    if value is None:
        return "—"
    if percent:
        return f"{round(value * 100)}%"
    return f"{value:g}"


def _scale(values, percent):
    top = 1.0 if percent else max([v for v in values if v is not None] + [1])
    if not percent:
        # A round upper bound: 1, 2, 5 × 10^n.
        step = 1
        while step * 10 < top:
            step *= 10
        top = next(m * step for m in (1, 2, 5, 10) if m * step >= top)
    return top


def line_chart(title, months, series, *, percent=False):
    """series: [(label, {month: value or None})] -> SVG markup."""
    values = [v for _, data in series for v in data.values()]
    top = _scale(values, percent)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / max(len(months) - 1, 1)

    def xy(i, v):
        return LEFT + i * step, TOP + plot_h - (v / top) * plot_h

    height = H + 16 * max((len(series) - 1) // 3, 0)
    gaps = [
        (i, month)
        for i, month in enumerate(months)
        if all(d.get(month) is None for _l, d in series)
    ]
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for frac in (0, 0.5, 1):
        y = TOP + plot_h - frac * plot_h
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#d8dde3"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#4a5560">{escape(fmt(top * frac, percent))}</text>'
        )
    for i, month in enumerate(months):
        if len(months) <= 12 or i % 2 == 0:
            # The month's name, and under it the whole year (never "Nov 26").
            x = LEFT + i * step
            parts.append(
                f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" font-size="11" '
                f'fill="#4a5560">{escape(date_format(month, "M"))}'
                f'<tspan x="{x:.1f}" dy="13">{month:%Y}</tspan></text>'
            )
    for i, month in gaps:
        # A withheld point is a gap in the line, marked on the axis, never drawn as a zero.
        parts.append(
            f'<line x1="{LEFT + i * step:.1f}" y1="{TOP}" x2="{LEFT + i * step:.1f}" '
            f'y2="{TOP + plot_h}" stroke="#d8dde3" stroke-dasharray="3 4">'
            f"<title>{escape(date_format(month, 'F Y'))}: {escape(_('withheld'))}</title></line>"
        )
    for n, (label, data) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        run = []
        for i, month in enumerate(months + [None]):
            v = data.get(month) if month else None
            if v is None:
                if len(run) > 1:
                    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                    parts.append(
                        f'<polyline points="{points}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.5"/>'
                    )
                run = []
                continue
            x, y = xy(i, v)
            run.append((x, y))
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(label)} · {escape(date_format(month, 'F Y'))}: "
                f"{escape(fmt(v, percent))}</title>"
                "</circle>"
            )
        lx = LEFT + (n % 3) * 200
        ly = H - 8 + (n // 3) * 16
        parts.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{ly}" font-size="11" fill="#1b1f23">'
            f"{escape(label[:28])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 (every text above is escaped)


def bar_chart(title, bars, *, percent=False):
    """bars: [(label, value or None)] -> horizontal bars; withheld ones say so."""
    row_h, label_w = 26, 220
    height = TOP + row_h * max(len(bars), 1) + 8
    top = _scale([v for _, v in bars], percent)
    plot_w = W - label_w - 60
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, v) in enumerate(bars):
        y = TOP + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12" '
            f'fill="#1b1f23">{escape(label[:34])}</text>'
        )
        if v is None:
            parts.append(
                f'<text x="{label_w}" y="{y + 16}" font-size="12" fill="#4a5560">'
                f"{escape(fmt(None, percent))}</text>"
            )
            continue
        width = max(plot_w * v / top, 1)
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 10}" '
            f'fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + width + 6:.1f}" y="{y + 16}" font-size="12" fill="#1b1f23">'
            f"{escape(fmt(v, percent))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 (every text above is escaped)
