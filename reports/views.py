from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards import access as board_access
from improvement import access
from improvement.views import job_page_template

from . import access as pack_access
from .models import BoardPack, PackRender
from .packs import pack_filename, render_pack_html
from .tasks import request_render, retry_render


def _pdf_response(pdf: bytes, filename: str, checksum: str | None = None) -> HttpResponse:
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if checksum:
        response["X-Checksum-SHA256"] = checksum
    return response


@require_GET
def pack_page(request, meeting_id):
    meeting = board_access.get_meeting_or_404(request.user, meeting_id)
    context = {
        "meeting": meeting,
        "plan": meeting.plan,
        "packs": meeting.packs.select_related("issued_by").defer("pdf").order_by("-version"),
        "renders": meeting.pack_renders.select_related("requested_by").defer("pdf")[:10],
        "can_issue": pack_access.can_issue_pack(request.user, meeting),
    }
    return render(request, "reports/pack_page.html", context)


@require_GET
def pack_html(request, meeting_id):
    """The draft pack as an HTML page: the accessible alternative to the PDF, in the request's
    language."""
    meeting = board_access.get_meeting_or_404(request.user, meeting_id)
    html = render_pack_html(meeting, for_pdf=False, request=request, status_label=_("Draft: not issued"),
                            version_label=_("Draft (live)"))
    return HttpResponse(html)


@require_POST
def pack_generate(request, meeting_id):
    """A draft PDF, for anyone who may read the plan. Issuing has its own confirmation page."""
    meeting = board_access.get_meeting_or_404(request.user, meeting_id)
    purpose = request.POST.get("purpose", PackRender.Purpose.DRAFT)
    if purpose == PackRender.Purpose.ISSUE:
        return redirect("reports:pack_issue", meeting.pk)
    if purpose != PackRender.Purpose.DRAFT:
        messages.error(request, _("Choose whether to preview a draft or issue the pack."))
        return redirect("reports:pack_page", meeting.pk)
    render_request, created = request_render(meeting, purpose=purpose, by=request.user,
                                             language=request.LANGUAGE_CODE)
    if not created:
        messages.info(request, _("You have already asked for a draft of this pack and it is being made: here it "
                                 "is. Once it is ready you can ask for a new one."))
    return redirect(render_request)


@require_http_methods(["GET", "POST"])
def pack_issue(request, meeting_id):
    """Issuing cannot be undone: GET says what it will do, POST issues (records who and when)."""
    meeting = board_access.get_meeting_or_404(request.user, meeting_id)
    board_access.require(pack_access.can_issue_pack(request.user, meeting),
                         _("Only the plan's managers issue the board pack."))
    if request.method == "POST":
        render_request, _created = request_render(meeting, purpose=PackRender.Purpose.ISSUE, by=request.user,
                                                  language=request.LANGUAGE_CODE)
        return redirect(render_request)
    latest = meeting.packs.select_related("issued_by").defer("pdf").order_by("-version").first()
    return render(request, "reports/pack_issue.html", {
        "meeting": meeting, "plan": meeting.plan, "latest": latest,
        "version": latest.version + 1 if latest else 1})


@require_GET
def render_detail(request, render_id):
    render_request = pack_access.get_render_or_404(request.user, render_id)
    return render(request, job_page_template(request, "reports/render_detail.html"), {
        "render": render_request, "meeting": render_request.meeting, "plan": render_request.meeting.plan,
        "can_retry": pack_access.can_request_render(request.user, render_request)})


@require_POST
def render_retry(request, render_id):
    render_request = pack_access.get_render_or_404(request.user, render_id)
    board_access.require(pack_access.can_request_render(request.user, render_request),
                         _("Only the plan's managers retry issuing a pack."))
    if render_request.status != PackRender.Status.FAILED:
        messages.error(request, _("Only a failed render can be tried again."))
    else:
        queued = retry_render(render_request)
        if queued.pk != render_request.pk:
            messages.info(request, _("A newer draft of this pack is already being made for the same person: "
                                     "here it is."))
            return redirect(queued)
    return redirect(render_request)


@require_GET
def render_download(request, render_id):
    render_request = pack_access.get_render_or_404(request.user, render_id)
    if render_request.issued_pack_id:
        return redirect("reports:pack_download", render_request.issued_pack_id)
    if render_request.status != PackRender.Status.READY or render_request.pdf is None:
        raise Http404("This render has no PDF")
    return _pdf_response(render_request.pdf, pack_filename(render_request.meeting))


@require_GET
def pack_download(request, pack_id):
    pack = BoardPack.objects.filter(
        pk=pack_id, meeting__plan__in=access.visible_plans(request.user)).select_related("meeting").first()
    if pack is None:
        raise Http404("No such board pack")
    return _pdf_response(pack.pdf, pack.filename, pack.checksum)
