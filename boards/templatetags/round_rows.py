"""``{% submission_rows submissions %}``: a round's "By action" rows, rendered in Python
(boards/rows.py)."""

from django import template

from .. import rows

register = template.Library()
register.simple_tag(rows.submission_rows, name="submission_rows")
