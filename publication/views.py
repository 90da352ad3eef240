"""The publication pages of the signed-in service: a plan's publication (each summary's state,
"changed since published" when its internal statuses have moved), writing a summary with its
reading age, the approver's queue and review page (approve or return), and the settings
(published on or off, the status vocabulary, the public measures). The public page itself is
public_views.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement import access as core_access
from improvement.models import Recommendation, Theme

from . import access, readability
from .drift import drifted_keys
from .forms import ReturnForm, SettingsForm, SummaryForm
from .models import PublicationSettings, PublicSummary, inspection_text


def _rows(plan, summaries, drifted):
    """One row per thing that may have a public summary: the introduction, each theme, and each
    recommendation that has a summary started."""
    by_key = {summary.key: summary for summary in summaries}
    rows = [("plan", _("Introduction"), by_key.get("plan"), reverse("publication:write_intro", args=[plan.pk]))]
    for theme in plan.themes.order_by("position", "pk"):
        rows.append((f"theme-{theme.pk}", str(theme), by_key.get(f"theme-{theme.pk}"),
                     reverse("publication:write_theme", args=[plan.pk, theme.pk])))
    for summary in summaries:
        if summary.kind == PublicSummary.Kind.RECOMMENDATION:
            rows.append((summary.key, str(summary.recommendation), summary,
                         reverse("publication:write_recommendation", args=[plan.pk, summary.recommendation_id])))
    return [{"key": key, "label": label, "summary": summary, "write_url": url, "drifted": key in drifted}
            for key, label, summary, url in rows]


@require_GET
def overview(request, plan_id):
    plan = access.get_plan_for_publication_or_404(request.user, plan_id)
    settings_ = PublicationSettings.of(plan)
    publication = settings_.latest()
    drifted = drifted_keys(publication)
    summaries = list(plan.public_summaries.select_related("theme", "recommendation__source", "written_by",
                                                         "edited_by", "approved_by"))
    recommendations = Recommendation.objects.filter(source__plan=plan).exclude(
        pk__in=[s.recommendation_id for s in summaries if s.recommendation_id]).select_related("source")
    return render(request, "publication/overview.html", {
        "plan": plan, "settings": settings_, "publication": publication,
        "rows": _rows(plan, summaries, drifted), "drifted_count": len(drifted),
        "recommendations": recommendations,
        "can_write": core_access.can_write_public_summary(request.user, plan),
        "can_approve": core_access.can_approve_publication(request.user, plan),
        "public_url": reverse("publication:public_page", args=[settings_.public_slug]),
    })


def _summary_for(plan, kind, obj_id):
    if kind == PublicSummary.Kind.THEME:
        theme = get_object_or_404(Theme, plan=plan, pk=obj_id)
        summary = PublicSummary.objects.filter(theme=theme).first()
        return summary or PublicSummary(plan=plan, kind=kind, theme=theme, title_en=theme.title), str(theme)
    if kind == PublicSummary.Kind.RECOMMENDATION:
        recommendation = get_object_or_404(Recommendation.objects.select_related("source"), source__plan=plan,
                                           pk=obj_id)
        summary = PublicSummary.objects.filter(recommendation=recommendation).first()
        return summary or PublicSummary(plan=plan, kind=kind, recommendation=recommendation), str(recommendation)
    summary = PublicSummary.objects.filter(plan=plan, kind=kind).first()
    return summary or PublicSummary(plan=plan, kind=kind, title_en=plan.name,
                                    inspection_en=inspection_text(plan)), _("Introduction")


def _write(request, plan_id, kind, obj_id=None):
    plan = access.get_plan_to_write_or_404(request.user, plan_id)
    settings_ = PublicationSettings.of(plan)
    summary, subject = _summary_for(plan, kind, obj_id)
    form = SummaryForm(request.POST or None, instance=summary, status_choices=settings_.status_choices())
    intent = request.POST.get("intent", "check")
    scores = None
    if request.method == "POST" and form.is_valid() and intent in {"save", "submit"}:
        with transaction.atomic():
            form.instance.plan = plan
            form.save(commit=False).record_edit(by=request.user, submit=intent == "submit")
        messages.success(request, _("Summary sent for approval.") if intent == "submit" else _("Draft saved."))
        return redirect("publication:overview", plan.pk)
    if request.method == "POST":
        scores = {name: readability.score(request.POST.get(name, ""))
                  for name in ("summary_en", "inspection_en") if name in form.fields}
    elif summary.pk:
        scores = {name: readability.score(getattr(summary, name))
                  for name in ("summary_en", "inspection_en") if name in form.fields}
    return render(request, "publication/write.html", {
        "plan": plan, "form": form, "summary": summary, "subject": subject, "scores": scores,
        "target": readability.TARGET_READING_AGE, "ideal": readability.IDEAL_READING_AGE,
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def write_intro(request, plan_id):
    return _write(request, plan_id, PublicSummary.Kind.PLAN)


@require_http_methods(["GET", "POST"])
def write_theme(request, plan_id, theme_id):
    return _write(request, plan_id, PublicSummary.Kind.THEME, theme_id)


@require_http_methods(["GET", "POST"])
def write_recommendation(request, plan_id, recommendation_id):
    return _write(request, plan_id, PublicSummary.Kind.RECOMMENDATION, recommendation_id)


@require_GET
def approvals(request):
    """The approver's queue: summaries sent for approval in the plans they approve for."""
    plans = core_access.plans_to_approve(request.user)
    waiting = (PublicSummary.objects.filter(plan__in=plans, state=PublicSummary.State.SUBMITTED)
               .select_related("plan", "theme", "recommendation__source", "edited_by").order_by("edited_at"))
    return render(request, "publication/approvals.html", {"waiting": waiting})


