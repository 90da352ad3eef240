"""Background work: rendering board packs (a pack of hundreds of actions takes seconds)."""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import BoardPack, PackRender, StoredPackPart
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
