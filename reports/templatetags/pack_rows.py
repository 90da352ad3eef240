"""``{% attention_rows entries %}``: the board pack's attention list rows, rendered in Python
(reports/rows.py says why)."""

from django import template

from .. import rows

register = template.Library()
register.simple_tag(rows.attention_rows, name="attention_rows")