def _review_page(request, plan, summary, *, return_form=None, error="", status=200):
    return render(request, "publication/review.html", {
        "plan": plan, "summary": summary, "return_form": return_form or ReturnForm(), "error": error,
        "blocker": summary.approval_blocker(request.user),
        "scores": {"summary_en": readability.score(summary.summary_en)},
        "target": readability.TARGET_READING_AGE,
        "status_label": dict(PublicationSettings.of(plan).status_choices()).get(summary.status, summary.status),
    }, status=status)


@require_GET
def review(request, plan_id, summary_id):
    plan, summary = access.get_summary_to_approve_or_404(request.user, plan_id, summary_id)
    return _review_page(request, plan, summary)


@require_POST
def approve(request, plan_id, summary_id):
    plan, summary = access.get_summary_to_approve_or_404(request.user, plan_id, summary_id)
    try:
        publication = summary.approve(by=request.user)
    except ValidationError as error:
        return _review_page(request, plan, summary, error=error.messages[0], status=403)
    messages.success(request, _("Approved and published as version %(version)s.") % {"version": publication.version})
    return redirect("publication:approvals")


@require_http_methods(["GET", "POST"])
def send_back(request, plan_id, summary_id):
    plan, summary = access.get_summary_to_approve_or_404(request.user, plan_id, summary_id)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            summary.send_back(by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            return _review_page(request, plan, summary, return_form=form, error=error.messages[0], status=409)
        messages.success(request, _("Summary returned to its writer."))
        return redirect("publication:approvals")
    return _review_page(request, plan, summary, return_form=form, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def settings_page(request, plan_id):
    plan = access.get_plan_to_write_or_404(request.user, plan_id)
    settings_ = PublicationSettings.of(plan)
    form = SettingsForm(request.POST or None, instance=settings_)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if "is_published" in form.changed_data:
            saved.switched_at = timezone.now()
        saved._history_user = request.user
        saved.save()
        form.save_m2m()
        messages.success(request, _("Publication settings saved."))
        return redirect("publication:overview", plan.pk)
    return render(request, "publication/settings.html", {"plan": plan, "form": form},
                  status=400 if form.errors else 200)


@require_POST
def switch_off(request, plan_id):
    """Stop publishing at once: the public page says the plan is not published from the next request."""
    plan = access.get_plan_for_publication_or_404(request.user, plan_id)
    settings_ = PublicationSettings.of(plan)
    if settings_.is_published:
        settings_.is_published, settings_.switched_at = False, timezone.now()
        settings_._history_user = request.user
        settings_.save()
    messages.success(request, _("Publication switched off. The public page now says the plan is not published."))
    return redirect("publication:overview", plan.pk)
