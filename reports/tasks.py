"""Background work: rendering board packs (a pack of hundreds of actions takes seconds) and
building evidence packs (a ZIP of hundreds of evidence files)."""

import logging

from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import BoardPack, EvidencePack, PackRender, StoredPackPart
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
        if render.purpose == PackRender.Purpose.ISSUE:
            latest = BoardPack.objects.latest_for(meeting)
            version = (latest.version if latest else 0) + 1
            labels = {"status_label": f"Issued: version {version}", "version_label": f"Version {version}"}
        else:
            labels = {"status_label": "Draft: not issued", "version_label": "Draft"}
        pdf, pages = render_pack_pdf(meeting, **labels)
        with transaction.atomic():
            fields = {"status": PackRender.Status.READY, "pages": pages, "finished_at": timezone.now(), "pdf": pdf}
            if render.purpose == PackRender.Purpose.ISSUE:
                pack = BoardPack.issue(meeting=meeting, pdf=pdf, pages=pages, by=render.requested_by)
                fields.update(issued_pack=pack, pdf=None)
            PackRender.objects.filter(pk=render.pk).update(**fields)
    except Exception as error:
        logger.exception("Board pack render %s failed", render_id)
        render.fail(error)
        return "failed"
    return "ready"


def request_render(meeting, *, purpose, by) -> tuple[PackRender, bool]:
    """(render, created): record the request (PackRender.objects.request: one draft in progress per
    person) and, when it is new, queue the work once the request's transaction commits."""
    render, created = PackRender.objects.request(meeting, purpose=purpose, by=by)
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
        handle, built, checksum, size = build_to_temporary_file(
            pack.plan, pack.as_at, index_only=pack.is_index_only, with_self_evaluation=pack.with_self_evaluation,
            version_label=f"Version {version}")
        with handle:
            pack.file.save("evidence-pack.zip", File(handle), save=False)
        with transaction.atomic():
            Plan.objects.select_for_update().filter(pk=pack.plan_id).first()
            if pack.next_version() != version:  # another pack for the date was issued meanwhile
                raise RuntimeError("Another evidence pack for this date was issued at the same time: build again.")
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


def request_evidence_pack(plan, *, as_at, contents, with_self_evaluation, by) -> EvidencePack:
    """Record the request and queue the build once the request's transaction commits."""
    pack = EvidencePack.objects.create(plan=plan, as_at=as_at, contents=contents,
                                       with_self_evaluation=with_self_evaluation, requested_by=by)
    transaction.on_commit(lambda: build_evidence_pack.enqueue(pack.pk))
    return pack
