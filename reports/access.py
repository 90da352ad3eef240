"""Access rules for board packs, extending improvement.access and boards.access.

Anyone who may read the plan previews a draft; only the plan's managers issue a pack (and so
retry an issue that failed)."""

from django.http import Http404

from improvement import access

from .models import PackRender


def can_issue_pack(user, meeting) -> bool:
    return access.can_manage_plan(user, meeting.plan)


def can_request_render(user, render) -> bool:
    if render.purpose == PackRender.Purpose.ISSUE:
        return can_issue_pack(user, render.meeting)
    return True


def get_render_or_404(user, pk) -> PackRender:
    render = (PackRender.objects.filter(pk=pk, meeting__plan__in=access.visible_plans(user))
              .select_related("meeting__board", "meeting__plan").first())
    if render is None:
        raise Http404("No such render")
    return render
