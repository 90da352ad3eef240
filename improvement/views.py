from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import access, exports, landing, panels
from .clock import today
from .exports import export_response, needs_background, table_actions
from .filters import ActionFilter
from .forms import ActionForm, PasswordChangeForm, UpdateForm
from .lib.spreadsheets import XLSX_TYPE
from .measure_views import missing_values_for_owner, rag_counts
from .models import Action, Export, Update
from .reporting import PeriodView
from .tables import ActionTable
from .tasks import request_export
from .versioning import StaleEdit

ACTIONS_PER_PAGE = 50


@require_GET
def plan_list(request):
    plans = access.visible_plans(request.user).select_related("organisation").with_counts().order_by(
        "organisation__name", "name")
    context = {"plans": plans, "can_create_plan": access.can_create_plan(request.user)}
    return render(request, "improvement/plan_list.html", context)


@require_GET
def plan_detail(request, plan_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    as_of = today()
    view = PeriodView.of_plan(plan, as_of=as_of)
    theme_summaries = view.theme_summaries()
    themes = list(plan.themes.select_related("lead").order_by("position"))
    for theme in themes:
        theme.summary = theme_summaries.get(theme.pk)
    readings = view.measure_readings()
    context = {
        "measure_count": len(readings),
        "measure_counts": rag_counts(readings),
        "plan": plan,
        "summary": view.summary,
        "themes": themes,
        "overdue_count": view.overdue_count,
        "missing_count": view.missing_count,
        "can_manage": access.can_manage_plan(request.user, plan),
        "as_of": as_of,
        "clock": (clock := plan.clock()),
        "clock_dates": (clock.with_states(as_of, soon_working_days=settings.CLOCK_REMINDER_WORKING_DAYS)
                        if clock else []),
    }
    return render(request, "improvement/plan_detail.html", context)


@require_GET
def theme_detail(request, plan_id, theme_id):
    plan = access.get_plan_or_404(request.user, plan_id)
    theme = plan.themes.select_related("lead").filter(pk=theme_id).first()
    if theme is None:
        raise Http404("No such theme in this plan")
    actions = list(
        Action.objects.filter(theme=theme)
        .for_list(plan.current_period, today())
        .order_by("objective__position", "number_sort")
    )
    objectives = {objective.pk: objective for objective in theme.objectives.order_by("position")}
    groups = [(None, [a for a in actions if a.objective_id is None])]
    for objective in objectives.values():
        groups.append((objective, [a for a in actions if a.objective_id == objective.pk]))
    context = {
        "plan": plan,
        "theme": theme,
        "groups": [(objective, items) for objective, items in groups if objective or items],
        "action_count": len(actions),
        "can_manage": access.can_manage_plan(request.user, plan),
    }
    return render(request, "improvement/theme_detail.html", context)


@require_GET
def action_detail(request, action_id):
    action = access.get_action_or_404(request.user, action_id)
    history = list(
        action.updates.select_related("status", "created_by", "recorded_for")
        .prefetch_related(Prefetch("evidence", to_attr="evidence_list"))  # a list: no manager per update
        .order_by("-period", "-pk")
    )
    # Within a period the latest update counts; earlier ones are kept but marked superseded.
    seen_periods = set()
    for update in history:
        update.superseded = update.period in seen_periods
        seen_periods.add(update.period)
    context = {
        "plan": action.plan,
        "action": action,
        "leads": list(action.lead_posts.select_related("organisation")),
        "recommendations": list(action.recommendations.select_related("source")),
        "milestones": list(action.milestones.all()),
        "history": history,
        "can_record_update": access.can_record_update(request.user, action),
        "can_edit": access.can_manage_plan(request.user, action.plan),
        "is_overdue": action.is_overdue(today()),
        "panels": panels.render("action_detail", request, action),
        "impact_readings": PeriodView.of_plan(action.plan).measure_readings(action.impact_measures.all()),
    }
    return render(request, "improvement/action_detail.html", context)


class ActionTableView(SingleTableMixin, FilterView):
    """The plan's actions: filter, sort, page, and export the filtered rows."""

    table_class = ActionTable
    filterset_class = ActionFilter
    template_name = "improvement/action_table.html"
    # Paginated by the table (not the list view as well, which would count twice).
    table_pagination = {"per_page": ACTIONS_PER_PAGE}
    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        self.plan = access.get_plan_or_404(request.user, kwargs["plan_id"])
        self.as_of = today()
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return table_actions(self.plan, self.as_of)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.update(plan=self.plan, as_of=self.as_of)
        return kwargs

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in {"csv", "xlsx"}:
            filterset = self.get_filterset(self.get_filterset_class())
            if not filterset.is_valid():
                messages.error(request, gettext("Those filters could not be read, so nothing was exported."))
                return redirect(request.path)
            actions = filterset.qs.order_by("number_sort")
            query = self.request.GET.copy()
            query.pop("export", None)
            query.pop("page", None)
            if needs_background(actions, export):
                return redirect(request_export(self.plan, export, as_of=self.as_of, query=query.urlencode(),
                                               user=request.user))
            return export_response(self.plan, actions, export, as_of=self.as_of)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            plan=self.plan,
            query=query.urlencode(),
            active_filters=[
                (name, value) for name, value in query.items() if value and name not in {"sort"}
            ],
            panels=panels.render("action_table", self.request, self.plan),
            inline_xlsx_rows=exports.INLINE_XLSX_ROWS,
        )
        return context


