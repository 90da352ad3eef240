"""Chart geometry computed in Python, drawn as SVG by templates (no JavaScript needed)."""

# Fill colours for SVG (as attributes: PDF renderers do not apply CSS to SVG shapes).
FILLS = {"grey": "#505a5f", "blue": "#1d70b8", "green": "#00703c", "amber": "#f47738", "red": "#d4351c",
         "yellow": "#ffdd00", "purple": "#4c2c92", "none": "#ffffff"}


def stacked_bars(periods, trend) -> dict:
    """Geometry for a stacked-bar SVG: one bar per period, one segment per status.

    ``trend`` maps each period to its StatusSummary. Templates draw the SVG from this, so the
    dashboard and the board pack show the same chart."""
    width, height, left, bottom, top = 720, 260, 40, 40, 10
    plot_height = height - bottom - top
    highest = max((trend[p].total for p in periods), default=0) or 1
    slot = (width - left) / len(periods)
    bars = []
    for index, period in enumerate(periods):
        x = left + index * slot + slot * 0.15
        y = height - bottom
        segments = []
        for row in trend[period].counts:
            if not row.count:
                continue
            h = plot_height * row.count / highest
            y -= h
            segments.append({"x": round(x, 1), "y": round(y, 1), "height": round(h, 1),
                             "colour": row.status.colour if row.status else "none",
                             "fill": FILLS.get(row.status.colour if row.status else "none", "#ffffff"),
                             "label": f"{row.status.label if row.status else 'No update'}: {row.count}"})
        bars.append({"label": period.strftime("%b %y"), "x": round(x + slot * 0.35, 1), "segments": segments,
                     "width": round(slot * 0.7, 1)})
    ticks = [{"value": v, "y": round(height - bottom - plot_height * v / highest, 1)}
             for v in sorted({0, highest // 2, highest})]
    return {"width": width, "height": height, "left": left, "baseline": height - bottom, "bars": bars,
            "ticks": ticks}
