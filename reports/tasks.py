"""Background work: rendering board packs (a pack of hundreds of actions takes seconds) and
building evidence packs (a ZIP of hundreds of evidence files). Each is written in the language
its requester had when they asked (the job's ``language``)."""

import logging

from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import BoardPack, EvidencePack, PackRender, StoredPackPart, pack_language
from .packs import render_pack_pdf

logger = logging.getLogger(__name__)


@task
def render_pack(render_id: int) -> str:
    """Render one requested pack. A render is claimed before work starts, so however many
    workers pick up the same request, it is done exactly once. Stored pack parts unused for a
    while are deleted first."""
    StoredPackPart.objects.unused().delete()
    render = PackRender.objects.select_related("meeting__board", "meeting__plan", "requested_by").get(pk=render_id)
    if not render.claim():
        return f"render {render_id} was already taken"
    meeting = render.meeting
    try:
        with translation.override(render.language):
            if render.purpose == PackRender.Purpose.ISSUE:
                latest = BoardPack.objects.latest_for(meeting)
                version = (latest.version if latest else 0) + 1
                labels = {"status_label": _("Issued: version %(version)s") % {"version": version},
                          "version_label": _("Version %(version)s") % {"version": version}}
            else:
                labels = {"status_label": _("Draft: not issued"), "version_label": _("Draft")}
            pdf, pages = render_pack_pdf(meeting, **labels)
        with transaction.atomic():
            fields = {"status": PackRender.Status.READY, "pages": pages, "finished_at": timezone.now(), "pdf": pdf}
            if render.purpose == PackRender.Purpose.ISSUE:
                pack = BoardPack.issue(meeting=meeting, pdf=pdf, pages=pages, by=render.requested_by,
                                       language=render.language)
                fields.update(issued_pack=pack, pdf=None)
            PackRender.objects.filter(pk=render.pk).update(**fields)
    except Exception as error:
        logger.exception("Board pack render %s failed", render_id)
        render.fail(error)
        return "failed"
    return "ready"


def request_render(meeting, *, purpose, by, language=None) -> tuple[PackRender, bool]:
    """(render, created): record the request (PackRender.objects.request: one draft in progress per
    person), in ``language`` (the active one when not given), and, when it is new, queue the work
    once the request's transaction commits."""
    render, created = PackRender.objects.request(meeting, purpose=purpose, by=by, language=language)
    if created:
        transaction.on_commit(lambda: render_pack.enqueue(render.pk))
    return render, created


def retry_render(render) -> PackRender:
    """Queue a failed render again; returns the render to show (another draft already in progress
    when there is one, see PackRender.retry)."""
    queued = render.retry()
    if queued.pk == render.pk:
        transaction.on_commit(lambda: render_pack.enqueue(render.pk))
    return queued


@task
def build_evidence_pack(pack_id: int) -> str:
    """Build one requested evidence pack and freeze it: the ZIP stored, with its checksum, as the
    next version of the plan's pack for that date. Claimed first, so it is built exactly once."""
    from improvement.models import Plan

    from .evidencepacks import build_to_temporary_file

    pack = EvidencePack.objects.select_related("plan__organisation").get(pk=pack_id)
    if not pack.claim():
        return f"evidence pack {pack_id} was already taken"
    try:
        version = pack.next_version()  # as labelled in the index; confirmed under the plan's lock below
        with translation.override(pack.language):
            handle, built, checksum, size = build_to_temporary_file(
                pack.plan, pack.as_at, index_only=pack.is_index_only, with_self_evaluation=pack.with_self_evaluation,
                version_label=_("Version %(version)s") % {"version": version})
        with handle:
            pack.file.save("evidence-pack.zip", File(handle), save=False)
        with transaction.atomic():
            Plan.objects.select_for_update().filter(pk=pack.plan_id).first()
            if pack.next_version() != version:  # another pack for the date was issued meanwhile
                with translation.override(pack.language):
                    raise RuntimeError(_("Another evidence pack for this date was issued at the same time: build "
                                         "again."))
            EvidencePack.objects.filter(pk=pack.pk).update(
                status=EvidencePack.Status.READY, finished_at=timezone.now(), version=version, file=pack.file.name,
                checksum=checksum, size=size, recommendations=sum(1 for s in built.contents.sections
                                                                  if s.recommendation is not None),
                evidence_files=built.files, missing=built.missing)
    except Exception as error:
        logger.exception("Evidence pack %s failed", pack_id)
        if pack.file:
            pack.file.delete(save=False)
        pack.fail(error)
        return "failed"
    return "ready"


def request_evidence_pack(plan, *, as_at, contents, with_self_evaluation, by, language=None) -> EvidencePack:
    """Record the request, in ``language`` (the active one when not given), and queue the build once
    the request's transaction commits."""
    pack = EvidencePack.objects.create(plan=plan, as_at=as_at, contents=contents,
                                       with_self_evaluation=with_self_evaluation, requested_by=by,
                                       language=pack_language(language))
    transaction.on_commit(lambda: build_evidence_pack.enqueue(pack.pk))
    return pack
