"""RAG summaries (CSV and XLSX_TYPE) and scrutiny summaries (PDF, CSV and XLSX_TYPE).

Every text cell goes through improvement.lib.spreadsheets, which neutralises formula injection.
Headings, our own words and dates are in the active language (the requester's); what the plan
holds (its RAG scheme's labels, the actions' words) stays as typed.
"""


from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from boards import access as board_access
from boards.models import Assessment, UpdateRound
from improvement import access
from improvement.clock import today
from improvement.filters import ActionFilter
from improvement.lib.spreadsheets import XLSX_TYPE, csv_lines, xlsx_bytes
from improvement.models import Action, Comparator, Measure, parse_period
from improvement.reporting import PeriodView

from .pdf import html_to_pdf

RAG_HEADER = [gettext_lazy("Theme"), gettext_lazy("Number"), gettext_lazy("References"), gettext_lazy("Action"),
              gettext_lazy("Leads"), gettext_lazy("Lead agency"), gettext_lazy("Due date"),
              gettext_lazy("Status this period"), gettext_lazy("Status last period"), gettext_lazy("Movement"),
              gettext_lazy("Review note"), gettext_lazy("Overdue"), gettext_lazy("Scrutiny conclusion")]


MEASURES_HEADER = [gettext_lazy("Reference"), gettext_lazy("Measure"), gettext_lazy("Unit"),
                   gettext_lazy("Period of latest value"), gettext_lazy("Value"), gettext_lazy("Target"), "RAG",
                   gettext_lazy("Direction of travel"), gettext_lazy("England"), gettext_lazy("Region"),
                   gettext_lazy("Statistical neighbours")]


def words(header) -> list[str]:
    """A header's words in the active language, as plain strings for the spreadsheet writers."""
    return [str(cell) for cell in header]


class ExportError(ValueError):
    pass


def rag_summary(plan, *, period=None, query=None, as_of=None):
    """(about rows, header, action rows, summary rows) for a plan and period, with the action
    table's filters given as ``query`` (a QueryDict or dict)."""
    as_of = as_of or today()
    period = period or plan.current_period
    queryset = Action.objects.filter(plan=plan).for_table(period, as_of)
    filters = ActionFilter(query or {}, queryset=queryset, plan=plan, as_of=as_of)
    if not filters.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filters.errors.items())
        raise ExportError(_("The filters could not be read (%(problems)s).") % {"problems": problems})
    round_, view = _period_view(plan, period, as_of)
    reported = view.entries(filters.qs)
    conclusions = {}
    for action_id, conclusion in (Assessment.objects.filter(actions__in=filters.qs.values("pk"))
                                  .order_by("review__date", "pk").values_list("actions__id", "conclusion")):
        conclusions[action_id] = str(Assessment.Conclusion(conclusion).label)

    no_update, yes, no = _("No update"), _("Yes"), _("No")
    rows, counts = [], {}
    for row in reported:
        action, status, earlier = row.action, row.status, row.previous_status
        rows.append([
            str(action.theme), action.number, "; ".join(str(r) for r in action.recommendations.all()),
            action.description, "; ".join(p.title for p in action.lead_posts.all()), action.lead_agency,
            row.due_date, status.label if status else no_update, earlier.label if earlier else no_update,
            str(row.movement or "").capitalize(), row.update.note if row.update else "",
            yes if row.overdue else no, conclusions.get(action.pk, ""),
        ])
        key = (str(action.theme), status.label if status else no_update)
        counts[key] = counts.get(key, 0) + 1
    labels = [s.label for s in plan.rag_scheme.statuses.order_by("position")] + [no_update]
    themes = list(dict.fromkeys(str(row.action.theme) for row in reported))
    summary = [[_("Theme"), *labels, _("Total")]]
    for theme in themes:
        row = [counts.get((theme, label), 0) for label in labels]
        summary.append([theme, *row, sum(row)])
    totals = [sum(counts.get((t, label), 0) for t in themes) for label in labels]
    summary.append([_("Whole plan"), *totals, sum(totals)])
    filters_text = "; ".join(f"{k}={v}" for k, v in (query or {}).items() if v and k not in {"format", "period"})
    round_text = _("none") if round_ is None else _("open") if round_.is_open else _("closed: updates fixed")
    about = [[_("Plan"), plan.name], [_("Organisation"), str(plan.organisation)],
             [_("Period"), date_format(period, "F Y")],
             [_("Filters"), filters_text or _("none (all actions)")], [_("Round"), round_text],
             [_("Produced"), date_format(timezone.localtime(), "d F Y H:i")], [_("Actions"), len(rows)]]
    return about, words(RAG_HEADER), rows, summary


