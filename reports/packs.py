"""The monthly board pack: what it holds (``pack_context``), its HTML, and its PDF.

The same template makes the HTML page (the accessible alternative) and the PDF. The PDF is A4
landscape, tagged (PDF/UA-1), with a running header, "Page X of Y" footers, bookmarks from the
headings, and every font and stylesheet read from the project's own static files: the URL
fetcher refuses anything else, so rendering never reaches the network.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from boards.models import Decision, FollowUp, ReviewNote, ReviewResponse
from improvement.lib.charts import line_chart, stacked_bars
from improvement.models import Action, Comparator, StatusSummary, add_months, period_label
from improvement.reporting import status_summaries_by_period

from . import pdfparts
from .models import StoredPackPart
from .pdf import html_to_pdf
from .pdfparts import Piece, contents

# Other apps add notes to the pack's key without reports importing them: functions
# ``(meeting) -> list of str`` (the publication app's "changed since published" is one).
PackNote = Callable[..., list[str]]
_pack_notes: list[PackNote] = []


def register_pack_note(func: PackNote) -> PackNote:
    if func not in _pack_notes:
        _pack_notes.append(func)
    return func


TREND_PERIODS = 12
MEASURE_TREND_PERIODS = 12  # the values each measure's trend chart and its table show


@dataclass
class PackRow:
    action: Action
    references: str
    leads: str
    status: object
    note: str
    overdue: bool


@dataclass
class ThemeSection:
    theme: object
    summary: StatusSummary
    rows: list = field(default_factory=list)


def pack_context(meeting, *, status_label=None, version_label=None) -> dict:
    """Everything the pack shows, in a fixed number of queries whatever the plan's size, in the
    active language (the plan's own words, such as its RAG scheme's labels, stay as typed)."""
    status_label = _("Draft") if status_label is None else status_label
    version_label = _("Draft") if version_label is None else version_label
    plan = meeting.plan
    round_ = meeting.round
    view = meeting.period_view()
    period = view.period
    previous = add_months(period, -1)
    statuses = view.statuses
    reported = view.entries(Action.objects.filter(plan=plan).select_related("theme"))
    references, leads = _references_and_leads(plan)
    missing_messages = []
    if round_ is None:
        missing_messages.append(_("This meeting has no update round: statuses are as last reported."))
    if not any(row.has_update for row in reported):
        missing_messages.append(_("No updates were recorded for %(period)s.") % {"period": period_label(period)})

    themes: dict[int, ThemeSection] = {}
    for row in reported:
        action = row.action
        pack_row = PackRow(
            action=action,
            references=", ".join(references.get(action.pk, ())),
            leads="; ".join(leads.get(action.pk, ())),
            status=row.status,
            note=row.update.note if row.update else "",
            overdue=row.overdue,
        )
        themes.setdefault(action.theme_id, ThemeSection(action.theme, None)).rows.append(pack_row)
    overdue = [row.action for row in reported if row.overdue]
    missing = [row.action for row in reported if row.is_missing_update]

    summary = view.summary
    include_none = any(count.status is None for count in summary.counts)
    theme_summaries = view.theme_summaries(include_none=include_none)
    all_themes = list(plan.themes.select_related("lead").order_by("position", "pk"))
    sections = []
    for theme in all_themes:
        section = themes.get(theme.pk) or ThemeSection(theme, None)
        section.theme = theme
        section.summary = theme_summaries.get(theme.pk) or StatusSummary.build(statuses, {},
                                                                               include_none=include_none)
        sections.append(section)
        if not section.rows:
            missing_messages.append(_("Theme “%(theme)s” has no actions.") % {"theme": theme})

    periods = [add_months(period, -n) for n in range(TREND_PERIODS - 1, -1, -1)]
    trend = status_summaries_by_period(plan, periods, view=view)

    measures = scorecard(view.measure_readings())
    attention = meeting.attention_list(view, with_updates=True, entries=reported) if round_ else []
    attention_ids = [entry.action.pk for entry in attention]
    open_notes = _notes(ReviewNote.objects.filter(action_id__in=attention_ids)
                        .exclude(status=ReviewNote.Status.RESOLVED))
    for entry in attention:
        update = entry.reported.update
        entry.note = update.note if update else ""
        entry.open_notes = [note for note in open_notes if note.action_id == entry.action.pk]

    earlier = meeting.previous()
    since = earlier.date if earlier else None
    notes_since = ReviewNote.objects.filter(meeting__board=meeting.board, meeting__plan=plan,
                                            meeting__date__lte=meeting.date)
    decisions = Decision.objects.filter(meeting__board=meeting.board, meeting__plan=plan,
                                        meeting__date__lte=meeting.date)
    if since:
        notes_since = notes_since.filter(meeting__date__gt=since)
        decisions = decisions.filter(meeting__date__gt=since)
    follow_ups = (FollowUp.objects.filter(meeting__board=meeting.board, meeting__plan=plan, done=False,
                                          meeting__date__lte=meeting.date)
                  .select_related("owner", "meeting").order_by("due_date"))

    return {
        "meeting": meeting,
        "plan": plan,
        "board": meeting.board,
        "round": round_,
        "period": period,
        "period_label": period_label(period),
        "previous_label": period_label(previous),
        "status_label": status_label,
        "version_label": version_label,
        "generated_at": timezone.localtime(),
        "statuses": statuses,
        "summary": summary,
        "sections": sections,
        "movement": view.movement,
        "overdue": overdue,
        "missing": missing,
        "trend": [(p, period_label(p), trend[p]) for p in periods],
        "chart": stacked_bars(periods, trend),
        "attention": attention,
        "attention_rows": attention,
        "measures": measures,
        "attention_measures": meeting.attention_measures(readings=measures),
        "plan_pieces": [Piece(section, section.rows, first=not n) for n, section in enumerate(sections)],
        "contents": contents(sections, scorecard=bool(measures)),
        "notes_since": _notes(notes_since),
        "since": since,
        "decisions": list(decisions.select_related("action", "meeting").order_by("meeting__date", "pk")),
        "follow_ups": list(follow_ups),
        "missing_messages": missing_messages,
        "key_notes": [note for func in _pack_notes for note in func(meeting)],
    }


def _references_and_leads(plan) -> tuple[dict, dict]:
    """{action id: its recommendations as written ("OIS 2012 1.2")} and {action id: its lead
    posts' titles}, in the order the action's page lists them, read as text in two queries (a
    prefetch made a manager and a model per link, which at 300 actions was a tenth of the pack)."""
    references: dict[int, list[str]] = {}
    answered = (Action.recommendations.through.objects.filter(action__plan=plan)
                .order_by("recommendation__source__key", "recommendation__reference_sort")
                .values_list("action_id", "recommendation__source__key", "recommendation__reference"))
    for action_id, key, reference in answered:
        references.setdefault(action_id, []).append(f"{key} {reference}")
    leads: dict[int, list[str]] = {}
    led = (Action.lead_posts.through.objects.filter(action__plan=plan)
           .order_by("post__title").values_list("action_id", "post__title"))
    for action_id, title in led:
        leads.setdefault(action_id, []).append(title)
    return references, leads


class Scorecard(list):
    """The measures' readings for the pack's "Performance scorecard", with the table's optional
    columns: ``references`` when any measure has one, ``comparators`` (their labels) for the
    comparators any measure has a value for. A column no row fills is left out, not printed as a
    column of dashes."""

    references = False
    comparators = ()


def scorecard(readings) -> Scorecard:
    """The measures' readings for the pack's "Performance scorecard": each with its comparators in
    the scorecard's columns (``comparator_list``: (name, value written, or "")) and, when it has
    values, a small chart of its last values against their targets (``chart``) and those figures
    (``figures``: period, value, target) for the table under it."""
    readings = Scorecard(readings)
    readings.references = any(reading.measure.reference for reading in readings)
    shown = [(code, label) for code, label in Comparator.choices
             if any(code in reading.comparators for reading in readings)]
    readings.comparators = [label for _code, label in shown]
    labels: dict = {}  # (period, format) -> written in the active language; the measures share their months

    def month(period, format_):
        if (period, format_) not in labels:
            labels[period, format_] = date_format(period, format_)
        return labels[period, format_]

    for reading in readings:
        measure = reading.measure
        reading.comparator_list = [(label, measure.format(reading.comparators[code].value)
                                    if code in reading.comparators else "") for code, label in shown]
        reading.chart_id = f"measure-chart-{measure.pk}"
        recent = reading.series[-MEASURE_TREND_PERIODS:]
        targets = [measure.target_for(value.period) for value in recent]
        reading.figures = [(month(value.period, "M Y"), measure.format(value.value),
                            measure.format(target) if target is not None else _("No target set"))
                           for value, target in zip(recent, targets, strict=True)]
        reading.chart = line_chart([month(value.period, "M y") for value in recent],
                                   [value.value for value in recent], targets, width=460, height=150,
                                   format_value=measure.format) if recent else None
    return readings


def _notes(queryset):
    return list(queryset.select_related("action", "author", "meeting")
                .prefetch_related(Prefetch("responses", queryset=ReviewResponse.objects.select_related("author")))
                .order_by("action__number_sort", "created_at"))


def render_pack_html(meeting, *, for_pdf, request=None, **labels) -> str:
    return pack_html(pack_context(meeting, **labels), for_pdf=for_pdf, request=request)


def pack_html(context, *, for_pdf, request=None) -> str:
    """The whole pack as one HTML document: the web page, or a small pack's PDF."""
    return render_to_string("reports/board_pack.html", {**context, "for_pdf": for_pdf}, request=request)


def pack_title(meeting) -> str:
    return _("Board pack: %(board)s – %(date)s") % {"board": meeting.board, "date": date_format(meeting.date, "j F Y")}


def render_pack_pdf(meeting, **labels) -> tuple[bytes, int]:
    """The PDF board pack: (pdf, pages). A pack of up to ``ONE_DOCUMENT_ACTIONS`` actions is one
    WeasyPrint document; a longer one is rendered in parts and joined (``reports.pdfparts``),
    which bounds the memory a render needs, and its parts that have not changed since an earlier
    render are taken from the stored parts instead of rendered again."""
    context = pack_context(meeting, **labels)
    if sum(len(section.rows) for section in context["sections"]) <= pdfparts.ONE_DOCUMENT_ACTIONS:
        return html_to_pdf(pack_html(context, for_pdf=True), title=pack_title(meeting))
    return pdfparts.render_in_parts(context, title=pack_title(meeting), store=StoredPackPart.objects)


def pack_filename(meeting, suffix="draft") -> str:
    return f"board-pack-{meeting.date:%Y-%m-%d}-{suffix}.pdf"

