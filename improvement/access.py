"""Every access decision in one place.

Views and exports ask these helpers rather than deciding for themselves (the Django admin is
for administrators only: ``can_use_admin``):
``visible_plans(user)`` is what a user may read; ``can_record_update(user, action)`` and
``can_manage_plan(user, plan)`` are what they may change. Objects outside what a user may
read are a 404 (they may not know they exist); objects they may read but not change are a
403.

Other apps extend who may read a plan by registering a rule with ``plan_readers``: a
function that takes a user and returns a ``Q`` over ``Plan`` (the boards app adds board
members this way), so this module never imports them. Write a rule as ``pk__in`` a subquery
on the narrowest tables that decide it, not as a join from ``Plan``: the rules are OR-ed into
the one query that finds the plan on every page, a join would multiply its rows, and
PostgreSQL plans that query afresh on each request (with the rules as joins through ``Plan``
the planning alone took 2 to 10 ms of the plan and action pages).
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from .models import Action, Evidence, Measure, Organisation, Plan, PlanRole, Post, Recommendation

PlanRule = Callable[[object], Q]
_plan_reader_rules: list[PlanRule] = []


def plan_readers(rule: PlanRule) -> PlanRule:
    """Register a rule that grants read access to plans (used as a decorator)."""
    _plan_reader_rules.append(rule)
    return rule


@plan_readers
def _plan_roles(user) -> Q:
    return Q(pk__in=PlanRole.objects.filter(user=user).values("plan_id"))


@plan_readers
def _action_leads(user) -> Q:
    posts = Post.holders.through.objects.filter(user=user).values("post_id")
    actions = Action.lead_posts.through.objects.filter(post_id__in=posts).values("action_id")
    return Q(pk__in=Action.objects.filter(pk__in=actions).values("plan_id"))


@plan_readers
def _measure_owners(user) -> Q:
    posts = Post.holders.through.objects.filter(user=user).values("post_id")
    return Q(pk__in=Measure.objects.filter(owner_id__in=posts).values("plan_id"))


def visible_plans(user):
    """The plans a user may read."""
    if not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    # One subquery per rule, OR-ed (see the module's docstring).
    condition = Q()
    for rule in _plan_reader_rules:
        condition |= rule(user)
    return Plan.objects.filter(condition)


def can_read_plan(user, plan) -> bool:
    """``visible_plans`` asked of one plan. A role on the plan is the usual reason, and the
    page reads the user's roles on it anyway (``plan_roles``, kept for the request), so that is
    asked first; only someone without one has the whole set of rules asked of the plan (building
    that query alone costs a few milliseconds, as much as the rest of a small page)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or plan_roles(user, plan):
        return True
    return visible_plans(user).filter(pk=plan.pk).exists()


def get_readable_or_404(queryset, user, pk, plan_of=lambda obj: obj.plan):
    """The object of ``queryset`` with this pk if the user may read its plan (``plan_of``),
    else 404, as if it did not exist."""
    obj = get_object_or_404(queryset, pk=pk)
    if not can_read_plan(user, plan_of(obj)):
        raise Http404
    return obj


def get_plan_or_404(user, pk) -> Plan:
    return get_readable_or_404(Plan.objects.select_related("rag_scheme", "organisation"), user, pk,
                               plan_of=lambda plan: plan)


def get_action_or_404(user, pk) -> Action:
    return get_readable_or_404(
        Action.objects.select_related(
            "plan__rag_scheme", "plan__organisation", "theme__lead", "objective", "current_status"
        ), user, pk)


def get_evidence_or_404(user, pk) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(action__plan__in=visible_plans(user)), pk=pk
    )


def has_plan_role(user, plan, *roles) -> bool:
    return not plan_roles(user, plan).isdisjoint(roles)


