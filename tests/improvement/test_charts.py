"""The RAG trend chart's geometry (improvement.lib.charts): room for every label, and a legend."""

import datetime
import re

from improvement.lib.charts import CHAR_WIDTH, FONT_SIZE, stacked_bars
from improvement.models import StatusSummary, add_months

PERIODS = [add_months(datetime.date(2012, 1, 1), n) for n in range(12)]


def trend(scheme, counts_by_code):
    statuses = list(scheme.statuses.order_by("position"))
    counts = {status.pk: counts_by_code.get(status.code, 0) for status in statuses}
    return {period: StatusSummary.build(statuses, counts, include_none=True) for period in PERIODS}


def test_the_chart_has_a_legend_naming_each_status_beside_its_colour(scheme):
    chart = stacked_bars(PERIODS, trend(scheme, {"G": 20, "R": 3}))
    statuses = list(scheme.statuses.order_by("position"))
    assert [entry["label"] for entry in chart["legend"]] == [s.label for s in statuses] + ["No update"]
    green = next(entry for entry in chart["legend"] if entry["label"] == "Green")
    assert green["fill"] == "#00703c"
    for entry in chart["legend"]:
        assert entry["y"] > chart["label_y"] and entry["y"] + 11 <= chart["height"]  # below the months, inside
        assert entry["text_x"] + len(entry["label"]) * CHAR_WIDTH <= chart["width"]
    ordered = sorted(chart["legend"], key=lambda entry: (entry["row"], entry["x"]))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before["row"] == after["row"]:
            assert before["text_x"] + len(before["label"]) * CHAR_WIDTH < after["x"]  # entries never overlap


def test_the_highest_tick_label_is_inside_the_chart(scheme):
    chart = stacked_bars(PERIODS, trend(scheme, {"G": 49}))
    top = max(chart["ticks"], key=lambda tick: tick["value"])
    assert top["value"] == 49
    assert top["label_y"] - FONT_SIZE >= 0  # the glyphs' top, which the viewBox used to clip


def test_month_labels_have_room_between_them(scheme):
    chart = stacked_bars(PERIODS, trend(scheme, {"G": 5}))
    label_width = max(len(bar["label"]) for bar in chart["bars"]) * CHAR_WIDTH
    centres = [bar["x"] for bar in chart["bars"]]
    assert min(b - a for a, b in zip(centres, centres[1:], strict=False)) > label_width + 10


def test_the_dashboard_svg_names_each_status_in_its_legend(plan, theme, chair, scheme):
    from django.urls import reverse

    from tests.conftest import client_for

    page = client_for(chair).get(reverse("boards:dashboard", args=[plan.pk])).content.decode()
    svg = re.search(r"<svg class=\"chart app-chart__svg\".*?</svg>", page, flags=re.DOTALL).group(0)
    assert f'font-size="{FONT_SIZE}"' in svg
    legend = re.search(r'<g class="app-chart__legend">(.*?)</g>', svg, flags=re.DOTALL).group(1)
    assert re.findall(r"<text [^>]*>([^<]+)</text>", legend) == [
        status.label for status in scheme.statuses.order_by("position")]


# --- line_chart: a measure's values and target ------------------------------------------------

MONTHS = ["Sep 12", "Oct 12", "Nov 12", "Dec 12"]


def test_the_line_joins_the_values_there_are_and_skips_the_gaps():
    from decimal import Decimal

    from improvement.lib.charts import line_chart

    chart = line_chart(MONTHS, [Decimal(36), None, Decimal(52), Decimal(67)])
    assert [point["label"] for point in chart["points"]] == ["Sep 12", "Nov 12", "Dec 12"]
    assert chart["line"] == " ".join(f"{p['x']},{p['y']}" for p in chart["points"])
    xs = [point["x"] for point in chart["points"]]
    assert xs == sorted(xs) and xs[0] == chart["left"] and xs[-1] == chart["right"]


def test_a_higher_value_is_drawn_higher_and_zero_sits_on_the_axis():
    from improvement.lib.charts import line_chart

    chart = line_chart(MONTHS, [0, 10, 20, 40])
    ys = [point["y"] for point in chart["points"]]
    assert ys[0] == chart["baseline"]
    assert ys == sorted(ys, reverse=True)


def test_the_target_is_a_second_line_and_the_legend_names_both():
    from improvement.lib.charts import line_chart

    chart = line_chart(MONTHS, [36, None, 52, 67], [None, 45, 58, 70])
    assert [point["label"] for point in chart["target_points"]] == ["Oct 12", "Nov 12", "Dec 12"]
    assert [entry["text"] for entry in chart["legend"]] == ["Value", "Target"]
    assert chart["legend"][1]["dashed"]
    without = line_chart(MONTHS, [36, None, 52, 67])
    assert without["target_line"] == "" and [entry["text"] for entry in without["legend"]] == ["Value"]