@require_GET
def my_actions(request):
    actions = list(
        Action.objects.for_lead(request.user)
        .open()
        .select_related("plan", "current_status")
        .with_current_update()
        .with_overdue(today())
        .order_by("has_update_in_period", "plan__name", "number_sort")
    )
    to_do = [action for action in actions if not action.has_update_in_period]
    done = [action for action in actions if action.has_update_in_period]
    context = {"to_do": to_do, "done": done, "panels": panels.render("my_actions", request, actions),
               "missing_measures": missing_values_for_owner(request.user)}
    return render(request, "improvement/my_actions.html", context)


@require_http_methods(["GET", "POST"])
def record_update(request, action_id):
    action = access.get_action_or_404(request.user, action_id)
    access.require_can_record_update(request.user, action)
    plan = action.plan
    form = UpdateForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            action.record_update(
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user,
                revised_due_date=form.cleaned_data.get("revised_due_date"),
                revised_date_reason=form.cleaned_data.get("revised_date_reason", ""),
                evidence=form.evidence(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, gettext("Update recorded for action %(number)s (%(period)s).") % {
                    "number": action.number, "period": plan.current_period_label}
            )
            return redirect(action)
    reported = PeriodView.of_plan(plan).by_action(Action.objects.filter(pk=action.pk))[action.pk]
    previous = reported.previous_status
    context = {
        "plan": plan,
        "action": action,
        "form": form,
        "previous_status": previous,
        "already_updated": Update.objects.filter(action=action, period=plan.current_period).exists(),
    }
    return render(request, "improvement/record_update.html", context, status=400 if form.errors else 200)


@require_GET
def evidence_download(request, evidence_id):
    evidence = access.get_evidence_or_404(request.user, evidence_id)
    if not evidence.file:
        raise Http404("This evidence is a link, not a file")
    return stored_file_response(evidence.file, get_valid_filename(evidence.original_name) or "evidence",
                                evidence.content_type or "application/octet-stream")


def stored_file_response(field_file, filename, content_type):
    """A private stored file (evidence, exports) as a download, after the caller's access check."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def job_page_template(request, template_name: str) -> str:
    """A background job's page, or only its status partial when the page's script asks for it
    (`?part=status`) to refresh the status without reloading the page."""
    return f"{template_name}#status" if request.GET.get("part") == "status" else template_name


@require_GET
def export_detail(request, export_id):
    export = access.get_export_or_404(request.user, export_id)
    return render(request, job_page_template(request, "improvement/export_detail.html"),
                  {"export": export, "plan": export.plan})


@require_GET
def export_download(request, export_id):
    export = access.get_export_or_404(request.user, export_id)
    if export.status != Export.Status.READY or not export.file:
        raise Http404("This export is not ready")
    return stored_file_response(export.file, export.filename, XLSX_TYPE)


CHANGES_SHOWN = 100


@require_GET
def action_changes(request, action_id):
    """Who changed the action's details, when, and from what to what (the audit trail)."""
    action = access.get_action_or_404(request.user, action_id)
    records = list(action.history.select_related("history_user").order_by("history_date", "history_id"))
    changes = []
    previous = None
    for record in records:
        entry = {"record": record, "kind": record.get_history_type_display(), "fields": []}
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field == "version":
                    continue
                field = Action._meta.get_field(change.field)
                entry["fields"].append((field.verbose_name.capitalize(), _audit_value(change.old),
                                        _audit_value(change.new)))
        if previous is None or entry["fields"] or record.history_type != "~":
            changes.append(entry)
        previous = record
    changes.reverse()
    context = {"plan": action.plan, "action": action, "changes": changes[:CHANGES_SHOWN],
               "more": max(0, len(changes) - CHANGES_SHOWN)}
    return render(request, "improvement/action_changes.html", context)


def _audit_value(value) -> str:
    """A field's value as people read it (many-to-many values arrive as lists of row dicts)."""
    from .models import Post, Recommendation

    if isinstance(value, list):
        if not value:
            return "none"
        if "post" in value[0]:
            ids = [item["post"] for item in value]
            return "; ".join(Post.objects.filter(pk__in=ids).values_list("title", flat=True))
        if "recommendation" in value[0]:
            ids = [item["recommendation"] for item in value]
            return "; ".join(str(r) for r in Recommendation.objects.filter(pk__in=ids).select_related("source"))
        return str(value)
    if value in (None, ""):
        return "empty"
    return str(value)


@require_http_methods(["GET", "POST"])
def action_edit(request, action_id):
    """A plan manager edits an action's details, refusing to overwrite a newer version."""
    action = access.get_action_or_404(request.user, action_id)
    access.require_can_manage_plan(request.user, action.plan)
    form = ActionForm(request.POST or None, instance=action)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            form.save_versioned(by=request.user)
        except StaleEdit as error:
            stale = error
            form.add_error(None, str(error))
            # The next save applies over their version: the user has now seen it.
            data = request.POST.copy()
            data["read_version"] = error.current.version
            form.data = data
        else:
            messages.success(request, gettext("Action %(number)s saved.") % {"number": action.number})
            return redirect(action)
    context = {"plan": action.plan, "action": action, "form": form, "stale": stale}
    status_code = 409 if stale else (400 if form.errors else 200)
    return render(request, "improvement/action_edit.html", context, status=status_code)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Anyone signed in changes their own password (the admin's page is for staff only). The
    session stays signed in with the new password; other sessions of the user end."""

    form_class = PasswordChangeForm

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SignInView(auth_views.LoginView):
    """Sign in, then go where ``next`` says or else where the person's work is (``landing``)."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing.landing_url(self.request.user)


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only), then the sign-in page says so."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # The session has gone. A user_logged_out receiver may leave what the signed-out visitor's
        # next page needs (such as an offer to sign out of their organisation's account too).
        request.session.update(getattr(request, "keep_after_sign_out", {}))
        # The message travels in the messages cookie.
        messages.success(request, gettext("You have signed out."))
        return response
# The pages a council must publish for any service it runs, linked from every page's footer and
# readable without signing in.

@require_GET
def account(request):
    """Your account: who you are signed in as, your password, and what other apps offer here
    (two-factor authentication, API tokens) through the "account" panels."""
    return render(request, "improvement/account.html", {"panels": panels.render("account", request, request.user)})


@login_not_required
@require_GET
def accessibility_statement(request):
    return render(request, "improvement/site/accessibility.html", {"contact": settings.ACCESSIBILITY_CONTACT})


@login_not_required
@require_GET
def privacy_notice(request):
    return render(request, "improvement/site/privacy.html", {
        "contact": settings.PRIVACY_CONTACT,
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "max_hours": settings.SESSION_MAX_HOURS,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "export_hours": int(Export.KEPT_FOR.total_seconds() // 3600),
    })


@login_not_required
@require_GET
def cookies(request):
    return render(request, "improvement/site/cookies.html", {
        "session_cookie": settings.SESSION_COOKIE_NAME, "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60, "max_hours": settings.SESSION_MAX_HOURS})
