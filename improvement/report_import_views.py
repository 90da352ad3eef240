"""Import a source's recommendations from the inspection report itself: upload the report (PDF or
Word; the checks that need no page read are made at once, then the task worker reads its pages
while the page shows how it is going), check the preview, confirm (then the source and its
recommendations are written in one transaction, compared again with the plan as it is then).
Actions are then linked to the recommendations on each action's change page."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access
from .importing import report
from .importing.readers import MAX_BYTES, ReadError
from .models import ReportImport, Source
from .tasks import request_report_reading
from .views import job_page_template


class ReportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Inspection report"),
                           help_text=format_lazy(gettext_lazy("The report as a PDF or a Word document (.docx), up to "
                                                              "{megabytes} MB and {pages} pages."),
                                                 megabytes=MAX_BYTES // 1024 // 1024,
                                                 pages=settings.IMPORT_MAX_PDF_PAGES),
                           error_messages={"required": gettext_lazy("Choose the inspection report")})
    kind = forms.ChoiceField(label=gettext_lazy("Kind of report"), choices=Source.Kind.choices,
                             widget=forms.RadioSelect, initial=Source.Kind.OFSTED_INSPECTION,
                             error_messages={"required": gettext_lazy("Select the kind of report")})
    key = forms.CharField(label=gettext_lazy("Key (optional)"), max_length=40, required=False,
                          help_text=gettext_lazy("How the plan cites the report, for example Ofsted 2026. Leave it "
                                                 "empty for the kind's short name and the report's year. If the plan "
                                                 "already has a source with this key, its recommendations are updated "
                                                 "from the report."))
    title = forms.CharField(label=gettext_lazy("Title (optional)"), max_length=300, required=False,
                            help_text=gettext_lazy("Leave it empty to use the report's own title."))


def _checked_data(form, upload) -> bytes | None:
    """The upload's bytes, once the checks that need no page read pass; else None with the reason
    on the form. Its pages are read by the task worker (``tasks.read_report_import``)."""
    if upload.size > MAX_BYTES:
        form.add_error("file", _("The file must be smaller than %(megabytes)s MB")
                       % {"megabytes": MAX_BYTES // 1024 // 1024})
        return None
    data = upload.read()
    try:
        report.check_report(upload.name, data)
    except ReadError as error:
        form.add_error("file", str(error))
        return None
    return data


@require_http_methods(["GET", "POST"])
def report_import_start(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = _checked_data(form, upload)
        if data is not None:
            # The key and title, when left empty, are the report's own, found as it is read.
            record = ReportImport.objects.create(
                plan=plan, uploaded_by=request.user, filename=upload.name[:200], data=data,
                key=form.cleaned_data["key"].strip(), kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"].strip()[:300])
            request_report_reading(record, language=get_language())
            return redirect(record)
    return render(request, "improvement/report_import_start.html", {"plan": plan, "form": form},
                  status=400 if form.errors else 200)


def _preview(record):
    reading = report.find_recommendations(report.lines_from_json(record.lines))
    return reading, report.compare(reading, record.plan, record.key)


@require_GET
def report_import_detail(request, import_id):
    record = access.get_report_import_or_404(request.user, import_id)
    context = {"record": record, "plan": record.plan}
    if record.applied_at:
        return render(request, "improvement/report_import_done.html", context)
    # Being read, or could not be; and the status partial, which says when it has been read.
    if record.status != ReportImport.Status.READY or request.GET.get("part") == "status":
        return render(request, job_page_template(request, "improvement/report_import_reading.html"), context)
    try:
        context["reading"], context["comparison"] = _preview(record)
    except ReadError as error:
        messages.error(request, str(error))
        return redirect("improvement:report_import_start", record.plan_id)
    return render(request, "improvement/report_import_detail.html", context)


@require_POST
def report_import_confirm(request, import_id):
    record = access.get_report_import_or_404(request.user, import_id)
    try:
        with transaction.atomic():
            # One confirmation at a time, compared again with the plan's sources as they are now.
            record = ReportImport.objects.select_for_update().select_related("plan").get(pk=record.pk)
            if record.applied_at or record.status != ReportImport.Status.READY:
                return redirect(record)
            _reading, comparison = _preview(record)
            source, counts = report.apply(comparison, plan=record.plan, key=record.key, kind=record.kind,
                                          title=record.title, published=record.published)
            record.applied_at, record.source, record.result = timezone.now(), source, counts
            record.save(update_fields=["applied_at", "source", "result"])
    except ReadError as error:
        messages.error(request, str(error))
        return redirect("improvement:report_import_start", record.plan_id)
    except IntegrityError:
        messages.error(request, _("Nothing was imported: the source changed while you were checking it. "
                                  "Check the preview again."))
        return redirect(record)
    messages.success(request, _("Imported into %(key)s: %(created)s recommendations added, %(updated)s updated, "
                                "%(unchanged)s unchanged.") % {"key": record.key, **counts})
    return redirect(record)
