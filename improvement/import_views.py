"""Import a plan from a file: upload, map columns, preview, confirm (then write everything in
one transaction), and the XLSX template and plan export."""

import json
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access
from .importing import ReadError, engine, new_plan, preview_sheets
from .importing.export import export_plan_xlsx, template_xlsx
from .importing.readers import MAX_BYTES, read_upload, sheets_to_json
from .lib.spreadsheets import XLSX_TYPE
from .models import Organisation, PlanImport, PlanRole, RagScheme


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Plan file"),
                           help_text=format_lazy(gettext_lazy("XLSX, CSV or DOCX, up to {megabytes} MB."),
                                                 megabytes=MAX_BYTES // 1024 // 1024),
                           error_messages={"required": gettext_lazy("Choose the file that holds the plan")})


class NewPlanUploadForm(UploadForm):
    name = forms.CharField(label=gettext_lazy("Name of the new plan"), max_length=200,
                           error_messages={"required": gettext_lazy("Enter the name of the new plan")})
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none(),
        empty_label=gettext_lazy("Choose the organisation"),
        help_text=gettext_lazy("The council or agency whose plan this is: its posts lead the actions."),
        error_messages={"required": gettext_lazy("Choose the organisation whose plan this is"),
                        "invalid_choice": gettext_lazy("Choose one of the organisations listed")})
    scheme = forms.ModelChoiceField(label=gettext_lazy("RAG scheme"), queryset=RagScheme.objects.order_by("name"),
                                    empty_label=None,
                                    error_messages={"required": gettext_lazy("Choose a RAG scheme")})
    field_order = ["name", "organisation", "scheme", "file"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = access.new_plan_organisations(user).order_by("name")
        self.fields["organisation"].queryset = organisations
        if user.organisation_id and organisations.filter(pk=user.organisation_id).exists():
            self.fields["organisation"].initial = user.organisation_id


def _read_file(form, upload):
    """(bytes, sheets) of the uploaded file, read once here; None with the reason on the form when
    it cannot be read."""
    if upload.size > MAX_BYTES:
        form.add_error("file", _("The file must be smaller than %(megabytes)s MB")
                       % {"megabytes": MAX_BYTES // 1024 // 1024})
        return None
    data = upload.read()
    try:
        return data, read_upload(upload.name, data)
    except ReadError as error:
        form.add_error("file", str(error))
        return None


@require_http_methods(["GET", "POST"])
def import_start(request, plan_id=None):
    plan = None
    if plan_id is not None:
        plan = access.get_plan_or_404(request.user, plan_id)
        access.require_can_manage_plan(request.user, plan)
        form_class = UploadForm
    else:
        if not access.can_create_plan(request.user):
            raise PermissionDenied(_("Only plan managers and administrators start new plans."))
        form_class = partial(NewPlanUploadForm, user=request.user)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        read = _read_file(form, form.cleaned_data["file"])
        if read is not None:
            data, sheets = read
            record = PlanImport.objects.create(
                plan=plan, uploaded_by=request.user, filename=form.cleaned_data["file"].name[:200], data=data,
                sheets=sheets_to_json(sheets), new_plan_name=form.cleaned_data.get("name", ""),
                new_plan_scheme=form.cleaned_data.get("scheme"),
                new_plan_organisation=form.cleaned_data.get("organisation"))
            return redirect(record)
    return render(request, "improvement/import_start.html", {"plan": plan, "form": form},
                  status=400 if form.errors else 200)


def _target(record, user):
    """The plan the import goes into: the record's plan, or a new (unsaved) plan of the organisation
    chosen at upload, which the user must still be allowed to start plans for."""
    if record.plan is not None:
        return record.plan
    organisation = record.new_plan_organisation
    if organisation is None or not access.new_plan_organisations(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("You may not start a plan for that organisation: upload the file again and choose "
                                 "one of yours."))
    return new_plan(record.new_plan_name, organisation=organisation, scheme=record.new_plan_scheme)


@require_GET
def import_detail(request, import_id):
    record = access.get_import_or_404(request.user, import_id)
    if record.applied_at:
        return render(request, "improvement/import_done.html", {"record": record, "plan": record.applied_plan,
                                                                "done": engine.done_message(record.result)})
    plan = _target(record, request.user)
    try:
        mapping, result = preview_sheets(record.read_sheets(), plan, record.mapping)
    except ReadError as error:
        messages.error(request, str(error))
        return redirect("improvement:plan_list")
    context = {"record": record, "plan": plan, "mapping": list(mapping.items()), "fields": engine.FIELDS,
               "result": result, "counts": result.counts, "read_versions": json.dumps(result.read_versions())}
    return render(request, "improvement/import_detail.html", context)


@require_POST
def import_mapping(request, import_id):
    record = access.get_import_or_404(request.user, import_id)
    chosen = {}
    for key, value in request.POST.items():
        if key.startswith("column:") and value in engine.FIELDS:
            chosen[key.removeprefix("column:")] = value
    record.mapping = chosen
    record.save(update_fields=["mapping"])
    messages.success(request, _("Column choices saved: the preview below uses them."))
    return redirect(record)


@require_POST
def import_confirm(request, import_id):
    from .importing import run_sheets

    record = access.get_import_or_404(request.user, import_id)
    if record.applied_at:
        return redirect(record)
    if record.plan is not None:
        access.require_can_manage_plan(request.user, record.plan)
    plan = _target(record, request.user)
    try:
        expected = {int(pk): state for pk, state in json.loads(request.POST.get("read_versions", "")).items()}
    except (ValueError, TypeError, AttributeError):
        messages.error(request, _("Nothing was imported: the page was out of date. Check the preview below and "
                                  "confirm again."))
        return redirect(record)
    try:
        _mapping, result, counts = run_sheets(record.read_sheets(), plan, record.mapping, by=request.user,
                                              expected=expected)
    except (ReadError, engine.StaleImport) as error:
        messages.error(request, str(error))
        return redirect(record)
    if result.blocking:
        messages.error(request, _("Nothing was imported: fix the problems marked “must fix” first."))
        return redirect(record)
    if record.plan is None:
        PlanRole.objects.get_or_create(plan=plan, user=request.user, role=PlanRole.Role.MANAGER)
    record.applied_at = timezone.now()
    record.applied_plan = plan
    record.result = counts
    record.save(update_fields=["applied_at", "applied_plan", "result"])
    messages.success(request, _("Imported: %(done)s") % {"done": engine.done_message(counts)})
    return redirect(plan)


@require_GET
def import_template(request):
    response = HttpResponse(template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="improvement-plan-template.xlsx"'
    return response


@require_GET
def plan_export(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    response = HttpResponse(export_plan_xlsx(plan), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(plan.name)}-plan.xlsx"'
    return response
