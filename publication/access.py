"""Finding a plan for the publication pages: 404 for someone who may not read it, 403 for a
reader who may neither write nor approve its public summaries (the decisions themselves are
improvement.access's ``can_write_public_summary`` and ``can_approve_publication``)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from improvement import access

from .models import PublicSummary


def get_plan_for_publication_or_404(user, plan_id):
    plan = access.get_plan_or_404(user, plan_id)
    if not (access.can_write_public_summary(user, plan) or access.can_approve_publication(user, plan)):
        raise PermissionDenied("Only the plan's managers and publication approvers can see its publication.")
    return plan


def get_plan_to_write_or_404(user, plan_id):
    plan = access.get_plan_or_404(user, plan_id)
    if not access.can_write_public_summary(user, plan):
        raise PermissionDenied("Only the plan's managers write its public summaries.")
    return plan


def get_summary_to_approve_or_404(user, plan_id, summary_id):
    plan = access.get_plan_or_404(user, plan_id)
    summary = get_object_or_404(PublicSummary.objects.select_related("theme", "recommendation__source"),
                                plan=plan, pk=summary_id)
    if not access.can_approve_publication(user, plan):
        raise PermissionDenied("Only the plan's publication approvers approve its public summaries.")
    return plan, summary

