import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .lib.text import shorten
from .models import Action


class ActionTable(tables.Table):
    number = tables.Column(
        verbose_name="No.", linkify=True, order_by=("number_sort",),
        attrs={"td": {"class": "app-nowrap"}},
    )
    theme = tables.Column(accessor="theme__code", verbose_name="Theme", order_by=("theme__position",))
    description = tables.Column(verbose_name="Action",
                                attrs={"td": {"class": "app-table__description"}})
    leads = tables.Column(empty_values=(), verbose_name="Leads", orderable=False)
    lead_agency = tables.Column(verbose_name="Lead agency")
    due = tables.Column(accessor="due_as_revised", verbose_name="Due", order_by=("due_as_revised",))
    status = tables.Column(
        accessor="current_status", verbose_name="Status", order_by=("current_status__position",)
    )
    updated = tables.Column(
        accessor="has_update_in_period", verbose_name="This period", order_by=("has_update_in_period",)
    )

    class Meta:
        model = Action
        fields = ["number", "theme", "description", "leads", "lead_agency", "due", "status", "updated"]
        order_by = ("number",)
        attrs = {"class": "govuk-table app-table"}
        empty_text = "No actions match these filters."

    def order_status(self, queryset, is_descending):
        # Actions with no update yet sort last either way, on SQLite and PostgreSQL alike.
        position = F("current_status__position")
        ordering = position.desc(nulls_last=True) if is_descending else position.asc(nulls_last=True)
        return queryset.order_by(ordering, "number_sort"), True

    def render_description(self, value):
        return shorten(value, 200)

    def render_leads(self, record):
        return format_html_join(", ", "{}", ((post.title,) for post in record.lead_posts.all())) or "–"

    def render_due(self, value, record):
        text = value.strftime("%-d %b %Y")
        if getattr(record, "is_overdue", False):
            return format_html('{} <strong class="govuk-tag govuk-tag--red">Overdue</strong>', text)
        return text

    def render_status(self, value):
        return format_html('<strong class="govuk-tag app-rag {}">{}</strong>', value.css_class, value.label)

    def render_updated(self, value, record):
        if value:
            return "Updated"
        if record.current_status and record.current_status.is_complete:
            return "–"
        return mark_safe('<strong class="govuk-tag govuk-tag--yellow">Missing</strong>')  # noqa: S308
