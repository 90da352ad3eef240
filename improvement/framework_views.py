"""Pages for framework criteria: a plan's recommendations and actions by criterion (anyone who
may read the plan), and re-mapping its tags to a framework's next version (plan managers). The
tagging itself is on the recommendation's page (``manage_views.recommendation_edit``)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from . import access
from . import criteria as rules
from .clock import today
from .models import Crosswalk
from .reporting import PeriodView


@require_GET
def criteria_report(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    view = PeriodView.of_plan(plan, as_of=today())
    frameworks = [(framework, rows, rules.recommendation_count(rows))
                  for framework, rows in rules.report_by_criterion(plan, view)]
    context = {"plan": plan, "frameworks": frameworks, "view": view,
               "can_manage": access.can_manage_plan(request.user, plan)}
    return render(request, "improvement/frameworks/report.html", context)


@require_GET
def remap_list(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    return render(request, "improvement/frameworks/remap_list.html",
                  {"plan": plan, "crosswalks": list(rules.crosswalks_for(plan))})


@require_http_methods(["GET", "POST"])
def remap(request, plan_id, crosswalk_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    crosswalk = get_object_or_404(Crosswalk.objects.select_related("from_framework", "to_framework"), pk=crosswalk_id)
    status = 200
    if request.method == "POST":
        try:
            done = rules.apply_remap(plan, crosswalk, by=request.user, token=request.POST.get("tags", ""))
        except rules.PreviewOutdated as error:
            messages.error(request, str(error))
            status = 409
        else:
            moved = done[rules.Outcome.MAPPED] + done[rules.Outcome.RETIRED]
            frameworks = {"from": crosswalk.from_framework, "to": crosswalk.to_framework, "count": moved}
            text = ngettext("%(count)s tag re-mapped from %(from)s to %(to)s.",
                            "%(count)s tags re-mapped from %(from)s to %(to)s.", moved) % frameworks
            if done[rules.Outcome.UNDECIDED]:
                text += " " + gettext("%(count)s left on %(from)s for you to decide on each recommendation's page.") % {
                    **frameworks, "count": done[rules.Outcome.UNDECIDED]}
            messages.success(request, text)
            return redirect(reverse("improvement:criteria_remap", args=[plan.pk, crosswalk.pk]))
    lines = rules.remap_preview(plan, crosswalk)
    context = {"plan": plan, "crosswalk": crosswalk, "lines": lines, "token": rules.preview_token(lines),
               "to_move": [line for line in lines if line.outcome != rules.Outcome.UNDECIDED],
               "undecided": [line for line in lines if line.outcome == rules.Outcome.UNDECIDED]}
    return render(request, "improvement/frameworks/remap.html", context, status=status)