def _period_view(plan, period, as_of):
    """The period's round (or None) and the period as it reports it, judged as of ``as_of``."""
    round_ = UpdateRound.objects.filter(plan=plan, period=period).first()
    return round_, round_.period_view(as_of) if round_ else PeriodView.of_plan(plan, period, as_of)


def measure_rows(plan, *, period=None, as_of=None) -> list[list]:
    """The "Measures" sheet: each measure of the plan as the period reads it, judged as of
    ``as_of`` (values as numbers in the measure's unit; the period of the value counted)."""
    _round, view = _period_view(plan, period or plan.current_period, as_of or today())
    rows = []
    for reading in view.measure_readings():
        measure, value = reading.measure, reading.value
        comparators = [reading.comparators.get(code) for code, _label in Comparator.choices]
        rows.append([
            measure.reference, measure.name, str(measure.get_unit_display()),
            date_format(value.period, "F Y") if value else "",
            value.value if value else None, reading.target, str(reading.rag.label), str(reading.direction.words),
            *[comparator.value if comparator else None for comparator in comparators],
        ])
    return rows


def rag_summary_file(plan, fmt, **kwargs) -> tuple[bytes | object, str]:
    about, header, rows, summary = rag_summary(plan, **kwargs)
    title = _("RAG summary")  # the CSV is written as it is sent, perhaps after the language is reset
    if fmt == "csv":
        def lines():
            yield from csv_lines([title, ""], about)
            yield "\r\n"
            yield from (line.lstrip("\ufeff") for line in csv_lines(header, rows))
        return lines(), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        measures = measure_rows(plan, period=kwargs.get("period"), as_of=kwargs.get("as_of"))
        return xlsx_bytes([(_("Actions"), header, rows), (_("Summary"), summary[0], summary[1:]),
                           (_("Measures"), words(MEASURES_HEADER), measures),
                           (_("About"), [_("Item"), _("Value")], about)]), XLSX_TYPE
    raise ExportError(_("The format must be csv or xlsx."))


