"""Pages for plan managers to maintain a plan's structure in the product rather than the admin:
the "Manage this plan" hub, plan details, themes and objectives, actions and their
milestones, sources and recommendations.

Every view first finds the plan through ``access.get_managed_plan_or_404`` (404 if the user
may not read it, 403 if they may read but not manage it), then looks its objects up within
that plan, so an id from another plan is a 404 too.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from . import access, panels
from .forms import ActionForm
from .framework_forms import CriterionTagsForm
from .manage_forms import MilestoneForm, ObjectiveForm, PlanForm, RecommendationForm, SourceForm, ThemeForm
from .models import Action, Objective, Recommendation, Source
from .versioning import StaleEdit

FORM_TEMPLATE = "improvement/manage/form.html"


def _save(request, form, *, versioned=False):
    """Save the form, recording who in the audit trail. Returns the StaleEdit if a versioned
    save was refused, having set the form up to save over their version next time."""
    if versioned:
        try:
            return form.save_versioned(by=request.user), None
        except StaleEdit as error:
            form.add_error(None, str(error))
            data = request.POST.copy()
            data["read_version"] = error.current.version
            form.data = data
            return None, error
    instance = form.save(commit=False)
    instance._history_user = request.user
    instance.save()
    form.save_m2m()
    return instance, None


def _form_page(request, form, context, *, stale=None):
    context = {"form": form, "stale": stale, **context}
    status = 409 if stale else (400 if form.errors else 200)
    return render(request, context.pop("template", FORM_TEMPLATE), context, status=status)


def _delete_page(request, obj, *, plan, what, back_url, done_url, done_message, consequence=""):
    """The GOV.UK confirmation page for deleting ``obj``, or why it cannot be deleted."""
    blockers = obj.deletion_blockers() if hasattr(obj, "deletion_blockers") else []
    if request.method == "POST" and not blockers:
        obj._history_user = request.user
        obj.delete()
        messages.success(request, done_message)
        return redirect(done_url)
    context = {"plan": plan, "what": what, "back_url": back_url, "blockers": blockers,
               "consequence": consequence}
    status = 409 if request.method == "POST" else 200
    return render(request, "improvement/manage/confirm_delete.html", context, status=status)


@require_GET
def plan_manage(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    context = {"plan": plan, "panels": panels.render("plan_manage", request, plan)}
    return render(request, "improvement/manage/hub.html", context)


@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    form = PlanForm(request.POST or None, instance=plan)
    stale = None
    if request.method == "POST" and form.is_valid():
        saved, stale = _save(request, form, versioned=True)
        if saved:
            messages.success(request, gettext("Plan details saved."))
            return redirect("improvement:plan_manage", plan.pk)
    context = {"template": "improvement/manage/plan_edit.html", "plan": plan, "title": gettext("Plan details"),
               "back_url": reverse("improvement:plan_manage", args=[plan.pk]),
               "back_label": gettext("Back to manage this plan"),
               "scheme_locked": "rag_scheme" not in form.fields}
    return _form_page(request, form, context, stale=stale)


# Themes and objectives


@require_GET
def theme_list(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    themes = (plan.themes.select_related("lead").annotate(action_count=Count("actions"))
              .prefetch_related(Prefetch("objectives", queryset=Objective.objects.order_by("position", "pk")))
              .order_by("position", "pk"))
    return render(request, "improvement/manage/theme_list.html", {"plan": plan, "themes": themes})


def _theme_list_url(plan):
    return reverse("improvement:theme_list", args=[plan.pk])


def _theme_form_page(request, plan, theme=None):
    form = ThemeForm(request.POST or None, instance=theme, plan=plan)
    form.instance.plan = plan
    stale = None
    if request.method == "POST" and form.is_valid():
        saved, stale = _save(request, form, versioned=True)
        if saved:
            done = gettext("Theme %(theme)s saved.") if theme else gettext("Theme %(theme)s added.")
            messages.success(request, done % {"theme": saved})
            return redirect(_theme_list_url(plan))
    context = {"plan": plan,
               "title": gettext("Change theme %(theme)s") % {"theme": theme} if theme else gettext("Add a theme"),
               "back_url": _theme_list_url(plan), "back_label": gettext("Back to themes and objectives")}
    return _form_page(request, form, context, stale=stale)


@require_http_methods(["GET", "POST"])
def theme_create(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    return _theme_form_page(request, plan)


@require_http_methods(["GET", "POST"])
def theme_edit(request, plan_id, theme_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    return _theme_form_page(request, plan, get_object_or_404(plan.themes, pk=theme_id))


@require_http_methods(["GET", "POST"])
def theme_delete(request, plan_id, theme_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    theme = get_object_or_404(plan.themes, pk=theme_id)
    objectives = theme.objectives.count()
    return _delete_page(
        request, theme, plan=plan, what=gettext("theme %(theme)s") % {"theme": theme}, back_url=_theme_list_url(plan),
        done_url=_theme_list_url(plan), done_message=gettext("Theme %(theme)s deleted.") % {"theme": theme},
        consequence=ngettext("Its %(count)s objective will be deleted too.",
                             "Its %(count)s objectives will be deleted too.", objectives) % {"count": objectives}
        if objectives else "")


def _objective_form_page(request, plan, theme, objective=None):
    form = ObjectiveForm(request.POST or None, instance=objective)
    form.instance.theme = theme
    if request.method == "POST" and form.is_valid():
        saved, _ = _save(request, form)
        messages.success(request, (gettext("Objective %(objective)s saved.") if objective
                                   else gettext("Objective %(objective)s added.")) % {
            "objective": saved.code or saved.title[:40]})
        return redirect(_theme_list_url(plan))
    title = (gettext("Change objective %(code)s") % {"code": objective.code or ""}).strip() if objective else gettext(
        "Add an objective")
    context = {"plan": plan, "title": title, "caption": str(theme), "back_url": _theme_list_url(plan),
               "back_label": gettext("Back to themes and objectives")}
    return _form_page(request, form, context)


@require_http_methods(["GET", "POST"])
def objective_create(request, plan_id, theme_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    return _objective_form_page(request, plan, get_object_or_404(plan.themes, pk=theme_id))


def _objective_or_404(plan, theme_id, objective_id):
    return get_object_or_404(Objective.objects.select_related("theme"), theme__plan=plan, theme_id=theme_id,
                             pk=objective_id)


@require_http_methods(["GET", "POST"])
def objective_edit(request, plan_id, theme_id, objective_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    objective = _objective_or_404(plan, theme_id, objective_id)
    return _objective_form_page(request, plan, objective.theme, objective)


@require_http_methods(["GET", "POST"])
def objective_delete(request, plan_id, theme_id, objective_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    objective = _objective_or_404(plan, theme_id, objective_id)
    name = objective.code or objective.title[:60]
    return _delete_page(request, objective, plan=plan, what=gettext("objective %(name)s") % {"name": name},
                        back_url=_theme_list_url(plan), done_url=_theme_list_url(plan),
                        done_message=gettext("Objective %(name)s deleted.") % {"name": name})


# Actions and milestones


@require_http_methods(["GET", "POST"])
def action_create(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    theme_id = request.GET.get("theme", "")  # "Add an action" on a theme's page starts in that theme
    theme = plan.themes.filter(pk=theme_id).first() if theme_id.isdigit() else None
    form = ActionForm(request.POST or None, instance=Action(plan=plan), initial={"theme": theme})
    if request.method == "POST" and form.is_valid():
        saved, _ = _save(request, form, versioned=True)
        messages.success(request, gettext("Action %(number)s added.") % {"number": saved.number})
        return redirect(saved)
    back_url = theme.get_absolute_url() if theme else reverse("improvement:plan_manage", args=[plan.pk])
    context = {"plan": plan, "title": gettext("Add an action"), "back_url": back_url,
               "back_label": gettext("Back to %(theme)s") % {"theme": theme} if theme
               else gettext("Back to manage this plan")}
    return _form_page(request, form, context)


def _managed_action_or_404(user, action_id):
    action = access.get_action_or_404(user, action_id)
    access.require_can_manage_plan(user, action.plan)
    return action


@require_http_methods(["GET", "POST"])
def action_delete(request, action_id):
    action = _managed_action_or_404(request.user, action_id)
    return _delete_page(request, action, plan=action.plan,
                        what=gettext("action %(number)s") % {"number": action.number},
                        back_url=action.get_absolute_url(), done_url=action.theme.get_absolute_url(),
                        done_message=gettext("Action %(number)s deleted.") % {"number": action.number},
                        consequence=gettext("Its milestones will be deleted too."))


def _milestone_form_page(request, action, milestone=None):
    form = MilestoneForm(request.POST or None, instance=milestone)
    form.instance.action = action
    if request.method == "POST" and form.is_valid():
        _save(request, form)
        messages.success(request, (gettext("Milestone saved for action %(number)s.") if milestone
                                   else gettext("Milestone added for action %(number)s.")) % {"number": action.number})
        return redirect(action)
    context = {"plan": action.plan,
               "title": gettext("Change the milestone") if milestone else gettext("Add a milestone"),
               "caption": gettext("Action %(number)s") % {"number": action.number},
               "back_url": action.get_absolute_url(),
               "back_label": gettext("Back to action %(number)s") % {"number": action.number}}
    return _form_page(request, form, context)


@require_http_methods(["GET", "POST"])
def milestone_create(request, action_id):
    return _milestone_form_page(request, _managed_action_or_404(request.user, action_id))


@require_http_methods(["GET", "POST"])
def milestone_edit(request, action_id, milestone_id):
    action = _managed_action_or_404(request.user, action_id)
    return _milestone_form_page(request, action, get_object_or_404(action.milestones, pk=milestone_id))


@require_http_methods(["GET", "POST"])
def milestone_delete(request, action_id, milestone_id):
    action = _managed_action_or_404(request.user, action_id)
    milestone = get_object_or_404(action.milestones, pk=milestone_id)
    return _delete_page(request, milestone, plan=action.plan,
                        what=gettext("the milestone “%(milestone)s”") % {"milestone": str(milestone)[:60]},
                        back_url=action.get_absolute_url(), done_url=action.get_absolute_url(),
                        done_message=gettext("Milestone deleted from action %(number)s.") % {"number": action.number})


# Sources and recommendations


@require_GET
def source_list(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    recommendations = Recommendation.objects.annotate(action_count=Count("actions")).order_by("reference")
    sources = (plan.sources.prefetch_related(Prefetch("recommendations", queryset=recommendations))
               .order_by("key"))
    return render(request, "improvement/manage/source_list.html", {"plan": plan, "sources": sources})


def _source_list_url(plan):
    return reverse("improvement:source_list", args=[plan.pk])


def _source_form_page(request, plan, source=None):
    form = SourceForm(request.POST or None, instance=source, plan=plan)
    form.instance.plan = plan
    if request.method == "POST" and form.is_valid():
        saved, _ = _save(request, form)
        messages.success(request, (gettext("Source %(key)s saved.") if source else gettext("Source %(key)s added."))
                         % {"key": saved.key})
        return redirect(_source_list_url(plan))
    context = {"plan": plan,
               "title": gettext("Change source %(key)s") % {"key": source.key} if source else gettext("Add a source"),
               "back_url": _source_list_url(plan), "back_label": gettext("Back to sources and recommendations")}
    return _form_page(request, form, context)


@require_http_methods(["GET", "POST"])
def source_create(request, plan_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    return _source_form_page(request, plan)


@require_http_methods(["GET", "POST"])
def source_edit(request, plan_id, source_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    return _source_form_page(request, plan, get_object_or_404(plan.sources, pk=source_id))


@require_http_methods(["GET", "POST"])
def source_delete(request, plan_id, source_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    source = get_object_or_404(plan.sources, pk=source_id)
    count = source.recommendations.count()
    return _delete_page(
        request, source, plan=plan, what=gettext("source %(key)s") % {"key": source.key},
        back_url=_source_list_url(plan), done_url=_source_list_url(plan),
        done_message=gettext("Source %(key)s deleted.") % {"key": source.key},
        consequence=ngettext("Its %(count)s recommendation will be deleted too.",
                             "Its %(count)s recommendations will be deleted too.", count) % {"count": count}
        if count else "")


def _recommendation_form_page(request, plan, source, recommendation=None):
    form = RecommendationForm(request.POST or None, instance=recommendation, source=source)
    form.instance.source = source
    # The framework criteria it addresses, saved with it (improvement.criteria).
    criteria_form = CriterionTagsForm(request.POST or None, recommendation=recommendation, prefix="criteria")
    if request.method == "POST" and all([form.is_valid(), criteria_form.is_valid()]):
        with transaction.atomic():
            saved, _ = _save(request, form)
            criteria_form.save(saved, by=request.user)
        done = (gettext("Recommendation %(recommendation)s saved.") if recommendation
                else gettext("Recommendation %(recommendation)s added."))
        messages.success(request, done % {"recommendation": saved})
        return redirect(_source_list_url(plan))
    title = (gettext("Change recommendation %(recommendation)s") % {"recommendation": recommendation}
             if recommendation else gettext("Add a recommendation"))
    context = {"plan": plan, "title": title, "caption": f"{source.key}: {source.title}",
               "back_url": _source_list_url(plan), "back_label": gettext("Back to sources and recommendations"),
               "template": "improvement/manage/recommendation_form.html", "criteria_form": criteria_form}
    if criteria_form.errors and not form.errors:
        form.add_error(None, gettext("Select criteria from the list: one of those chosen is not offered"))
    return _form_page(request, form, context)


def _source_or_404(plan, source_id):
    return get_object_or_404(Source.objects.filter(plan=plan), pk=source_id)


@require_http_methods(["GET", "POST"])
def recommendation_create(request, plan_id, source_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    return _recommendation_form_page(request, plan, _source_or_404(plan, source_id))


@require_http_methods(["GET", "POST"])
def recommendation_edit(request, plan_id, source_id, recommendation_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    source = _source_or_404(plan, source_id)
    return _recommendation_form_page(request, plan, source,
                                     get_object_or_404(source.recommendations, pk=recommendation_id))


@require_http_methods(["GET", "POST"])
def recommendation_delete(request, plan_id, source_id, recommendation_id):
    plan = access.get_managed_plan_or_404(request.user, plan_id)
    source = _source_or_404(plan, source_id)
    recommendation = get_object_or_404(source.recommendations.select_related("source"), pk=recommendation_id)
    return _delete_page(request, recommendation, plan=plan,
                        what=gettext("recommendation %(recommendation)s") % {"recommendation": recommendation},
                        back_url=_source_list_url(plan), done_url=_source_list_url(plan),
                        done_message=gettext("Recommendation %(recommendation)s deleted.") % {
                            "recommendation": recommendation})
