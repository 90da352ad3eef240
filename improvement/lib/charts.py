"""Chart geometry computed in Python, drawn as SVG by templates (no JavaScript needed)."""

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
    return status.label if status else "No update"


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
