"""The plan's Assurance tab, each recommendation's page of its three lines of assurance, and
recording external reviews and their findings (the plan's external reviewers and managers)."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from improvement import access as core_access
from improvement.models import Recommendation, Source
from improvement.views import stored_file_response

from . import access
from .assurance import assurance, recommendation_assurance
from .assurance_forms import ExternalFindingForm, ExternalReviewForm


def _render_form(request, template, context, form):
    return render(request, template, context, status=400 if form.is_bound else 200)


@require_GET
def assurance_view(request, plan_id):
    plan = core_access.get_plan_or_404(request.user, plan_id)
    themes = list(plan.themes.order_by("position", "pk"))
    chosen = next((t for t in themes if str(t.pk) == request.GET.get("theme", "")), None)
    reviews = plan.external_reviews.select_related("source").annotate(finding_count=Count("findings"))
    return render(request, "boards/assurance/assurance.html", {
        "plan": plan, "assurance": assurance(plan, theme=chosen), "themes": themes, "chosen": chosen,
        "reviews": reviews, "can_record": access.can_record_findings(request.user, plan)})


@require_GET
def recommendation_detail(request, plan_id, recommendation_id):
    plan = core_access.get_plan_or_404(request.user, plan_id)
    recommendation = get_object_or_404(Recommendation.objects.filter(source__plan=plan).select_related("source"),
                                       pk=recommendation_id)
    recommendation.source.plan = plan
    can_record = access.can_record_findings(request.user, plan)
    return render(request, "boards/assurance/recommendation_detail.html", {
        "plan": plan, "recommendation": recommendation, **recommendation_assurance(recommendation),
        "can_record": can_record, "reviews": list(plan.external_reviews.all()) if can_record else []})


@require_http_methods(["GET", "POST"])
def external_review_create(request, plan_id):
    plan = core_access.get_plan_or_404(request.user, plan_id)
    access.require(access.can_record_findings(request.user, plan),
                   _("Only the plan’s external reviewers and managers record external reviews."))
    form = ExternalReviewForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        review = form.save(by=request.user)
        messages.success(request, _("Review recorded. Record its findings on each recommendation or theme."))
        return redirect(review)
    return _render_form(request, "boards/assurance/review_form.html", {"plan": plan, "form": form}, form)


@require_GET
def external_review_detail(request, review_id):
    review = access.get_external_review_or_404(request.user, review_id)
    findings = list(review.findings.select_related("recommendation__source", "theme", "recorded_by")
                    .order_by("recorded_at", "pk"))
    return render(request, "boards/assurance/review_detail.html", {
        "review": review, "plan": review.plan, "findings": findings,
        "can_record": access.can_record_findings(request.user, review.plan)})


@require_http_methods(["GET", "POST"])
def finding_create(request, review_id):
    review = access.get_external_review_or_404(request.user, review_id)
    access.require(access.can_record_findings(request.user, review.plan),
                   _("Only the plan’s external reviewers and managers record findings."))
    initial = {key: request.GET[key] for key in ("recommendation", "theme") if request.GET.get(key, "").isdigit()}
    form = ExternalFindingForm(request.POST or None, initial=initial, review=review)
    if request.method == "POST" and form.is_valid():
        finding = form.save(by=request.user)
        messages.success(request, _("Finding on %(subject)s recorded.") % {"subject": finding.subject})
        return redirect(review)
    return _render_form(request, "boards/assurance/finding_form.html",
                        {"review": review, "plan": review.plan, "form": form}, form)


@require_GET
def source_document(request, source_id):
    source = get_object_or_404(Source.objects.filter(plan__in=core_access.visible_plans(request.user)), pk=source_id)
    if not source.document:
        raise Http404("This source has no uploaded document")
    name = get_valid_filename(source.document_name) if source.document_name.strip(" .") else "document"
    return stored_file_response(source.document, name, "application/octet-stream")