@require_GET
def rag_summary_download(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    fmt = request.GET.get("format", "csv")
    try:
        period = parse_period(request.GET["period"]) if request.GET.get("period") else None
        body, content_type = rag_summary_file(plan, fmt, period=period, query=request.GET)
    except (ValueError, ExportError) as error:
        return HttpResponse(_("Could not export: %(error)s") % {"error": error}, status=400,
                            content_type="text/plain; charset=utf-8")
    name = f"{slugify(plan.name)}-rag-summary-{(period or plan.current_period):%Y-%m}.{fmt}"
    response = (StreamingHttpResponse(body, content_type=content_type) if fmt == "csv"
                else HttpResponse(body, content_type=content_type))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


SCRUTINY_HEADER = [gettext_lazy("Group"), gettext_lazy("Number"), gettext_lazy("Requirement"),
                   gettext_lazy("Recommendation"), gettext_lazy("Conclusion"), gettext_lazy("Comment"),
                   gettext_lazy("Evidence considered"), gettext_lazy("Actions"), gettext_lazy("Lead's own status"),
                   gettext_lazy("Disagrees"), gettext_lazy("Measures")]


def scrutiny_rows(review):
    rows = []
    assessments = list(review.assessments.select_related("recommendation__source")
                       .prefetch_related("actions__impact_measures", "recommendation__measures")
                       .order_by("number_sort"))
    lead_statuses = review.lead_statuses()
    readings = review_measure_readings(review, assessments)
    no_update, yes, no = _("No update"), _("Yes"), _("No")
    for assessment in assessments:
        actions = list(assessment.actions.all())
        statuses = [lead_statuses.get(a.pk) for a in actions]
        rows.append([
            assessment.group, assessment.number, assessment.requirement,
            str(assessment.recommendation) if assessment.recommendation else "",
            str(assessment.get_conclusion_display()), assessment.comment, assessment.evidence,
            "; ".join(a.number for a in actions),
            "; ".join(f"{a.number}: {s.label if s else no_update}" for a, s in zip(actions, statuses, strict=True)),
            yes if any(assessment.disagrees_with(s) for s in statuses) else no,
            "; ".join(measure_text(readings[pk]) for pk in linked_measures(assessment)),
        ])
    return rows


def linked_measures(assessment) -> list[int]:
    """The ids of the measures linked to a reviewed item: its recommendation's, then its actions'
    impact measures, each once."""
    measures = list(assessment.recommendation.measures.all()) if assessment.recommendation else []
    for action in assessment.actions.all():
        measures += action.impact_measures.all()
    return list(dict.fromkeys(measure.pk for measure in measures))


def review_measure_readings(review, assessments) -> dict:
    """{measure id: MeasureReading} for the measures linked to the review's items, as the review's
    period view reads them (values recorded after the review's date are not yet known)."""
    ids = {pk for assessment in assessments for pk in linked_measures(assessment)}
    if not ids:
        return {}
    return {reading.measure.pk: reading
            for reading in review.period_view().measure_readings(Measure.objects.filter(pk__in=ids))}


def measure_text(reading) -> str:
    measure = reading.measure
    name = f"{measure.reference} {measure.name}" if measure.reference else measure.name
    value = (f"{reading.value_text} ({date_format(reading.value.period, 'F Y')})" if reading.value
             else str(reading.value_text))
    return _("%(measure)s: %(value)s, target %(target)s, %(rag)s") % {
        "measure": name, "value": value, "target": reading.target_text, "rag": reading.rag.label}


@require_GET
def scrutiny_summary_download(request, review_id, fmt):
    review = board_access.get_review_or_404(request.user, review_id)
    rows = scrutiny_rows(review)
    name = f"scrutiny-summary-{slugify(review.title)[:60]}-{review.date:%Y-%m-%d}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(words(SCRUTINY_HEADER), rows),
                                         content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        counts = [[str(label), count] for _value, label, count in review.summary()]
        response = HttpResponse(xlsx_bytes([(_("Conclusions"), words(SCRUTINY_HEADER), rows),
                                            (_("Summary"), [_("Conclusion"), _("Items")], counts)]),
                                content_type=XLSX_TYPE)
    elif fmt == "pdf":
        pdf, _pages = scrutiny_summary_pdf(review)
        response = HttpResponse(pdf, content_type="application/pdf")
    else:
        raise Http404("Unknown format")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def scrutiny_summary_pdf(review) -> tuple[bytes, int]:
    rows = scrutiny_rows(review)
    groups: list = []
    for row in rows:
        if not groups or groups[-1][0] != row[0]:
            groups.append((row[0], []))
        groups[-1][1].append(row)
    html = render_to_string("reports/scrutiny_summary.html", {
        "review": review, "plan": review.plan, "groups": groups, "summary": review.summary(),
        "total": len(rows), "generated_at": timezone.localtime(), "yes": _("Yes")})
    return html_to_pdf(html, title=_("Scrutiny summary: %(title)s") % {"title": review.title})