def plan_roles(user, plan) -> frozenset[str]:
    """The user's roles on the plan. Read once per user object and plan, and kept on the user,
    as Django keeps a user's permissions (``_perm_cache``): a page asks several questions about
    one plan (may they manage it, record updates, see scrutiny), and each was a query. The
    request's user is loaded afresh for every request, so a change of role shows at the next;
    a view that changes the user's own roles and then asks again calls ``forget_plan_roles``."""
    if not user.is_authenticated:
        return frozenset()
    cache = user.__dict__.setdefault("_plan_roles_cache", {})
    if plan.pk not in cache:
        cache[plan.pk] = frozenset(PlanRole.objects.filter(plan=plan, user=user).values_list("role", flat=True))
    return cache[plan.pk]


def forget_plan_roles(user) -> None:
    user.__dict__.pop("_plan_roles_cache", None)


def can_manage_plan(user, plan) -> bool:
    return user.is_superuser or has_plan_role(user, plan, PlanRole.Role.MANAGER)


def require_can_manage_plan(user, plan) -> None:
    if not can_manage_plan(user, plan):
        raise PermissionDenied(gettext("Only the plan's managers can do that."))


def get_managed_plan_or_404(user, pk) -> Plan:
    """A plan the user manages: 404 if they may not read it, 403 if they may read but not manage it."""
    plan = get_plan_or_404(user, pk)
    require_can_manage_plan(user, plan)
    return plan


def lead_post_choices(plan):
    """The posts that may lead a plan's themes and actions: its organisation's posts, and any
    post of a partner agency already leading one of its actions or themes. Nothing else is
    offered or accepted, so a post of another council cannot be attached to this plan."""
    return plan_posts(plan).order_by("title")


def recommendation_choices(plan):
    """The recommendations an action of the plan may answer: those of the plan's own sources."""
    return Recommendation.objects.filter(source__plan=plan).select_related("source").order_by(
        "source__key", "reference_sort", "reference")
def plan_posts(plan):
    """The posts a plan's pages may show: its organisation's, and the posts of other
    organisations that lead its actions or themes."""
    return Post.objects.filter(
        Q(organisation_id=plan.organisation_id)
        | Q(pk__in=Action.lead_posts.through.objects.filter(action__plan=plan).values("post_id"))
        | Q(pk__in=Post.objects.filter(themes_led__plan=plan).values("pk"))
    )


def get_post_or_404(plan, pk) -> Post:
    return get_object_or_404(plan_posts(plan).select_related("organisation"), pk=pk)


def can_manage_post(user, post, plan) -> bool:
    """A plan's managers maintain the posts of the plan's organisation, never another's (those
    are an administrator's)."""
    return can_manage_plan(user, plan) and post.organisation_id == plan.organisation_id


def require_can_manage_post(user, post, plan) -> None:
    if not can_manage_post(user, post, plan):
        raise PermissionDenied(gettext("This post belongs to another organisation: ask an administrator to change it."))


def get_plan_role_or_404(plan, pk) -> PlanRole:
    return get_object_or_404(plan.roles.select_related("user__organisation"), pk=pk)


def leads_action(user, action) -> bool:
    """Whether the user holds one of the action's lead posts. Read from the action's lead posts
    held (``Action.attach_lead_posts_held``) or prefetched ``lead_posts__holders`` when a list of
    actions has them (no query per action), else asked."""
    posts = getattr(action, "_prefetched_objects_cache", {}).get("lead_posts")
    prefetched = posts is not None and all("holders" in getattr(post, "_prefetched_objects_cache", {})
                                           for post in posts)
    if prefetched or "_lead_posts_held" in action.__dict__:
        return any(holder.pk == user.pk for _post, holders in action.lead_posts_held() for holder in holders)
    return action.lead_posts.filter(holders=user).exists()


def can_record_update(user, action) -> bool:
    """Leads record updates for the actions they lead; plan managers for any of their plan."""
    if not user.is_authenticated or not user.is_active:
        return False
    return leads_action(user, action) or can_manage_plan(user, action.plan)


def require_can_record_update(user, action) -> None:
    if not can_record_update(user, action):
        raise PermissionDenied(gettext("Only the action's leads and the plan's managers can do that."))


