"""The admin, fit for a plan manager maintaining their plans.

Plan managers are staff without Django model permissions: what they may see and change is
decided by ``access.managed_plans``, like everything else, so one plan's manager never sees
another council's plan here either. RAG history is read-only in the admin: updates are
recorded through the update form, never edited.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from simple_history.admin import SimpleHistoryAdmin

from . import access
from .models import (
    Action,
    Evidence,
    Milestone,
    Objective,
    Organisation,
    Plan,
    PlanRole,
    Post,
    RagScheme,
    RagStatus,
    Recommendation,
    Source,
    Theme,
    Update,
    User,
)
from .versioning import StaleEdit, VersionedModelForm, claim

admin.site.site_header = "Improvement plans: administration"
admin.site.site_title = "Improvement plans admin"


class PlanScopedAdmin(SimpleHistoryAdmin):
    """Admin for a model that belongs to a plan through ``plan_path``; its "History" page shows
    the audit trail (who changed what, old and new values)."""

    plan_path = "plan"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if any(field.name == "version" for field in self.model._meta.fields):
            kwargs.setdefault("form", VersionedModelForm)
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change and "read_version" in form.cleaned_data:
            claim(obj, form.cleaned_data["read_version"])  # raises StaleEdit: nothing is saved
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as error:  # the admin's transaction has rolled back the whole save
            messages.error(request, str(error).replace("shown below", "shown here"))
            return redirect(request.path)

    def _plans(self, request):
        return access.managed_plans(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.plan_path}__in": self._plans(request)})

    def _allowed(self, request, obj=None):
        if request.user.is_superuser:
            return True
        plans = self._plans(request)
        if obj is None:
            return plans.exists()
        plan = obj
        for part in self.plan_path.split("__"):
            plan = getattr(plan, part)
        return plans.filter(pk=plan.pk).exists()

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if not request.user.is_superuser:
            model = db_field.related_model
            if model is Plan:
                field.queryset = self._plans(request)
            elif model in (Theme, Source):
                field.queryset = field.queryset.filter(plan__in=self._plans(request))
            elif model is Objective:
                field.queryset = field.queryset.filter(theme__plan__in=self._plans(request))
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if not request.user.is_superuser and db_field.related_model is Recommendation:
            field.queryset = field.queryset.filter(source__plan__in=self._plans(request))
        return field


class ManagedInline(admin.TabularInline):
    """Inlines follow their parent: the parent admin has already checked the plan."""

    def _allowed(self, request):
        return access.managed_plans(request.user).exists()

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class ThemeInline(ManagedInline):
    model = Theme
    fields = ["position", "code", "title", "lead"]
    extra = 0
    show_change_link = True


class SourceInline(ManagedInline):
    model = Source
    fields = ["key", "kind", "title", "published"]
    extra = 0


class PlanRoleInline(ManagedInline):
    model = PlanRole
    extra = 0


@admin.register(Plan)
class PlanAdmin(PlanScopedAdmin):
    plan_path = "pk"
    list_display = ["name", "organisation", "rag_scheme", "current_period"]
    list_filter = ["organisation", "rag_scheme"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemeInline, SourceInline, PlanRoleInline]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=self._plans(request))

    def _allowed(self, request, obj=None):
        if request.user.is_superuser:
            return True
        plans = self._plans(request)
        return plans.exists() if obj is None else plans.filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ObjectiveInline(ManagedInline):
    model = Objective
    fields = ["position", "code", "title"]
    extra = 0


class ActionInline(ManagedInline):
    model = Action
    fields = ["number", "objective", "description", "due_date"]
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(PlanScopedAdmin):
    list_display = ["__str__", "plan", "lead", "position"]
    list_filter = ["plan"]
    search_fields = ["code", "title", "outcomes"]
    inlines = [ObjectiveInline, ActionInline]


@admin.register(Objective)
class ObjectiveAdmin(PlanScopedAdmin):
    plan_path = "theme__plan"
    list_display = ["code", "title", "theme"]
    list_filter = ["theme__plan"]
    search_fields = ["code", "title"]


class MilestoneInline(ManagedInline):
    model = Milestone
    fields = ["position", "title", "due_date"]
    extra = 0


class UpdateInline(ManagedInline):
    """The RAG history, shown but never editable here."""

    model = Update
    fields = ["period", "status", "note", "revised_due_date", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-period", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(PlanScopedAdmin):
    list_display = ["number", "short_description", "theme", "lead_agency", "due_date", "current_status"]
    list_filter = ["plan", "theme", "current_status"]
    list_select_related = ["theme", "current_status"]
    search_fields = ["number", "description", "lead_agency", "measures"]
    filter_horizontal = ["lead_posts", "recommendations"]
    readonly_fields = ["current_status", "revised_due_date", "last_updated_at"]
    inlines = [MilestoneInline, UpdateInline]
    ordering = ["plan", "number_sort"]

    @admin.display(description="Action")
    def short_description(self, obj):
        return obj.description[:80]

    def has_delete_permission(self, request, obj=None):
        # An action with RAG history cannot be deleted (the history is protected).
        if obj is not None and obj.updates.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Source)
class SourceAdmin(PlanScopedAdmin):
    list_display = ["key", "title", "kind", "published", "plan"]
    list_filter = ["plan", "kind"]
    search_fields = ["key", "title"]


@admin.register(Recommendation)
class RecommendationAdmin(PlanScopedAdmin):
    plan_path = "source__plan"
    list_display = ["__str__", "urgency", "due_date", "short_text"]
    list_filter = ["source__plan", "urgency"]
    list_select_related = ["source"]
    search_fields = ["reference", "text"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:80]


@admin.register(Update)
class UpdateAdmin(PlanScopedAdmin):
    """Read-only: the RAG history is append-only."""

    plan_path = "action__plan"
    list_display = ["action", "period", "status", "created_by", "created_at", "is_illustrative"]
    list_filter = ["action__plan", "period", "is_illustrative"]
    list_select_related = ["action", "status", "created_by"]
    search_fields = ["action__number", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(PlanScopedAdmin):
    plan_path = "action__plan"
    list_display = ["__str__", "action", "uploaded_by", "created_at"]
    list_select_related = ["action", "uploaded_by"]
    fields = ["action", "update", "title", "original_name", "content_type", "size", "url",
              "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StaffOnlyReferenceAdmin(SimpleHistoryAdmin):
    """Reference data shared across plans: plan managers may read it; only administrators
    change it."""

    def has_module_permission(self, request):
        return request.user.is_superuser or access.managed_plans(request.user).exists()

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


class RagStatusInline(admin.TabularInline):
    model = RagStatus
    extra = 0


@admin.register(RagScheme)
class RagSchemeAdmin(StaffOnlyReferenceAdmin):
    list_display = ["name", "slug"]
    inlines = [RagStatusInline]


@admin.register(Organisation)
class OrganisationAdmin(StaffOnlyReferenceAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Post)
class PostAdmin(StaffOnlyReferenceAdmin):
    list_display = ["title", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["title"]
    filter_horizontal = ["holders"]

    def has_change_permission(self, request, obj=None):
        # Plan managers change who holds their organisation's posts as staff change.
        if request.user.is_superuser:
            return True
        if obj is None:
            return access.managed_plans(request.user).exists()
        return access.managed_plans(request.user).filter(organisation=obj.organisation).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        organisations = access.managed_plans(request.user).values("organisation")
        return queryset.filter(organisation__in=organisations)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Organisation", {"fields": ["job_title", "organisation"]}),
    )
    list_display = ["username", "first_name", "last_name", "job_title", "organisation", "is_staff"]
    list_filter = ["organisation", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "job_title"]
