"""The rows of the long lists, rendered in Python: a theme's actions, "My actions", an action's
RAG history, the action table's cells (``tables.ActionTable.body_rows``), the scorecard and a
measure's figures and history.

Through the template engine a row of these lists took 150 to 300 µs (two dozen variables and
filters, an include for the RAG tag, a reverse() per link), which at 50 to 100 rows was most
of the page's time; the same markup written here costs a fraction of that. The markup is the
one the templates had, cell for cell: change it here (the templates only place the rows), and
keep ``rag_tag`` in step with templates/improvement/includes/rag_tag.html.

Every value goes through ``esc``, which is Django's ``conditional_escape`` (the same output:
``html.escape`` of the text, or the HTML of what is already safe) without the lazy-text wrapper
that made it the largest cost of a row.
"""

import html
import unicodedata
from collections.abc import Callable, Iterable

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext


def esc(value) -> str:
    """``conditional_escape(value)``, as a plain string to build markup with."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def joined(rows: Iterable[str], separator: str = "\n") -> SafeString:
    """Markup built with ``esc`` from every value, so safe."""
    return mark_safe(separator.join(rows))  # noqa: S308


def overdue_tag() -> str:
    """The "Overdue" tag after a date, in the active language."""
    text = esc(gettext("Overdue"))
    return f' <strong class="govuk-tag govuk-tag--red">{text}</strong>'


def superseded_tag() -> str:
    text = esc(gettext("Superseded"))
    return f' <span class="govuk-tag govuk-tag--grey">{text}</span>'


def rag_tag(status) -> str:
    """includes/rag_tag.html: a status as its coloured tag."""
    if status:
        return f'<strong class="govuk-tag app-rag {esc(status.css_class)}">{esc(status.label)}</strong>'
    text = esc(gettext("No update yet"))
    return f'<strong class="govuk-tag govuk-tag--grey app-rag-none">{text}</strong>'


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
    no_update_text = esc(gettext("No %(period)s update") % {"period": plan.current_period_label})
    no_update = f'<span class="govuk-body-s app-block">{no_update_text}</span>'
    overdue = overdue_tag()

    def row(action):
        status = action.current_status
        leads = "; ".join(esc(post) for post in action.leads) or "–"
        agency = f'<span class="govuk-body-s app-block">{esc(action.lead_agency)}</span>' if action.lead_agency else ""
        missing = "" if action.has_update_in_period or (status and status.is_complete) else no_update
        return (
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell app-nowrap"><a class="govuk-link" href="{esc(action_url(action.pk))}">'
            f'{esc(action.number)}</a></td>'
            f'<td class="govuk-table__cell">{esc(truncate(action.description, 240))}</td>'
            f'<td class="govuk-table__cell">{leads}{agency}</td>'
            f'<td class="govuk-table__cell">{esc(action.timescale or "–")}{overdue if action.is_overdue else ""}</td>'
            f'<td class="govuk-table__cell">{rag_tag(status)}{missing}</td>'
            '</tr>')

    return joined(row(action) for action in actions)


def my_action_rows(actions) -> SafeString:
    """The rows of a table of "My actions" (``my_actions``'s rows, with their plan)."""
    action_url = url_by_id("improvement:action_detail")
    update_url = url_by_id("improvement:record_update")

    overdue = overdue_tag()
    record, for_action = esc(gettext("Record an update")), gettext("for action %(number)s")
    dates: dict = {}  # a lead's actions share a few dozen due dates; formatting one is slow

    def row(action):
        due = action.effective_due_date
        if due and due not in dates:
            dates[due] = format_date(due, "j M Y")
        due_text = (dates[due] if due else "") or action.timescale or "–"
        number = esc(action.number)
        return (
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell app-nowrap"><a class="govuk-link" href="{esc(action_url(action.pk))}">'
            f'{number}</a></td>'
            f'<td class="govuk-table__cell">{esc(truncate(action.description, 160))}</td>'
            f'<td class="govuk-table__cell">{esc(action.plan.name)}'
            f'<span class="govuk-body-s app-block">{esc(action.plan.current_period_label)}</span></td>'
            f'<td class="govuk-table__cell">{esc(due_text)}{overdue if action.is_overdue else ""}</td>'
            f'<td class="govuk-table__cell">{rag_tag(action.current_status)}</td>'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{esc(update_url(action.pk))}">{record}'
            f'<span class="govuk-visually-hidden"> {esc(for_action % {"number": action.number})}</span></a></td>'
            '</tr>')

    return joined(row(action) for action in actions)


def history_items(history) -> SafeString:
    """An action's RAG history as the items of its timeline (``action_detail``'s updates, each
    with ``superseded`` set and its evidence prefetched as ``evidence_list``), newest first. A
    timeline's title and byline are inline, side by side: the space between them is the only
    thing keeping "Achieved" and "by …" apart."""
    download_url = url_by_id("improvement:evidence_download")
    superseded = superseded_tag()

    def evidence(item):
        if item.file:
            return (f'<a class="govuk-link" href="{esc(download_url(item.pk))}">{esc(item.name)}</a> '
                    f'({esc(filesizeformat(item.size))})')
        return f'<a class="govuk-link" rel="noopener noreferrer" href="{esc(item.url)}">{esc(item.name)}</a>'

    words = {"no_note": esc(gettext("No review note.")), "revised": esc(gettext("Revised date:")),
             "evidence": esc(gettext("Evidence")),
             "illustrative": esc(gettext("Illustrative demo entry: not from the published plan."))}

    def item(update):
        written = localtime(update.created_at)
        byline = (esc(gettext("by %(person)s") % {"person": update.created_by}) if update.created_by
                  else esc(gettext("from the plan document")))
        if update.recorded_for:
            byline += " " + esc(gettext("on behalf of %(person)s") % {"person": update.recorded_for})
        parts = [
            '<div class="moj-timeline__item"><div class="moj-timeline__header">'
            f'<h3 class="moj-timeline__title">{esc(update.period_label)}: {rag_tag(update.status)}'
            f'{superseded if update.superseded else ""}</h3>'
            f' <p class="moj-timeline__byline">{byline}</p>'
            '</div>'
            f'<p class="moj-timeline__date"><time datetime="{esc(format_date(written, r"Y-m-d\TH:i:sO"))}">'
            f'{esc(format_date(written, "j F Y, g:ia"))}</time></p>'
            '<div class="moj-timeline__description">',
            f'<p class="govuk-body app-pre-line">{esc(update.note)}</p>' if update.note
            else f'<p class="govuk-body">{words["no_note"]}</p>',
        ]
        if update.revised_due_date:
            parts.append(f'<p class="govuk-body"><strong>{words["revised"]}</strong> '
                         f'{esc(format_date(update.revised_due_date, "j F Y"))}. {esc(update.revised_date_reason)}</p>')
        if update.evidence_list:
            items = "".join(f"<li>{evidence(item)}</li>" for item in update.evidence_list)
            parts.append('<p class="govuk-body govuk-!-margin-bottom-1">'
                         f'<strong>{words["evidence"]}</strong></p>'
                         f'<ul class="govuk-list">{items}</ul>')
        if update.is_illustrative:
            parts.append(f'<p class="govuk-body-s">{words["illustrative"]}</p>')
        parts.append("</div></div>")
        return "".join(parts)

    return joined(item(update) for update in history)


def measure_rag_tag(rag) -> str:
    """improvement/measures/rag_tag.html: a measure's RAG as its coloured tag."""
    return f'<strong class="govuk-tag app-rag {esc(rag.css_class)}">{esc(rag.label)}</strong>'


def scorecard_rows(readings) -> SafeString:
    """The scorecard's rows (templates/improvement/measures/scorecard_rows.html): each measure's
    latest value, target, RAG, direction of travel and trend line
    (``measure_views.scorecard_readings``)."""
    no_values = esc(gettext("No values yet"))

    def trend(reading):
        if reading.trend_svg:
            values = esc(gettext("Values: %(values)s") % {"values": reading.trend_text})
            return f'{reading.trend_svg}<span class="govuk-visually-hidden">{values}</span>'
        return esc(reading.trend_text) if reading.trend_text else no_values

    def row(reading):
        measure, direction = reading.measure, reading.direction
        name = f"{esc(measure.reference)} {esc(measure.name)}" if measure.reference else esc(measure.name)
        when = (f'<span class="govuk-body-s app-block">{esc(reading.value.period_label)}</span>'
                if reading.value else "")
        detail = f'<span class="govuk-body-s app-block">{esc(direction.detail)}</span>' if direction.detail else ""
        url = reverse("improvement:measure_detail", args=[measure.pk])
        return ('<tr class="govuk-table__row">'
                f'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="{esc(url)}">{name}</a></th>'
                f'<td class="govuk-table__cell govuk-table__cell--numeric">{esc(reading.value_text)}{when}</td>'
                f'<td class="govuk-table__cell govuk-table__cell--numeric">{esc(reading.target_text)}</td>'
                f'<td class="govuk-table__cell">{measure_rag_tag(reading.rag)}</td>'
                f'<td class="govuk-table__cell"><span aria-hidden="true">{esc(direction.arrow)}</span> '
                f'{esc(direction.label)}{detail}</td>'
                f'<td class="govuk-table__cell">{trend(reading)}</td></tr>')

    return joined(row(reading) for reading in readings)


def measure_figure_rows(figures) -> SafeString:
    """The rows of a measure page's table of values, targets and comparators by period
    (``measure_views.chart_context``'s figures)."""
    def comparator(found):
        if not found:
            return '<td class="govuk-table__cell govuk-table__cell--numeric">–</td>'
        area = f'<span class="govuk-body-s app-block">{esc(found["area"])}</span>' if found["area"] else ""
        return f'<td class="govuk-table__cell govuk-table__cell--numeric">{esc(found["text"])}{area}</td>'

    return joined(
        '<tr class="govuk-table__row">'
        f'<th scope="row" class="govuk-table__header">{esc(row["value"].period_label)}</th>'
        f'<td class="govuk-table__cell govuk-table__cell--numeric">{esc(row["value_text"])}</td>'
        f'<td class="govuk-table__cell govuk-table__cell--numeric">{esc(row["target_text"])}</td>'
        f'<td class="govuk-table__cell">{measure_rag_tag(row["rag"])}</td>'
        f'{"".join(comparator(found) for found in row["comparators"])}</tr>'
        for row in figures)


def measure_history_items(history) -> SafeString:
    """A measure's values as the items of its timeline, newest first (``measure_detail``'s
    history: each value with ``superseded`` and ``text`` set and its recorder read)."""
    superseded = superseded_tag()
    someone = gettext("someone no longer recorded")

    def item(value):
        written = localtime(value.recorded_at)
        who = (value.recorded_by.get_full_name() or value.recorded_by.username) if value.recorded_by else someone
        via = f" ({esc(value.get_via_display().lower())})" if value.via != "page" else ""
        commentary = (f'<div class="moj-timeline__description app-pre-line">{esc(value.commentary)}</div>'
                      if value.commentary else "")
        return (
            '<div class="moj-timeline__item"><div class="moj-timeline__header">'
            f'<h3 class="moj-timeline__title">{esc(value.period_label)}: {esc(value.text)}'
            f'{superseded if value.superseded else ""}</h3>'
            f' <p class="moj-timeline__byline">{esc(gettext("by %(who)s") % {"who": who})}{via}</p></div>'
            f'<p class="moj-timeline__date"><time datetime="{esc(format_date(written, r"Y-m-d\TH:i:sO"))}">'
            f'{esc(format_date(written, "j F Y, g:ia"))}</time></p>{commentary}</div>')

    return joined(item(value) for value in history)
