"""``{% theme_rows actions plan %}`` and ``{% my_action_rows actions %}``: the rows of those
long tables, rendered in Python (improvement/rows.py says why)."""

from django import template

from .. import rows

register = template.Library()
register.simple_tag(rows.theme_rows, name="theme_rows")
register.simple_tag(rows.my_action_rows, name="my_action_rows")
