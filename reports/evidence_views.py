"""A plan's evidence packs: the list and the form to ask for one, a pack's own page (which
follows the build), and the download of the frozen ZIP."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from boards import access as board_access
from improvement import access
from improvement.clock import today
from improvement.views import job_page_template

from . import access as pack_access
from .evidence_forms import EvidencePackForm
from .models import EvidencePack
from .tasks import request_evidence_pack


def _page(request, plan, form, status=200):
    packs = list(EvidencePack.objects.filter(plan=plan).select_related("requested_by")[:50])
    return render(request, "reports/evidence_packs.html", {
        "plan": plan, "form": form, "packs": packs,
        "can_build": pack_access.can_build_evidence_pack(request.user, plan)}, status=status)


@require_GET
def evidence_packs(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    return _page(request, plan, EvidencePackForm(plan=plan, initial={"as_at": today()}))


@require_POST
def evidence_pack_build(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    board_access.require(pack_access.can_build_evidence_pack(request.user, plan),
                         _("Only the plan's managers build an evidence pack."))
    form = EvidencePackForm(request.POST, plan=plan)
    if not form.is_valid():
        return _page(request, plan, form, status=400)
    pack = request_evidence_pack(plan, as_at=form.cleaned_data["as_at"], contents=form.cleaned_data["contents"],
                                 with_self_evaluation=form.cleaned_data["with_self_evaluation"], by=request.user,
                                 language=request.LANGUAGE_CODE)
    messages.success(request, _("Evidence pack as at %(date)s asked for: it is being built.")
                     % {"date": date_format(pack.as_at, "j F Y")})
    return redirect(pack)


@require_GET
def evidence_pack_detail(request, pack_id):
    pack = pack_access.get_evidence_pack_or_404(request.user, pack_id)
    return render(request, job_page_template(request, "reports/evidence_pack_detail.html"), {
        "pack": pack, "plan": pack.plan,
        "can_download": pack_access.can_download_evidence_pack(request.user, pack),
        "can_build": pack_access.can_build_evidence_pack(request.user, pack.plan)})


@require_GET
def evidence_pack_download(request, pack_id):
    pack = pack_access.get_evidence_pack_or_404(request.user, pack_id)
    board_access.require(pack_access.can_download_evidence_pack(request.user, pack),
                         _("A pack with a draft self-evaluation is for the plan's managers only."))
    if pack.status != EvidencePack.Status.READY or not pack.file:
        raise Http404("This evidence pack has not been built")
    try:
        handle = pack.file.open("rb")
    except OSError:
        raise Http404("The pack's file is missing from storage") from None
    response = FileResponse(handle, as_attachment=True, filename=pack.filename, content_type="application/zip")
    response["X-Checksum-SHA256"] = pack.checksum
    response["X-Content-Type-Options"] = "nosniff"
    return response
