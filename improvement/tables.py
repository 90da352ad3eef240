from functools import cached_property

import django_tables2 as tables
from django.db.models import F
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .lib.text import shorten
from .models import Action
from .rows import esc, joined, overdue_tag, rag_tag, url_by_id

EMPTY = "—"  # django-tables2's text for an empty cell


class ActionTable(tables.Table):
    """The action table. django-tables2 orders, paginates and heads it; the rows of the page are
    rendered by ``body_rows`` (see there), one ``cell_<column>`` method per column."""

    number = tables.Column(
        verbose_name=_("No."), linkify=True, order_by=("number_sort",),
        attrs={"td": {"class": "app-nowrap"}},
    )
    theme = tables.Column(accessor="theme__code", verbose_name=_("Theme"), order_by=("theme__position",))
    description = tables.Column(verbose_name=_("Action"),
                                attrs={"td": {"class": "app-table__description"}})
    leads = tables.Column(empty_values=(), verbose_name=_("Leads"), orderable=False)
    lead_agency = tables.Column(verbose_name=_("Lead agency"))
    due = tables.Column(accessor="due_as_revised", verbose_name=_("Due"), order_by=("due_as_revised",))
    status = tables.Column(
        accessor="current_status", verbose_name=_("Status"), order_by=("current_status__position",)
    )
    updated = tables.Column(
        accessor="has_update_in_period", verbose_name=_("This period"), order_by=("has_update_in_period",)
    )

    class Meta:
        model = Action
        fields = ["number", "theme", "description", "leads", "lead_agency", "due", "status", "updated"]
        order_by = ("number",)
        attrs = {"class": "govuk-table app-table"}
        empty_text = _("No actions match these filters.")

    def order_status(self, queryset, is_descending):
        # Actions with no update yet sort last either way, on SQLite and PostgreSQL alike.
        position = F("current_status__position")
        ordering = position.desc(nulls_last=True) if is_descending else position.asc(nulls_last=True)
        return queryset.order_by(ordering, "number_sort"), True

    def body_rows(self) -> list[str]:
        """The page's rows, each the HTML of its cells.

        django-tables2 renders a cell by resolving its accessor, inspecting the signature of the
        column's render method and rebuilding the column's attributes, for every cell, and the
        template then loops over the cells; at 50 rows that was three quarters of the page's
        time. Here each column's class is read once and each cell comes straight from its
        ``cell_<column>`` method, in the way of improvement/rows.py."""
        columns = [(getattr(self, f"cell_{column.name}"),
                    esc(" ".join(filter(None, ["govuk-table__cell", column.attrs["td"].get("class")]))))
                   for column in self.columns]
        return [joined((f'<td class="{td_class}">{cell(row.record)}</td>' for cell, td_class in columns), "")
                for row in self.paginated_rows]

    # One per column, each given the row's action (an ``Action.objects.for_list`` row with its
    # theme), returning the cell's HTML with every value escaped (``esc``); "—" when there is
    # nothing to show, as django-tables2 does.

    @cached_property
    def action_url(self):
        return url_by_id("improvement:action_detail")

    def cell_number(self, action):
        return f'<a href="{esc(self.action_url(action.pk))}">{esc(action.number)}</a>'

    def cell_theme(self, action):
        return esc(action.theme.code) if action.theme.code else EMPTY

    def cell_description(self, action):
        return esc(shorten(action.description, 200)) if action.description else EMPTY

    def cell_leads(self, action):
        return ", ".join(esc(post.title) for post in action.leads) or "–"

    def cell_lead_agency(self, action):
        return esc(action.lead_agency) if action.lead_agency else EMPTY

    def cell_due(self, action):
        if action.due_as_revised is None:
            return EMPTY
        text = esc(date_format(action.due_as_revised, "j M Y"))
        return text + overdue_tag() if action.is_overdue else text

    def cell_status(self, action):
        return rag_tag(action.current_status) if action.current_status else EMPTY

    def cell_updated(self, action):
        if action.has_update_in_period:
            return esc(gettext("Updated"))
        if action.current_status and action.current_status.is_complete:
            return "–"
        return format_html('<strong class="govuk-tag govuk-tag--yellow">{}</strong>', gettext("Missing"))
