"""Pages for plan managers to define a plan's measures of impact: add or change a measure (its
definition, baseline, tolerance, links and dated targets, saved together or not at all), delete
one that has no values yet, and type its comparator values for a period.

Only the plan's managers: the plan or measure is found through ``access`` (404 if the user may
not read it, 403 if they may read but not manage it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from . import access
from .measure_forms import ComparatorForm, MeasureForm, target_formset
from .models import Comparator, ComparatorValue, MeasureTarget
from .versioning import StaleEdit


class _Refused(Exception):
    """Raised inside the saving transaction to roll it back when a target is refused."""


def _managed_measure_or_404(user, measure_id):
    measure = access.get_measure_or_404(user, measure_id)
    access.require_can_manage_plan(user, measure.plan)
    return measure


def _scorecard_url(plan):
    return reverse("improvement:measure_list", args=[plan.pk])


def _save_targets(measure, rows, formset, by) -> bool:
    """Replace the measure's targets by ``rows``, each checked by MeasureTarget.clean(); False
    (with the errors on the formset's rows) if any is refused."""
    measure.targets.all().delete()
    forms_by_row = [form for form in formset.forms if not form.is_blank]
    forms_by_row.sort(key=lambda form: form.cleaned_data["date"])
    ok = True
    for (day, value, note), form in zip(rows, forms_by_row, strict=True):
        target = MeasureTarget(measure=measure, date=day, value=value, note=note)
        try:
            target.full_clean()
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            ok = False
            continue
        target._history_user = by
        target.save()
    return ok


def _measure_form_page(request, plan, measure=None):
    form = MeasureForm(request.POST or None, instance=measure, plan=plan)
    unit = measure.unit if measure else None
    if request.method == "POST":
        unit = (measure.unit if measure and form.fields["unit"].disabled else request.POST.get("unit")) or unit
    formset = target_formset(request.POST or None, measure=measure, unit=unit)
    stale = None
    if request.method == "POST" and "add_rows" not in request.POST:
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            read_version = form.instance.version
            try:
                with transaction.atomic():
                    saved = form.save_versioned(by=request.user)
                    if not _save_targets(saved, formset.filled(), formset, request.user):
                        raise _Refused
            except StaleEdit as error:
                stale = error
                form.add_error(None, str(error))
                data = request.POST.copy()
                data["read_version"] = error.current.version
                form.data = data
            except _Refused:
                if measure is None:  # nothing was saved: the page is still "Add a measure"
                    form.instance.pk = None
                form.instance.version = read_version
            else:
                messages.success(request, (gettext("Measure %(measure)s saved.") if measure
                                           else gettext("Measure %(measure)s added.")) % {"measure": saved})
                return redirect(saved)
    elif request.method == "POST":  # "Add more rows": what was typed is shown again, unchecked, with blank rows
        data = request.POST.copy()
        data["targets-TOTAL_FORMS"] = str(min(int(data.get("targets-TOTAL_FORMS") or 0), 47) + 3)
        form = MeasureForm(data, instance=measure, plan=plan)
        formset = target_formset(data, measure=measure, unit=unit)
        for shown in (form, *formset.forms):
            shown._errors = ErrorDict()
        formset._non_form_errors = formset.error_class()
    errors = bool(form.errors) or bool(formset.non_form_errors()) or any(f.errors for f in formset.forms)
    back_url = measure.get_absolute_url() if measure else _scorecard_url(plan)
    context = {"plan": plan, "measure": measure, "form": form, "formset": formset, "stale": stale,
               "has_errors": errors,
               "title": gettext("Change measure %(measure)s") % {"measure": measure} if measure
               else gettext("Add a measure"),
               "back_url": back_url,
               "back_label": gettext("Back to the measure") if measure else gettext("Back to the scorecard")}
    status = 409 if stale else (400 if errors else 200)
    return render(request, "improvement/measures/measure_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def measure_create(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    return _measure_form_page(request, plan)


@require_http_methods(["GET", "POST"])
def measure_edit(request, measure_id):
    measure = _managed_measure_or_404(request.user, measure_id)
    return _measure_form_page(request, measure.plan, measure)


@require_http_methods(["GET", "POST"])
def measure_delete(request, measure_id):
    measure = _managed_measure_or_404(request.user, measure_id)
    plan = measure.plan
    count = measure.values.count()
    blockers = [ngettext("It has %(count)s recorded value. Values are kept as the plan’s record, so a measure with "
                         "values cannot be deleted.",
                         "It has %(count)s recorded values. Values are kept as the plan’s record, so a measure with "
                         "values cannot be deleted.", count) % {"count": count}] if count else []
    if request.method == "POST" and not blockers:
        name = str(measure)
        measure._history_user = request.user
        measure.delete()
        messages.success(request, gettext("Measure %(measure)s deleted.") % {"measure": name})
        return redirect(_scorecard_url(plan))
    context = {"plan": plan, "what": gettext("measure %(measure)s") % {"measure": measure},
               "back_url": measure.get_absolute_url(),
               "blockers": blockers, "consequence": gettext("Its targets and comparator values will be deleted too.")}
    return render(request, "improvement/manage/confirm_delete.html", context,
                  status=409 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def measure_comparators(request, measure_id):
    measure = _managed_measure_or_404(request.user, measure_id)
    plan = measure.plan
    initial = {}
    period = request.GET.get("period", "")
    held = {}
    if period:
        held = {c.comparator: c for c in measure.comparator_values.filter(period=period[:10])} if len(period) == 10 \
            and period[4] == "-" else {}
        initial = {"period": period, "source": next((c.source for c in held.values()), ""),
                   "region_area": held[Comparator.REGION].area if Comparator.REGION in held else ""}
        for code, name in ComparatorForm.VALUE_FIELDS.items():
            if code in held:
                initial[name] = measure.format(held[code].value)
    form = ComparatorForm(request.POST or None, measure=measure, initial=initial)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        saved = []
        with transaction.atomic():
            for code, name in ComparatorForm.VALUE_FIELDS.items():
                value = form.cleaned_data[name]
                if value is None:
                    continue
                item = (ComparatorValue.objects.filter(measure=measure, period=period, comparator=code).first()
                        or ComparatorValue(measure=measure, period=period, comparator=code))
                item.value = value
                item.area = form.cleaned_data["region_area"].strip() if code == Comparator.REGION else item.area
                if form.cleaned_data["source"].strip():
                    item.source = form.cleaned_data["source"].strip()
                item.full_clean()
                item._history_user = request.user
                item.save()
                saved.append(Comparator(code).label)
        messages.success(request, ngettext("%(comparators)s value saved for %(period)s.",
                                           "%(comparators)s values saved for %(period)s.", len(saved)) % {
            "comparators": ", ".join(str(label) for label in saved), "period": date_format(period, "F Y")})
        return redirect(measure)
    existing = [(item, measure.format(item.value))
                for item in measure.comparator_values.order_by("-period", "comparator")[:30]]
    context = {"plan": plan, "measure": measure, "form": form, "existing": existing}
    return render(request, "improvement/measures/comparators.html", context, status=400 if form.errors else 200)