def get_measure_or_404(user, pk) -> Measure:
    return get_readable_or_404(
        Measure.objects.select_related("plan__rag_scheme", "plan__organisation", "owner"), user, pk)


def owns_measure(user, measure) -> bool:
    return measure.owner_id is not None and measure.owner.holders.filter(pk=user.pk).exists()


def can_record_measure_value(user, measure) -> bool:
    """A measure's owners (the people holding its owner post) record its values; the plan's
    managers record any measure's. Defining measures is the managers' (``can_manage_plan``)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return owns_measure(user, measure) or can_manage_plan(user, measure.plan)


def require_can_record_measure_value(user, measure) -> None:
    if not can_record_measure_value(user, measure):
        raise PermissionDenied(gettext("Only the measure's owner and the plan's managers can record its values."))


def managed_plans(user):
    """The plans a user manages: all for a superuser, else those they have the manager role on."""
    if not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(roles__user=user, roles__role=PlanRole.Role.MANAGER).distinct()


def can_create_plan(user) -> bool:
    """Administrators, and anyone who already manages a plan, may start a new plan."""
    return user.is_authenticated and (user.is_superuser or managed_plans(user).exists())


def new_plan_organisations(user):
    """The organisations a user may start a new plan for: any, for an administrator; otherwise
    their own organisation and the organisations of the plans they manage."""
    if not can_create_plan(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(Q(pk=user.organisation_id) | Q(plans__in=managed_plans(user))).distinct()


def get_import_or_404(user, pk):
    """An import is visible to the person who uploaded it (and administrators)."""
    from .models import PlanImport

    queryset = PlanImport.objects.select_related("plan__rag_scheme", "new_plan_scheme", "new_plan_organisation")
    if not user.is_superuser:
        queryset = queryset.filter(uploaded_by=user)
    return get_object_or_404(queryset, pk=pk)


def get_export_or_404(user, pk):
    """An export is visible only to the person who asked for it, while they can still see its plan."""
    from .models import Export

    return get_object_or_404(Export.objects.filter(requested_by=user, plan__in=visible_plans(user))
                             .select_related("plan"), pk=pk)


def can_use_admin(user) -> bool:
    """The Django admin is for administrators only; everyone else uses the product's pages."""
    return user.is_active and user.is_superuser


def get_measure_import_or_404(user, pk):
    """A measure import is visible to the person who uploaded it (and administrators), while they
    manage its plan."""
    from .models import MeasureImport

    queryset = MeasureImport.objects.filter(plan__in=managed_plans(user)).select_related("plan", "measure__plan")
    if not user.is_superuser:
        queryset = queryset.filter(uploaded_by=user)
    return get_object_or_404(queryset, pk=pk)


def get_report_import_or_404(user, pk):
    """A report import is visible to the person who uploaded it (and administrators), while they
    manage its plan."""
    from .models import ReportImport

    queryset = ReportImport.objects.filter(plan__in=managed_plans(user)).select_related("plan", "source")
    if not user.is_superuser:
        queryset = queryset.filter(uploaded_by=user)
    return get_object_or_404(queryset, pk=pk)


def can_write_public_summary(user, plan) -> bool:
    """A plan's managers write its public summaries (the publication app)."""
    return can_manage_plan(user, plan)


def can_approve_publication(user, plan) -> bool:
    """Holders of the plan's publication approver role (and administrators) approve public
    summaries, never one they wrote or last edited (``PublicSummary.approve`` keeps that rule)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or has_plan_role(user, plan, PlanRole.Role.PUBLICATION_APPROVER)


def plans_to_approve(user):
    """The plans whose public summaries ``user`` may approve (``can_approve_publication``, as a queryset)."""
    plans = visible_plans(user)
    if user.is_superuser:
        return plans
    return plans.filter(pk__in=PlanRole.objects.filter(
        user=user, role=PlanRole.Role.PUBLICATION_APPROVER).values("plan_id"))
