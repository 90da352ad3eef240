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
