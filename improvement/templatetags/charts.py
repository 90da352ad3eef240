"""``{% line_chart_svg chart chart_id title desc %}``, ``{% stacked_bars_svg chart chart_id title desc %}``
and ``{% trend_line_svg chart %}``: the charts of ``improvement.lib.charts`` as SVG, written in
Python (that module says why)."""

from django import template

from ..lib import charts

register = template.Library()
register.simple_tag(charts.line_chart_svg, name="line_chart_svg")
register.simple_tag(charts.stacked_bars_svg, name="stacked_bars_svg")
register.simple_tag(charts.trend_line_svg, name="trend_line_svg")
