"""The rows of the long lists, rendered in Python: a theme's actions, "My actions", an action's
RAG history and the action table's cells (``tables.ActionTable.body_rows``).

Through the template engine a row of these lists took 150 to 300 µs (two dozen variables and
filters, an include for the RAG tag, a reverse() per link), which at 50 to 100 rows was most
of the page's time; the same markup written here costs a fraction of that. The markup is the
one the templates had, cell for cell: change it here (the templates only place the rows), and
keep ``rag_tag`` in step with templates/improvement/includes/rag_tag.html.
"""

import unicodedata
from collections.abc import Callable

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime

OVERDUE = mark_safe(' <strong class="govuk-tag govuk-tag--red">Overdue</strong>')  # noqa: S308
NO_UPDATE_YET = mark_safe('<strong class="govuk-tag govuk-tag--grey app-rag-none">No update yet</strong>')  # noqa: S308


def rag_tag(status) -> SafeString:
    """includes/rag_tag.html: a status as its coloured tag."""
    if status:
        return format_html('<strong class="govuk-tag app-rag {}">{}</strong>', status.css_class, status.label)
    return NO_UPDATE_YET


def url_by_id(name: str) -> Callable[[int], str]:
    """A function from an object's id to the URL named ``name`` (whose one argument is that id):
    one reverse() for a whole list rather than one per row."""
    marker = 9_007_199_254_740_993  # an id no row has, and a number no other part of a URL holds
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def truncate(text: str, length: int) -> str:
    """What the ``truncatechars`` filter gives, without counting the characters one by one of
    the usual text that fits (which the filter returns whole, normalised to NFC)."""
    text = unicodedata.normalize("NFC", str(text))
    return text if len(text) <= length else Truncator(text).chars(length)


def theme_rows(actions, plan) -> SafeString:
    """A theme page's table rows (``Action.objects.for_list`` rows)."""
    action_url = url_by_id("improvement:action_detail")
    period = plan.current_period_label
    return format_html_join("\n", (
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell app-nowrap"><a class="govuk-link" href="{}">{}</a></td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}{}</td>'
        '<td class="govuk-table__cell">{}{}</td>'
        '<td class="govuk-table__cell">{}{}</td>'
        '</tr>'), (
        (action_url(action.pk), action.number,
         truncate(action.description, 240),
         format_html_join("; ", "{}", ((post,) for post in action.leads)) or "–",
         format_html('<span class="govuk-body-s app-block">{}</span>', action.lead_agency)
         if action.lead_agency else "",
         action.timescale or "–", OVERDUE if action.is_overdue else "",
         rag_tag(action.current_status),
         "" if action.has_update_in_period or (action.current_status and action.current_status.is_complete)
         else format_html('<span class="govuk-body-s app-block">No {} update</span>', period))
        for action in actions))


def my_action_rows(actions) -> SafeString:
    """The rows of a table of "My actions" (``my_actions``'s rows, with their plan)."""
    action_url = url_by_id("improvement:action_detail")
    update_url = url_by_id("improvement:record_update")
    return format_html_join("\n", (
        '<tr class="govuk-table__row">'
        '<td class="govuk-table__cell app-nowrap"><a class="govuk-link" href="{}">{}</a></td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell">{}<span class="govuk-body-s app-block">{}</span></td>'
        '<td class="govuk-table__cell">{}{}</td>'
        '<td class="govuk-table__cell">{}</td>'
        '<td class="govuk-table__cell"><a class="govuk-link" href="{}">Record an update'
        '<span class="govuk-visually-hidden"> for action {}</span></a></td>'
        '</tr>'), (
        (action_url(action.pk), action.number,
         truncate(action.description, 160),
         action.plan.name, action.plan.current_period_label,
         (format_date(action.effective_due_date, "j M Y") if action.effective_due_date else "")
         or action.timescale or "–", OVERDUE if action.is_overdue else "",
         rag_tag(action.current_status),
         update_url(action.pk), action.number)
        for action in actions))


def history_items(history) -> SafeString:
    """An action's RAG history as the items of its timeline (``action_detail``'s updates, each
    with ``superseded`` set and its evidence prefetched as ``evidence_list``), newest first."""
    download_url = url_by_id("improvement:evidence_download")

    def evidence(update):
        items = update.evidence_list
        if not items:
            return ""
        return format_html(
            '<p class="govuk-body govuk-!-margin-bottom-1"><strong>Evidence</strong></p>'
            '<ul class="govuk-list">{}</ul>', format_html_join("", "<li>{}</li>", (
                (format_html('<a class="govuk-link" href="{}">{}</a> ({})', download_url(item.pk), item.name,
                             filesizeformat(item.size)) if item.file else
                 format_html('<a class="govuk-link" rel="noopener noreferrer" href="{}">{}</a>', item.url, item.name),)
                for item in items)))

    def item(update):
        written = localtime(update.created_at)
        return (
            update.period_label, rag_tag(update.status),
            mark_safe(' <span class="govuk-tag govuk-tag--grey">Superseded</span>') if update.superseded else "",  # noqa: S308
            format_html("by {}", update.created_by) if update.created_by else "from the plan document",
            format_date(written, r"Y-m-d\TH:i:sO"), format_date(written, "j F Y, g:ia"),
            format_html('<p class="govuk-body app-pre-line">{}</p>', update.note) if update.note
            else mark_safe('<p class="govuk-body">No review note.</p>'),  # noqa: S308
            format_html('<p class="govuk-body"><strong>Revised date:</strong> {}. {}</p>',
                        format_date(update.revised_due_date, "j F Y"), update.revised_date_reason)
            if update.revised_due_date else "",
            evidence(update),
            mark_safe('<p class="govuk-body-s">Illustrative demo entry: not from the published plan.</p>')  # noqa: S308
            if update.is_illustrative else "",
        )

    return format_html_join("\n", (
        '<div class="moj-timeline__item">'
        '<div class="moj-timeline__header">'
        '<h3 class="moj-timeline__title">{}: {}{}</h3>'
        '<p class="moj-timeline__byline">{}</p>'
        '</div>'
        '<p class="moj-timeline__date"><time datetime="{}">{}</time></p>'
        '<div class="moj-timeline__description">{}{}{}{}</div>'
        '</div>'), (item(update) for update in history))
