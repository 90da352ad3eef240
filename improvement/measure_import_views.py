"""Import measure values in bulk: upload a scorecard or a benchmark file, (for benchmarks) choose
the indicator column, check the preview, confirm (then everything is written in one transaction,
re-checked against the plan as it is then)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access
from .importing import scorecard
from .importing.readers import MAX_BYTES, ReadError, read_upload, sheets_to_json
from .lib.filetypes import TEXT, XLSX, check_upload
from .models import Measure, MeasureImport


class MeasureImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=MeasureImport.Kind.choices,
                             widget=forms.RadioSelect, initial=MeasureImport.Kind.SCORECARD,
                             error_messages={"required": gettext_lazy("Choose what the file holds")})
    file = forms.FileField(label=gettext_lazy("File"),
                           help_text=format_lazy(gettext_lazy("XLSX or CSV, up to {megabytes} MB. A scorecard has a "
                                                              "row per measure and a column per month, or columns "
                                                              "measure, period and value."),
                                                 megabytes=MAX_BYTES // 1024 // 1024),
                           error_messages={"required": gettext_lazy("Choose the file to import")})
    measure = forms.ModelChoiceField(label=gettext_lazy("Measure (benchmarks only)"), queryset=Measure.objects.none(),
                                     required=False,
                                     help_text=gettext_lazy("The measure the published figures are for."))
    la_code = forms.CharField(label=gettext_lazy("The council's LA code (benchmarks only)"), max_length=20,
                              required=False,
                              help_text=gettext_lazy("As in the file's new_la_code column, e.g. E08000030."))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(plan=plan).order_by("position", "name", "pk")

    def clean(self):
        data = super().clean()
        if data.get("kind") == MeasureImport.Kind.BENCHMARK:
            if not data.get("measure"):
                self.add_error("measure", _("Choose the measure the benchmarks are for"))
            if not (data.get("la_code") or "").strip():
                self.add_error("la_code", _("Enter the council's LA code, as in the file's new_la_code column"))
        return data


def _read(form, upload):
    """The sheets of the upload, or None with the reason on the form."""
    if upload.size > MAX_BYTES:
        form.add_error("file", _("The file must be smaller than %(megabytes)s MB")
                       % {"megabytes": MAX_BYTES // 1024 // 1024})
        return None
    try:
        kind = check_upload(upload, upload.name)
    except ValueError as error:
        form.add_error("file", _("%(problem)s. Upload the scorecard as XLSX or CSV") % {"problem": error})
        return None
    if kind not in (XLSX, TEXT) or not upload.name.lower().endswith((".xlsx", ".csv")):
        form.add_error("file", _("The file must be an Excel workbook (.xlsx) or a CSV file"))
        return None
    try:
        return read_upload(upload.name, upload.read())
    except ReadError as error:
        form.add_error("file", str(error))
        return None


@require_http_methods(["GET", "POST"])
def measure_import(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    access.require_can_manage_plan(request.user, plan)
    form = MeasureImportForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        sheets = _read(form, form.cleaned_data["file"])
        if sheets is not None:
            benchmark = form.cleaned_data["kind"] == MeasureImport.Kind.BENCHMARK
            if benchmark and not scorecard.benchmark_columns(sheets[0]):
                form.add_error("file", _("The file is not in the layout of Explore Education Statistics open data: "
                                         "it needs columns time_period, time_identifier and geographic_level"))
            else:
                record = MeasureImport.objects.create(
                    plan=plan, uploaded_by=request.user, filename=form.cleaned_data["file"].name[:200],
                    kind=form.cleaned_data["kind"], sheets=sheets_to_json(sheets),
                    measure=form.cleaned_data["measure"] if benchmark else None,
                    la_code=form.cleaned_data["la_code"].strip() if benchmark else "")
                return redirect(record)
    return render(request, "improvement/measures/import_start.html", {"plan": plan, "form": form},
                  status=400 if form.errors else 200)


@require_GET
def measure_import_detail(request, import_id):
    record = access.get_measure_import_or_404(request.user, import_id)
    context = {"record": record, "plan": record.plan}
    if record.applied_at:
        return render(request, "improvement/measures/import_done.html", context)
    if record.kind == MeasureImport.Kind.BENCHMARK and not record.indicator:
        context["columns"] = scorecard.benchmark_columns(record.read_sheets()[0])
        return render(request, "improvement/measures/import_indicator.html", context)
    context["preview"] = scorecard.preview_import(record)
    return render(request, "improvement/measures/import_detail.html", context)


@require_POST
def measure_import_indicator(request, import_id):
    record = access.get_measure_import_or_404(request.user, import_id)
    if record.kind == MeasureImport.Kind.BENCHMARK and not record.applied_at:
        columns = scorecard.benchmark_columns(record.read_sheets()[0])
        if request.POST.get("indicator") in columns:
            record.indicator = request.POST["indicator"]
            record.save(update_fields=["indicator"])
        else:
            messages.error(request, _("Choose the column that holds the measure's figures."))
    return redirect(record)


@require_POST
def measure_import_confirm(request, import_id):
    record = access.get_measure_import_or_404(request.user, import_id)
    if record.applied_at or (record.kind == MeasureImport.Kind.BENCHMARK and not record.indicator):
        return redirect(record)
    try:
        with transaction.atomic():
            # Read again against the plan as it is now: values recorded since the preview count.
            preview = scorecard.preview_import(record)
            if preview.problems:
                raise ValidationError(_("Nothing was imported: fix the problems listed and upload the file again."))
            counts = scorecard.apply(preview, by=request.user)
            record.applied_at = timezone.now()
            record.result = counts
            record.save(update_fields=["applied_at", "result"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(record)
    messages.success(request, _("Imported: %(new)s new values, %(superseding)s superseding values, %(comparators)s "
                                "comparator figures; %(unchanged)s unchanged.") % counts)
    return redirect(record)
