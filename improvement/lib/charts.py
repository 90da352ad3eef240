"""Chart geometry computed in Python, drawn as SVG by templates (no JavaScript needed)."""

import math
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from improvement.rows import esc

# Fill colours for SVG (as attributes: PDF renderers do not apply CSS to SVG shapes).
FILLS = {"grey": "#505a5f", "blue": "#1d70b8", "green": "#00703c", "amber": "#f47738", "red": "#d4351c",
         "yellow": "#ffdd00", "purple": "#4c2c92", "none": "#ffffff"}

# Text is drawn at FONT_SIZE units, as an attribute for the same reason (SVG's default is 16,
# which made the month labels touch). CHAR_WIDTH over-estimates Arial's average character at
# that size, so that legend entries laid out from it never overlap.
FONT_SIZE = 11
CHAR_WIDTH = 7
SWATCH = 11
LEGEND_ROW = 18


def stacked_bars(periods, trend) -> dict:
    """Geometry for a stacked-bar SVG: one bar per period, one segment per status, and a legend
    (each status's colour beside its name) under the month labels.

    ``trend`` maps each period to its StatusSummary. Templates draw the SVG from this, so the
    dashboard and the board pack show the same chart."""
    width, plot_height, left, top = 720, 210, 40, 16  # top leaves room for the highest tick's label
    baseline = top + plot_height
    highest = max((trend[p].total for p in periods), default=0) or 1
    slot = (width - left) / len(periods) if periods else width - left
    bars = []
    for index, period in enumerate(periods):
        x = left + index * slot + slot * 0.15
        y = baseline
        segments = []
        for row in trend[period].counts:
            if not row.count:
                continue
            h = plot_height * row.count / highest
            y -= h
            segments.append({"x": round(x, 1), "y": round(y, 1), "height": round(h, 1),
                             "colour": _colour(row.status), "fill": FILLS.get(_colour(row.status), "#ffffff"),
                             "label": f"{_label(row.status)}: {row.count}"})
        bars.append({"label": period.strftime("%b %y"), "x": round(x + slot * 0.35, 1), "segments": segments,
                     "width": round(slot * 0.7, 1)})
    ticks = [{"value": v, "y": round(baseline - plot_height * v / highest, 1),
              "label_y": round(baseline - plot_height * v / highest + FONT_SIZE / 3, 1)}
             for v in sorted({0, highest // 2, highest})]
    legend, legend_top = _legend(trend[periods[0]].counts if periods else [], left=left, width=width,
                                 top=baseline + 2 * LEGEND_ROW)
    height = legend_top + (legend[-1]["row"] + 1) * LEGEND_ROW if legend else baseline + 2 * LEGEND_ROW
    return {"width": width, "height": round(height), "left": left, "baseline": baseline,
            "label_y": baseline + FONT_SIZE + 6, "font_size": FONT_SIZE, "bars": bars, "ticks": ticks,
            "legend": legend}


def _colour(status):
    return status.colour if status else "none"


def _label(status):
    return status.label if status else gettext("No update")


def _legend(counts, *, left, width, top):
    """Legend entries left to right from ``left``, on as many rows as they need."""
    entries, x, row = [], left, 0
    for count in counts:
        label = _label(count.status)
        advance = SWATCH + 4 + len(label) * CHAR_WIDTH + 16
        if x > left and x + advance > width:
            x, row = left, row + 1
        y = top + row * LEGEND_ROW
        entries.append({"label": label, "colour": _colour(count.status),
                        "fill": FILLS.get(_colour(count.status), "#ffffff"), "row": row,
                        "x": round(x, 1), "y": y, "text_x": round(x + SWATCH + 4, 1), "text_y": y + SWATCH - 1})
        x += advance
    return entries, top


def line_chart(labels, values, targets=(), *, width=720, height=260, axes=True, format_value=str) -> dict:
    """Geometry for a line-chart SVG: a measure's values per period as a line of points, and its
    target along the same periods as a second (dashed) line.

    ``labels`` name the periods, evenly spaced left to right; ``values`` and ``targets`` hold a
    number or None per period (a gap: no value recorded, or no target yet). The line joins the
    values that are there. With ``axes`` the chart has a y-axis of ticks (their labels written by
    ``format_value``), month labels and a legend, and starts at zero so that a small change does
    not look like a large one; without, it is a bare trend line for a table cell."""
    values, targets = list(values), list(targets) or [None] * len(labels)
    figures = [float(v) for v in values + targets if v is not None]
    highest = max(figures, default=0)
    step = _nice_step(highest / 4)
    tick_count = max(1, math.ceil(highest / step - 1e-9))
    # A bare trend line spans its own lowest to highest figure, to show the shape in little room.
    bottom_value = 0 if axes else min(figures, default=0)
    top_value = step * tick_count if axes else (highest if highest > bottom_value else bottom_value + 1)
    left, right, top = (56, 16, 16) if axes else (2, 2, 2)
    plot_height = height - top - (FONT_SIZE + 6 + 2 * LEGEND_ROW if axes else 2)
    baseline = top + plot_height
    slot = (width - left - right) / max(len(labels) - 1, 1)

    def x_of(index):
        return round(left + index * slot if len(labels) > 1 else left + (width - left - right) / 2, 1)

    def y_of(figure):
        return round(baseline - plot_height * (float(figure) - bottom_value) / (top_value - bottom_value), 1)

    points = [{"x": x_of(i), "y": y_of(v), "label": labels[i], "text": format_value(v)}
              for i, v in enumerate(values) if v is not None]
    target_points = [{"x": x_of(i), "y": y_of(t), "label": labels[i], "text": format_value(t)}
                     for i, t in enumerate(targets) if t is not None]
    chart = {"width": width, "height": height, "left": left, "right": width - right, "top": top,
             "baseline": baseline, "font_size": FONT_SIZE, "points": points, "target_points": target_points,
             "line": " ".join(f"{p['x']},{p['y']}" for p in points),
             "target_line": " ".join(f"{p['x']},{p['y']}" for p in target_points)}
    if axes:
        ticks = [{"text": format_value(_tidy(step * n)), "y": y_of(step * n),
                  "label_y": round(y_of(step * n) + FONT_SIZE / 3, 1)} for n in range(tick_count + 1)]
        # Label every period while they fit, else every second, third...: never touching.
        label_width = max((len(label) for label in labels), default=0) * CHAR_WIDTH + 10
        every = max(1, math.ceil(label_width / slot)) if len(labels) > 1 else 1
        chart.update(
            ticks=ticks, label_y=baseline + FONT_SIZE + 6,
            x_labels=[{"x": x_of(i), "text": label} for i, label in enumerate(labels)
                      if (len(labels) - 1 - i) % every == 0],
            legend=_line_legend(left=left, y=baseline + FONT_SIZE + 6 + LEGEND_ROW, with_target=bool(target_points)))
    return chart


LINE_COLOUR = FILLS["blue"]
TARGET_COLOUR = "#0b0c0c"


def _line_legend(*, left, y, with_target):
    value_word, target_word = gettext("Value"), gettext("Target")
    entries = [{"text": value_word, "x": left, "y": y, "colour": LINE_COLOUR, "dashed": False}]
    if with_target:
        entries.append({"text": target_word, "x": left + 30 + len(value_word) * CHAR_WIDTH + 16, "y": y,
                        "colour": TARGET_COLOUR, "dashed": True})
    for entry in entries:
        entry.update(x2=entry["x"] + 24, text_x=entry["x"] + 30, text_y=round(entry["y"] + FONT_SIZE / 3, 1))
    return entries


def _nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``rough``: tick values people read at a glance."""
    if rough <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def _tidy(figure: float):
    """A tick's value as a Decimal without float noise (0.30000000000000004 is 0.3)."""
    rounded = round(figure, 6)
    return Decimal(int(rounded)) if rounded == int(rounded) else Decimal(repr(rounded))


# --- the charts as SVG markup ----------------------------------------------------------------
# Written here rather than by templates, as improvement/rows.py writes the long lists: a board
# pack draws a chart per measure, and through the template engine each chart's few hundred
# numbers (each localized, then escaped) were a tenth of the pack's web page. Presentation is in
# attributes, as PDF renderers do not apply CSS to SVG. Numbers are written as Python writes
# them (SVG wants a full stop before the decimals in every language).

_GRID = 'stroke="#b1b4b6" stroke-width="1" class="app-chart__grid"'


def _svg_open(chart, chart_id, title, desc) -> str:
    labelled = f"{chart_id}-title {chart_id}-desc" if desc else f"{chart_id}-title"
    description = f'\n  <desc id="{esc(chart_id)}-desc">{esc(desc)}</desc>' if desc else ""
    return (f'<svg class="chart app-chart__svg" role="img" aria-labelledby="{esc(labelled)}" '
            f'viewBox="0 0 {chart["width"]} {chart["height"]}" focusable="false" '
            f'font-family="Arimo, Arial, sans-serif" font-size="{chart["font_size"]}" fill="#0b0c0c">\n'
            f'  <title id="{esc(chart_id)}-title">{esc(title)}</title>{description}\n')


def line_chart_svg(chart: dict, chart_id: str, title: str, desc: str = "") -> SafeString:
    """``line_chart()``'s geometry drawn: grid lines with their values, month labels, the target
    as a dashed line, the values as a line of points (each titled with its month and figure),
    and the legend."""
    left, right = chart["left"], chart["right"]
    ticks = "".join(
        f'<line x1="{left}" x2="{right}" y1="{tick["y"]}" y2="{tick["y"]}" {_GRID}></line>'
        f'<text x="{left - 6}" y="{tick["label_y"]}" text-anchor="end">{esc(tick["text"])}</text>'
        for tick in chart.get("ticks", ()))
    labels = "".join(f'<text x="{label["x"]}" y="{chart["label_y"]}" text-anchor="middle">{esc(label["text"])}</text>'
                     for label in chart.get("x_labels", ()))
    target = (f'<polyline points="{chart["target_line"]}" fill="none" stroke="{TARGET_COLOUR}" stroke-width="2" '
              'stroke-dasharray="6 4"></polyline>' if chart["target_line"] else "")
    line = (f'<polyline points="{chart["line"]}" fill="none" stroke="{LINE_COLOUR}" stroke-width="3"></polyline>'
            if chart["line"] else "")
    points = "".join(f'<circle cx="{point["x"]}" cy="{point["y"]}" r="4" fill="{LINE_COLOUR}"><title>'
                     f'{esc(point["label"])}: {esc(point["text"])}</title></circle>' for point in chart["points"])
    legend = "".join(
        f'<line x1="{entry["x"]}" x2="{entry["x2"]}" y1="{entry["y"]}" y2="{entry["y"]}" stroke="{entry["colour"]}" '
        + ('stroke-width="2" stroke-dasharray="6 4"' if entry["dashed"] else 'stroke-width="3"')
        + f'></line><text x="{entry["text_x"]}" y="{entry["text_y"]}">{esc(entry["text"])}</text>'
        for entry in chart.get("legend", ()))
    return mark_safe(  # noqa: S308 - every value is a number of ours or escaped
        f'{_svg_open(chart, chart_id, title, desc)}  {ticks}\n  {labels}\n  {target}\n  {line}\n  {points}\n'
        f'  <g class="app-chart__legend">{legend}</g>\n</svg>')


def stacked_bars_svg(chart: dict, chart_id: str, title: str, desc: str = "") -> SafeString:
    """``stacked_bars()``'s geometry drawn: grid lines with their counts, a bar per period of a
    segment per status (each titled with its month, status and count), month labels and the
    legend naming each status beside its colour."""
    left = chart["left"]
    ticks = "".join(
        f'<line x1="{left}" x2="{chart["width"]}" y1="{tick["y"]}" y2="{tick["y"]}" {_GRID}></line>'
        f'<text x="{left - 6}" y="{tick["label_y"]}" text-anchor="end">{tick["value"]}</text>'
        for tick in chart["ticks"])
    bars = "".join(
        "".join(f'<rect x="{segment["x"]}" y="{segment["y"]}" width="{bar["width"]}" height="{segment["height"]}" '
                f'fill="{segment["fill"]}" stroke="#ffffff" stroke-width="0.5"><title>{esc(bar["label"])} '
                f'{esc(segment["label"])}</title></rect>' for segment in bar["segments"])
        + f'<text x="{bar["x"]}" y="{chart["label_y"]}" text-anchor="middle">{esc(bar["label"])}</text>'
        for bar in chart["bars"])
    legend = "".join(
        f'<rect x="{entry["x"]}" y="{entry["y"]}" width="{SWATCH}" height="{SWATCH}" fill="{entry["fill"]}" '
        f'stroke="#0b0c0c" stroke-width="0.5"></rect><text x="{entry["text_x"]}" y="{entry["text_y"]}">'
        f'{esc(entry["label"])}</text>' for entry in chart["legend"])
    return mark_safe(  # noqa: S308 - every value is a number of ours or escaped
        f'{_svg_open(chart, chart_id, title, desc)}  {ticks}\n  {bars}\n'
        f'  <g class="app-chart__legend">{legend}</g>\n</svg>')


def trend_line_svg(chart: dict) -> SafeString:
    """A bare ``line_chart(..., axes=False)`` for a table cell: the line and its last point,
    hidden from screen readers (the cell writes the figures out for them)."""
    last = chart["points"][-1]
    return mark_safe(  # noqa: S308 - numbers of ours only
        f'<svg width="{chart["width"]}" height="{chart["height"]}" viewBox="0 0 {chart["width"]} {chart["height"]}" '
        f'aria-hidden="true" focusable="false"><polyline points="{chart["line"]}" fill="none" '
        f'stroke="{LINE_COLOUR}" stroke-width="2"></polyline>'
        f'<circle cx="{last["x"]}" cy="{last["y"]}" r="3" fill="{LINE_COLOUR}"></circle></svg>')