def test_ticks_are_round_figures_from_zero_above_the_highest_point_and_inside_the_chart():
    from improvement.lib.charts import line_chart

    chart = line_chart(MONTHS, [36, 52, 67, 69.8], format_value=lambda value: f"{value}%")
    assert [tick["text"] for tick in chart["ticks"]] == ["0%", "20%", "40%", "60%", "80%"]
    assert min(tick["label_y"] for tick in chart["ticks"]) - FONT_SIZE >= 0
    assert min(point["y"] for point in chart["points"]) >= chart["top"]
    for entry in chart["legend"]:
        assert entry["y"] > chart["label_y"] and entry["y"] + FONT_SIZE <= chart["height"]


def test_month_labels_are_thinned_so_that_they_never_touch():
    from improvement.lib.charts import line_chart

    labels = [period.strftime("%b %y") for period in PERIODS * 3]
    chart = line_chart(labels, list(range(len(labels))), width=360)
    assert chart["x_labels"][-1]["text"] == labels[-1]  # the latest period is always named
    centres = [label["x"] for label in chart["x_labels"]]
    assert min(b - a for a, b in zip(centres, centres[1:], strict=False)) > 6 * CHAR_WIDTH


def test_a_bare_trend_line_spans_its_own_range_and_has_no_axes():
    from improvement.lib.charts import line_chart

    chart = line_chart(["a", "b", "c"], [50, 60, 55], width=120, height=30, axes=False)
    ys = [point["y"] for point in chart["points"]]
    assert max(ys) == chart["baseline"] and min(ys) == chart["top"]
    assert "ticks" not in chart and "legend" not in chart


def test_a_chart_of_one_value_or_none_still_draws():
    from improvement.lib.charts import line_chart

    assert line_chart([], [])["points"] == []
    single = line_chart(["Dec 12"], [5])
    assert len(single["points"]) == 1 and single["left"] < single["points"][0]["x"] < single["right"]
    flat = line_chart(["a", "b"], [5, 5], axes=False)
    assert flat["points"][0]["y"] == flat["points"][1]["y"]


# --- the SVG markup (improvement.lib.charts.*_svg) -------------------------------------------

def test_the_line_chart_svg_is_labelled_by_its_title_and_description_and_escapes_them():
    from improvement.lib.charts import line_chart, line_chart_svg

    chart = line_chart(["Jan 12", "Feb 12"], [40, 55], [50, 50], format_value=lambda v: f"{v}%")
    svg = line_chart_svg(chart, "measure-chart", "Visits <in time> & on target", "A line & a dashed line")
    assert svg.startswith('<svg class="chart app-chart__svg" role="img" '
                          'aria-labelledby="measure-chart-title measure-chart-desc"')
    assert '<title id="measure-chart-title">Visits &lt;in time&gt; &amp; on target</title>' in svg
    assert '<desc id="measure-chart-desc">A line &amp; a dashed line</desc>' in svg
    assert svg.count("<circle") == 2 and "<title>Feb 12: 55%</title>" in svg
    assert 'stroke-dasharray="6 4"></polyline>' in svg  # the target, dashed
    assert svg.count('stroke-dasharray="6 4"') == 2  # and its legend entry
    assert ">Value</text>" in svg and ">Target</text>" in svg
    assert all(f'y1="{tick["y"]}"' in svg and f">{tick['text']}</text>" in svg for tick in chart["ticks"])


def test_a_line_chart_svg_without_values_or_description_draws_no_line_and_no_desc():
    from improvement.lib.charts import line_chart, line_chart_svg

    svg = line_chart_svg(line_chart(["Jan 12"], [None]), "empty", "Nothing yet")
    assert 'aria-labelledby="empty-title"' in svg and "<desc" not in svg
    assert "<polyline" not in svg and "<circle" not in svg


def test_the_stacked_bars_svg_titles_each_segment_and_names_each_status(scheme):
    from improvement.lib.charts import stacked_bars_svg

    chart = stacked_bars(PERIODS, trend(scheme, {"G": 20, "R": 3}))
    svg = stacked_bars_svg(chart, "trend", "Actions by RAG status", "Figures in the table below.")
    assert 'aria-labelledby="trend-title trend-desc"' in svg
    assert svg.count("<title>Jan 12 Green: 20</title>") == 1 and "<title>Dec 12 Red: 3</title>" in svg
    assert svg.count('fill="#00703c"') == 12 + 1  # a green segment a month, and its legend swatch
    assert ">No update</text>" in svg


def test_a_bare_trend_line_svg_is_hidden_from_screen_readers_and_marks_the_last_value():
    from improvement.lib.charts import line_chart, trend_line_svg

    chart = line_chart(["Jan", "Feb", "Mar"], [1, 3, 2], width=120, height=32, axes=False)
    svg = trend_line_svg(chart)
    assert 'aria-hidden="true"' in svg and f'points="{chart["line"]}"' in svg
    last = chart["points"][-1]
    assert f'<circle cx="{last["x"]}" cy="{last["y"]}" r="3"' in svg
