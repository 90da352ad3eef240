"""``{% theme_rows actions plan %}``, ``{% my_action_rows actions %}``, ``{% history_items history %}``,
``{% measure_figure_rows figures %}``, ``{% measure_history_items history %}`` and
``{% scorecard_rows readings %}``: the rows of
those long lists, rendered in Python (improvement/rows.py says why)."""

from django import template

from .. import rows

register = template.Library()
register.simple_tag(rows.theme_rows, name="theme_rows")
register.simple_tag(rows.my_action_rows, name="my_action_rows")
register.simple_tag(rows.history_items, name="history_items")
register.simple_tag(rows.measure_figure_rows, name="measure_figure_rows")
register.simple_tag(rows.measure_history_items, name="measure_history_items")
register.simple_tag(rows.scorecard_rows, name="scorecard_rows")
