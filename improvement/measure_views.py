"""The pages that show measures of impact and record their values: the plan's scorecard, a
measure's page (its definition, trajectory, chart and value history), and the form with which
its owner or a plan manager records a value for a period. Every figure is read through the
period view (``PeriodView.measure_readings``), as packs and exports read it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from . import access
from . import measures as rules
from .forms import MeasureValueForm
from .lib.charts import line_chart, trend_line_svg
from .models import Comparator, ComparatorValue, Measure, MeasureValue, add_months
from .reporting import PeriodView

CHART_PERIODS = 24  # the measure page's chart and table show at most the last two years
TREND_PERIODS = 12  # the scorecard's trend lines


def with_trend_lines(readings):
    """Give each reading a small trend line of its last values (for the scorecard's rows): its
    geometry, its SVG when there are two values or more, and its figures in words."""
    for reading in readings:
        recent = reading.series[-TREND_PERIODS:]
        reading.trend = line_chart([v.period_label for v in recent], [v.value for v in recent],
                                   width=120, height=32, axes=False)
        reading.trend_svg = trend_line_svg(reading.trend) if len(reading.trend["points"]) > 1 else ""
        reading.trend_text = "; ".join(f"{v.period_label}: {reading.measure.format(v.value)}" for v in recent)
    return readings


def scorecard_readings(plan, measures=None, view=None):
    """The readings the scorecard rows show (templates/improvement/measures/scorecard_rows.html)."""
    view = view or PeriodView.of_plan(plan)
    return with_trend_lines(view.measure_readings(measures))


def rag_counts(readings) -> list[tuple[rules.Rag, int]]:
    """How many measures read On target, Within tolerance and so on (those with any), worst first."""
    order = [rules.OFF_TARGET, rules.WITHIN_TOLERANCE, rules.ON_TARGET, rules.NO_VALUE, rules.NO_TARGET]
    counts = {rag.code: 0 for rag in order}
    for reading in readings:
        counts[reading.rag.code] += 1
    return [(rag, counts[rag.code]) for rag in order if counts[rag.code]]


def missing_values_for_owner(user) -> list:
    """The readings of the measures a user owns that have no value yet for their plan's current
    period (for "My actions")."""
    owned = Measure.objects.for_owner(user)
    plans = {measure.plan_id: measure.plan for measure in owned.select_related("plan").order_by("plan__name")}
    missing = []
    for plan in plans.values():
        for reading in PeriodView.of_plan(plan).missing_measure_values(owned.filter(plan=plan)):
            reading.measure.plan = plan
            missing.append(reading)
    return missing


@require_GET
def measure_list(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    themes = list(plan.themes.order_by("position"))
    chosen = next((theme for theme in themes if str(theme.pk) == request.GET.get("theme", "")), None)
    measures = Measure.objects.filter(plan=plan)
    if chosen:
        measures = measures.filter(themes=chosen)
    context = {
        "plan": plan,
        "themes": themes,
        "chosen_theme": chosen,
        "caption": (gettext("Measures linked to %(theme)s") % {"theme": chosen} if chosen
                    else gettext("Measures of the plan")),
        "readings": scorecard_readings(plan, measures),
        "can_manage": access.can_manage_plan(request.user, plan),
    }
    return render(request, "improvement/measures/measure_list.html", context)


@require_GET
def measure_detail(request, measure_id):
    measure = access.get_measure_or_404(request.user, measure_id)
    plan = measure.plan
    targets = list(measure.targets.all())
    Measure.attach_trajectories([measure], targets)  # read once, for the page and its judgements
    reading = PeriodView.of_plan(plan).measure_readings([measure])[0]
    history = list(measure.values.select_related("recorded_by").order_by("-period", "-pk"))
    # Within a period the latest value counts; earlier ones are kept but marked superseded.
    seen = set()
    for value in history:
        value.superseded = value.period in seen
        value.text = measure.format(value.value)
        seen.add(value.period)
    comparators = {}
    for comparator in ComparatorValue.objects.filter(measure=measure, period__lte=plan.current_period):
        comparators.setdefault(comparator.period, {})[comparator.comparator] = comparator
    context = {
        "plan": plan,
        "measure": measure,
        "reading": reading,
        "targets": targets,
        "history": history,
        "comparator_names": Comparator.choices,
        "themes": list(measure.themes.order_by("position")),
        "actions": list(measure.actions.order_by("number_sort")),
        "recommendations": list(measure.recommendations.select_related("source").order_by("source__key",
                                                                                           "reference")),
        "baseline_text": measure.format(measure.baseline_value),
        "tolerance_text": tolerance_text(measure),
        "chart_title": gettext("%(measure)s: values and target by month") % {"measure": measure.name},
        "can_record": access.can_record_measure_value(request.user, measure),
        "can_manage": access.can_manage_plan(request.user, plan),
        **chart_context(measure, reading, comparators),
    }
    return render(request, "improvement/measures/measure_detail.html", context)


def chart_context(measure, reading, comparators):
    """The chart of a measure's counted values and its target, month by month from its first
    value (or baseline) to the view's period, and the same figures as rows of a table."""
    series = {value.period: value for value in reading.series}
    starts = [p for p in (min(series, default=None), measure.baseline_date and measure.baseline_date.replace(day=1))
              if p]
    if not starts:
        return {"chart": None, "figures": []}
    first = max(min(starts), add_months(reading.period, -(CHART_PERIODS - 1)))
    periods = []
    period = first
    while period <= reading.period:
        periods.append(period)
        period = add_months(period, 1)
    targets = [measure.target_for(p) for p in periods]
    chart = line_chart([f"{p:%b %y}" for p in periods], [series[p].value if p in series else None for p in periods],
                       targets, format_value=measure.format)
    figures = []
    for p, target in zip(periods, targets, strict=True):
        if p not in series:
            continue
        shown = [comparators.get(p, {}).get(code) for code, _ in Comparator.choices]
        figures.append({
            "value": series[p], "value_text": measure.format(series[p].value),
            "target_text": measure.format(target) if target is not None else gettext("No target set"),
            "rag": measure.rag_for(series[p].value, p),
            "comparators": [{"text": measure.format(c.value), "area": c.area} if c else None for c in shown]})
    return {"chart": chart, "figures": figures}


def tolerance_text(measure) -> str:
    if not measure.tolerance:
        return gettext("None: any value short of the target is Off target")
    amount = measure.format(measure.tolerance).rstrip("%")
    if measure.unit == Measure.Unit.PERCENTAGE:
        amount = gettext("%(amount)s percentage points") % {"amount": amount}
    return gettext("%(amount)s: a value short of the target by no more than this is Within tolerance (Amber)") % {
        "amount": amount}


@require_http_methods(["GET", "POST"])
def measure_record_value(request, measure_id):
    measure = access.get_measure_or_404(request.user, measure_id)
    access.require_can_record_measure_value(request.user, measure)
    plan = measure.plan
    form = MeasureValueForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        earlier = MeasureValue.objects.reporting().filter(measure=measure, period=period).first()
        try:
            value = measure.record_value(period=period, value=form.cleaned_data["value"], by=request.user,
                                         commentary=form.cleaned_data["commentary"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            text = gettext("%(value)s recorded for %(period)s.") % {"value": measure.format(value.value),
                                                                     "period": value.period_label}
            if earlier:
                text += " " + gettext("It supersedes the value recorded earlier for %(period)s (%(value)s), which "
                                      "stays in the history.") % {"period": value.period_label,
                                                                  "value": measure.format(earlier.value)}
            messages.success(request, text)
            return redirect(measure)
    recorded = dict(MeasureValue.objects.reporting().filter(measure=measure).values_list("period", "value"))
    context = {
        "plan": plan,
        "measure": measure,
        "form": form,
        "current_value": recorded.get(plan.current_period),
        "recorded": [(period, measure.format(value)) for period, value in sorted(recorded.items(), reverse=True)[:6]],
    }
    return render(request, "improvement/measures/record_value.html", context, status=400 if form.errors else 200)
