"""RAG summaries (CSV and XLSX_TYPE) and scrutiny summaries (PDF, CSV and XLSX_TYPE).

Every text cell goes through improvement.lib.spreadsheets, which neutralises formula injection.
"""


from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from boards import access as board_access
from boards.models import Assessment, UpdateRound
from improvement import access
from improvement.clock import today
from improvement.filters import ActionFilter
from improvement.lib.spreadsheets import XLSX_TYPE, csv_lines, xlsx_bytes
from improvement.models import Action, Comparator, Measure, parse_period, period_label
from improvement.reporting import PeriodView

from .pdf import html_to_pdf

RAG_HEADER = ["Theme", "Number", "References", "Action", "Leads", "Lead agency", "Due date",
              "Status this period", "Status last period", "Movement", "Review note", "Overdue",
              "Scrutiny conclusion"]


MEASURES_HEADER = ["Reference", "Measure", "Unit", "Period of latest value", "Value", "Target", "RAG",
                   "Direction of travel", "England", "Region", "Statistical neighbours"]


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
        raise ExportError(f"The filters could not be read ({problems}).")
    round_, view = _period_view(plan, period, as_of)
    reported = view.entries(filters.qs)
    conclusions = {}
    for action_id, conclusion in (Assessment.objects.filter(actions__in=filters.qs.values("pk"))
                                  .order_by("review__date", "pk").values_list("actions__id", "conclusion")):
        conclusions[action_id] = Assessment.Conclusion(conclusion).label

    rows, counts = [], {}
    for row in reported:
        action, status, earlier = row.action, row.status, row.previous_status
        rows.append([
            str(action.theme), action.number, "; ".join(str(r) for r in action.recommendations.all()),
            action.description, "; ".join(p.title for p in action.lead_posts.all()), action.lead_agency,
            row.due_date, status.label if status else "No update", earlier.label if earlier else "No update",
            (row.movement or "").capitalize(), row.update.note if row.update else "",
            "Yes" if row.overdue else "No", conclusions.get(action.pk, ""),
        ])
        key = (str(action.theme), status.label if status else "No update")
        counts[key] = counts.get(key, 0) + 1
    labels = [s.label for s in plan.rag_scheme.statuses.order_by("position")] + ["No update"]
    themes = list(dict.fromkeys(str(row.action.theme) for row in reported))
    summary = [["Theme", *labels, "Total"]]
    for theme in themes:
        row = [counts.get((theme, label), 0) for label in labels]
        summary.append([theme, *row, sum(row)])
    totals = [sum(counts.get((t, label), 0) for t in themes) for label in labels]
    summary.append(["Whole plan", *totals, sum(totals)])
    filters_text = "; ".join(f"{k}={v}" for k, v in (query or {}).items() if v and k not in {"format", "period"})
    about = [["Plan", plan.name], ["Organisation", str(plan.organisation)], ["Period", period_label(period)],
             ["Filters", filters_text or "none (all actions)"], ["Round", "closed: updates fixed" if round_ and
              not round_.is_open else "open" if round_ else "none"],
             ["Produced", timezone.localtime().strftime("%d %B %Y %H:%M")], ["Actions", len(rows)]]
    return about, RAG_HEADER, rows, summary


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
            measure.reference, measure.name, measure.get_unit_display(), value.period_label if value else "",
            value.value if value else None, reading.target, reading.rag.label, reading.direction.words,
            *[comparator.value if comparator else None for comparator in comparators],
        ])
    return rows


def rag_summary_file(plan, fmt, **kwargs) -> tuple[bytes | object, str]:
    about, header, rows, summary = rag_summary(plan, **kwargs)
    if fmt == "csv":
        def lines():
            yield from csv_lines(["RAG summary", ""], about)
            yield "\r\n"
            yield from (line.lstrip("\ufeff") for line in csv_lines(header, rows))
        return lines(), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        measures = measure_rows(plan, period=kwargs.get("period"), as_of=kwargs.get("as_of"))
        return xlsx_bytes([("Actions", header, rows), ("Summary", summary[0], summary[1:]),
                           ("Measures", MEASURES_HEADER, measures), ("About", ["Item", "Value"], about)]), XLSX_TYPE
    raise ExportError("The format must be csv or xlsx.")


@require_GET
def rag_summary_download(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    fmt = request.GET.get("format", "csv")
    try:
        period = parse_period(request.GET["period"]) if request.GET.get("period") else None
        body, content_type = rag_summary_file(plan, fmt, period=period, query=request.GET)
    except (ValueError, ExportError) as error:
        return HttpResponse(f"Could not export: {error}", status=400, content_type="text/plain; charset=utf-8")
    name = f"{slugify(plan.name)}-rag-summary-{(period or plan.current_period):%Y-%m}.{fmt}"
    response = (StreamingHttpResponse(body, content_type=content_type) if fmt == "csv"
                else HttpResponse(body, content_type=content_type))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


SCRUTINY_HEADER = ["Group", "Number", "Requirement", "Recommendation", "Conclusion", "Comment",
                   "Evidence considered", "Actions", "Lead's own status", "Disagrees", "Measures"]


def scrutiny_rows(review):
    rows = []
    assessments = list(review.assessments.select_related("recommendation__source")
                       .prefetch_related("actions__impact_measures", "recommendation__measures")
                       .order_by("number_sort"))
    lead_statuses = review.lead_statuses()
    readings = review_measure_readings(review, assessments)
    for assessment in assessments:
        actions = list(assessment.actions.all())
        statuses = [lead_statuses.get(a.pk) for a in actions]
        rows.append([
            assessment.group, assessment.number, assessment.requirement,
            str(assessment.recommendation) if assessment.recommendation else "",
            assessment.get_conclusion_display(), assessment.comment, assessment.evidence,
            "; ".join(a.number for a in actions),
            "; ".join(f"{a.number}: {s.label if s else 'No update'}" for a, s in zip(actions, statuses, strict=True)),
            "Yes" if any(assessment.disagrees_with(s) for s in statuses) else "No",
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
    value = f"{reading.value_text} ({reading.value.period_label})" if reading.value else reading.value_text
    return f"{name}: {value}, target {reading.target_text}, {reading.rag.label}"


@require_GET
def scrutiny_summary_download(request, review_id, fmt):
    review = board_access.get_review_or_404(request.user, review_id)
    rows = scrutiny_rows(review)
    name = f"scrutiny-summary-{slugify(review.title)[:60]}-{review.date:%Y-%m-%d}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(SCRUTINY_HEADER, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        counts = [[label, count] for _, label, count in review.summary()]
        response = HttpResponse(xlsx_bytes([("Conclusions", SCRUTINY_HEADER, rows),
                                            ("Summary", ["Conclusion", "Items"], counts)]), content_type=XLSX_TYPE)
    elif fmt == "pdf":
        pdf, _ = scrutiny_summary_pdf(review)
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
        "total": len(rows), "generated_at": timezone.localtime()})
    return html_to_pdf(html, title=f"Scrutiny summary: {review.title}")


