"""Access rules for board packs and evidence packs, extending improvement.access and
boards.access.

Anyone who may read the plan previews a draft; only the plan's managers issue a pack (and so
retry an issue that failed). Evidence packs: see below."""

from django.http import Http404

from improvement import access

from .models import EvidencePack, PackRender


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


# --- Evidence packs -----------------------------------------------------------------------------
# Only the plan's managers build one. Everyone who may read the plan may see its packs and
# download one (it holds nothing they cannot already read: the plan, its assurance and its
# evidence), except a pack with a draft self-evaluation, which is the managers' own draft.


def can_build_evidence_pack(user, plan) -> bool:
    return access.can_manage_plan(user, plan)


def can_download_evidence_pack(user, pack) -> bool:
    return not pack.with_self_evaluation or access.can_manage_plan(user, pack.plan)


def get_evidence_pack_or_404(user, pk) -> EvidencePack:
    pack = (EvidencePack.objects.filter(pk=pk, plan__in=access.visible_plans(user))
            .select_related("plan__organisation", "requested_by").first())
    if pack is None:
        raise Http404("No such evidence pack")
    return pack
