"""The leads' offline workbook (``boards.workbook``): download it for a round, upload it back,
check the preview and confirm. Every step is a plain form, so it works without JavaScript."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement import access as core_access
from improvement.clock import today
from improvement.importing.readers import MAX_BYTES, ReadError, read_upload, sheets_to_json
from improvement.lib.spreadsheets import XLSX_TYPE
from improvement.models import Action, User

from . import access, workbook
from .models import WorkbookUpload

CSV_TYPE = "text/csv; charset=utf-8"


def lead_choices(plan):
    """The people who hold a post leading one of the plan's actions: whose answers a manager may
    upload on their behalf."""
    posts = Action.lead_posts.through.objects.filter(action__plan=plan).values("post_id")
    return User.objects.filter(is_active=True, posts__in=posts).distinct().order_by(
        "first_name", "last_name", "username")


@require_GET
def round_workbook(request, round_id):
    """The round's actions still needing their update, as an XLSX (or ``?format=csv``): the
    lead's own; for a manager all leads' (``?lead=all``), one person's (``person-<id>``) or one
    post's (``post-<id>``)."""
    round_ = access.get_round_or_404(request.user, round_id)
    plan = round_.plan
    is_manager = access.require_can_use_workbook(request.user, plan)
    if not round_.is_open:
        messages.error(request, gettext("The %(period)s round is closed: there is no workbook to fill in.")
                       % {"period": round_.period_label})
        return redirect(round_)
    person = post = None
    who = ""
    choice = request.GET.get("lead", "all" if is_manager else "mine")
    if not is_manager or choice == "mine":
        person = request.user
    elif choice.startswith("person-") and choice.removeprefix("person-").isdigit():
        person = get_object_or_404(lead_choices(plan), pk=int(choice.removeprefix("person-")))
        who = person.get_full_name() or person.username
    elif choice.startswith("post-") and choice.removeprefix("post-").isdigit():
        post = core_access.get_post_or_404(plan, int(choice.removeprefix("post-")))
        who = post.title
    elif choice != "all":
        raise Http404("No such lead")
    rows = workbook.workbook_rows(round_, workbook.workbook_actions(round_, as_of=today(), person=person, post=post))
    if request.GET.get("format") == "csv":
        response = HttpResponse(workbook.build_csv(rows), content_type=CSV_TYPE)
        extension = "csv"
    else:
        response = HttpResponse(workbook.build_xlsx(round_, rows), content_type=XLSX_TYPE)
        extension = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="{workbook.workbook_filename(round_, extension, who)}"'
    return response


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in workbook"),
        help_text=format_lazy(_("The XLSX or CSV file downloaded for this round, up to {size} MB."),
                              size=MAX_BYTES // 1024 // 1024),
        error_messages={"required": _("Choose the filled-in workbook")})
    recorded_for = forms.ModelChoiceField(
        label=_("Whose answers are these?"), queryset=User.objects.none(), required=False,
        empty_label=_("My own (recorded as mine)"),
        help_text=_("When a lead has sent you their workbook, choose them: each update is recorded as made by you "
                  "on their behalf."))

    def __init__(self, *args, round_, is_manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.sheets = None
        if is_manager:
            self.fields["recorded_for"].queryset = lead_choices(round_.plan)
        else:
            del self.fields["recorded_for"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(gettext("The file must be smaller than %(size)s MB")
                                        % {"size": MAX_BYTES // 1024 // 1024})
        try:
            sheets = read_upload(upload.name, upload.read())
            workbook.check_round(self.round, workbook.read_rows(sheets))
        except (ReadError, workbook.WorkbookError) as error:
            raise forms.ValidationError(str(error)) from None
        self.sheets = sheets
        return upload


@require_http_methods(["GET", "POST"])
def workbook_upload(request, round_id):
    round_ = access.get_round_or_404(request.user, round_id)
    is_manager = access.require_can_use_workbook(request.user, round_.plan)
    if not round_.is_open:
        messages.error(request, gettext("The %(period)s round is closed: its updates are fixed.")
                       % {"period": round_.period_label})
        return redirect(round_)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None, round_=round_, is_manager=is_manager)
    if request.method == "POST" and form.is_valid():
        upload = WorkbookUpload.objects.create(
            round=round_, uploaded_by=request.user, recorded_for=form.cleaned_data.get("recorded_for"),
            filename=form.cleaned_data["file"].name[:200], sheets=sheets_to_json(form.sheets))
        return redirect(upload)
    context = {"round": round_, "plan": round_.plan, "form": form, "is_manager": is_manager}
    return render(request, "boards/workbook_upload.html", context, status=400 if form.errors else 200)


@require_GET
def workbook_upload_detail(request, upload_id):
    """The preview: each row of the file, to be recorded, refused (and why) or skipped. Once
    confirmed, what was recorded."""
    upload = access.get_workbook_upload_or_404(request.user, upload_id)
    round_ = upload.round
    context = {"upload": upload, "round": round_, "plan": round_.plan,
               "is_manager": access.can_manage_rounds(request.user, round_.plan)}
    if upload.applied_at:
        return render(request, "boards/workbook_done.html", context)
    try:
        rows = workbook.read_rows(upload.read_sheets())
        workbook.check_round(round_, rows)
    except workbook.WorkbookError as error:
        context["problem"] = str(error)
        return render(request, "boards/workbook_preview.html", context)
    results = workbook.check_rows(round_, rows, uploader=upload.uploaded_by,
                                   recorded_for=upload.recorded_for)
    context.update(results=[r for r in results if r.state != r.SKIPPED], summary=workbook.summarise(results),
                   skipped=[r.number for r in results if r.state == r.SKIPPED])
    return render(request, "boards/workbook_preview.html", context)


@require_POST
def workbook_upload_confirm(request, upload_id):
    upload = access.get_workbook_upload_or_404(request.user, upload_id)
    try:
        result = workbook.record_upload(upload)
    except workbook.WorkbookError as error:
        messages.error(request, gettext("Nothing was recorded.") + f" {error}")
        return redirect(upload)
    if result["already"]:
        messages.info(request, _("This workbook was already recorded: nothing was recorded twice."))
    else:
        recorded = ngettext("%(count)s update recorded for %(period)s", "%(count)s updates recorded for %(period)s",
                            result["recorded"]) % {"count": result["recorded"], "period": upload.round.period_label}
        refused = ("; " + ngettext("%(count)s row refused", "%(count)s rows refused", result["refused"])
                   % {"count": result["refused"]}) if result["refused"] else ""
        messages.success(request, f"{recorded}{refused}.")
    return redirect(upload)
