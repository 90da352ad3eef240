"""The plan manager's people pages: the posts of the plan's organisation and their holders,
and who has which role on the plan.

Each view reads the plan first (404 for someone who may not know it exists), then requires
a plan manager (403). Nothing of another organisation is offered or accepted.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from . import access
from .models import PlanRole, Post, User
from .people_forms import PlanRoleForm, PostForm

CONFIRM_TEMPLATE = "improvement/manage/confirm_removal.html"


def _managed_plan(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    access.require_can_manage_plan(request.user, plan)
    return plan


def _data(request):
    """The POST data, even when empty (an empty form must fail validation, not show afresh)."""
    return request.POST if request.method == "POST" else None


def _holders():
    return Prefetch("holders", queryset=User.objects.order_by("first_name", "last_name", "username"))


# --- Posts and holders -----------------------------------------------------------------------

@require_GET
def post_list(request, plan_id):
    plan = _managed_plan(request, plan_id)
    posts = Post.objects.with_lead_counts(plan).prefetch_related(_holders())
    context = {
        "plan": plan,
        "posts": posts.filter(organisation=plan.organisation).order_by("title"),
        "other_posts": (posts.filter(pk__in=access.plan_posts(plan).values("pk"))
                        .exclude(organisation=plan.organisation).select_related("organisation")
                        .order_by("organisation__name", "title")),
    }
    return render(request, "improvement/manage/post_list.html", context)


@require_http_methods(["GET", "POST"])
def post_create(request, plan_id):
    plan = _managed_plan(request, plan_id)
    form = PostForm(_data(request), organisation=plan.organisation)
    if request.method == "POST" and form.is_valid():
        post = form.save_by(request.user)
        messages.success(request, gettext("Post “%(post)s” added.") % {"post": post.title})
        return redirect("improvement:post_list", plan.pk)
    context = {"plan": plan, "form": form, "post": None}
    return render(request, "improvement/manage/post_form.html", context, status=400 if form.errors else 200)


def _managed_post(request, plan, post_id) -> Post:
    post = access.get_post_or_404(plan, post_id)
    access.require_can_manage_post(request.user, post, plan)
    return post


@require_http_methods(["GET", "POST"])
def post_edit(request, plan_id, post_id):
    plan = _managed_plan(request, plan_id)
    post = _managed_post(request, plan, post_id)
    form = PostForm(_data(request), instance=post, organisation=plan.organisation)
    if request.method == "POST" and form.is_valid():
        form.save_by(request.user)
        messages.success(request, gettext("Post “%(post)s” saved.") % {"post": post.title})
        return redirect("improvement:post_list", plan.pk)
    context = {"plan": plan, "form": form, "post": post, "can_delete": not post.deletion_blockers()}
    return render(request, "improvement/manage/post_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def post_delete(request, plan_id, post_id):
    plan = _managed_plan(request, plan_id)
    post = _managed_post(request, plan, post_id)
    blockers = post.deletion_blockers()
    if request.method == "POST" and not blockers:
        post._history_user = request.user
        post.delete()
        messages.success(request, gettext("Post “%(post)s” deleted.") % {"post": post.title})
        return redirect("improvement:post_list", plan.pk)
    context = {
        "plan": plan,
        "title": gettext("Are you sure you want to delete the post “%(post)s”?") % {"post": post.title},
        "caption": plan.name,
        "back_url": reverse("improvement:post_edit", args=[plan.pk, post.pk]),
        "blocked": gettext("You cannot delete this post because it leads %(what)s. Change their leads first.") % {
            "what": gettext(" and ").join(blockers)} if blockers else "",
        "warning": gettext("Its holders will no longer lead anything through it. This cannot be undone."),
        "button": gettext("Yes, delete this post"),
    }
    return render(request, CONFIRM_TEMPLATE, context, status=400 if blockers and request.method == "POST" else 200)


# --- People and roles ------------------------------------------------------------------------

@require_GET
def plan_roles(request, plan_id):
    plan = _managed_plan(request, plan_id)
    roles = list(plan.roles.select_related("user__organisation").order_by(
        "role", "user__first_name", "user__last_name", "user__username"))
    manager_count = sum(1 for role in roles if role.role == PlanRole.Role.MANAGER)
    for role in roles:
        role.is_last_manager = role.role == PlanRole.Role.MANAGER and manager_count == 1
    return render(request, "improvement/manage/plan_roles.html", {"plan": plan, "roles": roles})


@require_http_methods(["GET", "POST"])
def plan_role_add(request, plan_id):
    plan = _managed_plan(request, plan_id)
    form = PlanRoleForm(_data(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        role = form.save(by=request.user)
        messages.success(request, gettext("%(user)s added as %(role)s.") % {
            "user": role.user, "role": role.get_role_display().lower()})
        return redirect("improvement:plan_roles", plan.pk)
    context = {"plan": plan, "form": form}
    return render(request, "improvement/manage/plan_role_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def plan_role_remove(request, plan_id, role_id):
    plan = _managed_plan(request, plan_id)
    role = access.get_plan_role_or_404(plan, role_id)
    if request.method == "POST":
        try:
            role.remove(by=request.user)
        except ValidationError as error:
            blocked = " ".join(error.messages)
        else:
            messages.success(request, gettext("%(user)s is no longer a %(role)s of this plan.") % {
                "user": role.user, "role": role.get_role_display().lower()})
            access.forget_plan_roles(request.user)  # it may have been their own
            if not access.can_manage_plan(request.user, plan):
                return redirect("improvement:plan_list")
            return redirect("improvement:plan_roles", plan.pk)
    else:
        blocked = role.removal_blocker()
    yourself = role.user_id == request.user.pk
    context = {
        "plan": plan,
        "title": (gettext("Are you sure you want to remove your own role as %(role)s?") if yourself
                  else gettext("Are you sure you want to remove %(user)s’s role as %(role)s?")) % {
            "user": role.user, "role": role.get_role_display().lower()},
        "caption": plan.name,
        "back_url": reverse("improvement:plan_roles", args=[plan.pk]),
        "blocked": blocked,
        "warning": (gettext("You will no longer be able to manage this plan.")
                    if yourself and role.role == PlanRole.Role.MANAGER else ""),
        "button": gettext("Yes, remove this role"),
    }
    return render(request, CONFIRM_TEMPLATE, context, status=400 if blocked and request.method == "POST" else 200)
