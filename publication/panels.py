"""The publication panel on a plan's "Manage this plan" hub."""

from improvement import panels

from .models import PublicationSettings, PublicSummary


@panels.register("plan_manage")
def publication_on_plan_manage(request, plan):
    settings_ = PublicationSettings.objects.filter(plan=plan).first()
    waiting = PublicSummary.objects.filter(plan=plan, state=PublicSummary.State.SUBMITTED).count()
    return "publication/panels/plan_manage.html", {"plan": plan, "settings": settings_, "waiting": waiting}
