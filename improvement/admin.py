"""The admin, for administrators only (``improvement.admin_site.AdministratorsSite``).

RAG history is read-only here: updates are recorded through the update form, never edited.
Edits are audited (django-simple-history) and versioned like the product's own pages.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Action,
    ClockReminder,
    ComparatorValue,
    Evidence,
    Measure,
    MeasureTarget,
    MeasureValue,
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


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin for a model with an audit trail: its "History" page shows who changed what, with
    old and new values; versioned models refuse a save over a newer version."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if any(field.name == "version" for field in self.model._meta.fields):
            kwargs.setdefault("form", VersionedModelForm)
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change and "read_version" in form.cleaned_data:
            claim(obj, form.cleaned_data["read_version"])  # raises StaleEdit: nothing is saved
        super().save_model(request, obj, form, change)

    def history_view(self, request, object_id, extra_context=None):
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            # Logs of their own (RAG history, evidence, reminders): the admin's own history page.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as error:  # the admin's transaction has rolled back the whole save
            messages.error(request, str(error).replace("shown below", "shown here"))
            return redirect(request.path)


class ReadOnlyInline(admin.TabularInline):
    """Shown, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ThemeInline(admin.TabularInline):
    model = Theme
    fields = ["position", "code", "title", "lead"]
    extra = 0
    show_change_link = True


class SourceInline(admin.TabularInline):
    model = Source
    fields = ["key", "kind", "title", "published"]
    extra = 0


class PlanRoleInline(admin.TabularInline):
    model = PlanRole
    extra = 0


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "rag_scheme", "current_period", "regime", "clock_trigger"]
    list_filter = ["organisation", "rag_scheme"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemeInline, SourceInline, PlanRoleInline]


@admin.register(ClockReminder)
class ClockReminderAdmin(admin.ModelAdmin):
    """What send_clock_reminders sent, or failed to send: a record, not edited by hand."""

    list_display = ["plan", "deadline", "due_date", "user", "status", "attempted_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ObjectiveInline(admin.TabularInline):
    model = Objective
    fields = ["position", "code", "title"]
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    fields = ["number", "objective", "description", "due_date"]
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    list_display = ["__str__", "plan", "lead", "position"]
    list_filter = ["plan"]
    search_fields = ["code", "title", "outcomes"]
    inlines = [ObjectiveInline, ActionInline]


@admin.register(Objective)
class ObjectiveAdmin(AuditedAdmin):
    list_display = ["code", "title", "theme"]
    list_filter = ["theme__plan"]
    search_fields = ["code", "title"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["position", "title", "due_date"]
    extra = 0


class UpdateInline(ReadOnlyInline):
    """The RAG history, shown but never editable here."""

    model = Update
    fields = ["period", "status", "note", "revised_due_date", "created_by", "created_at"]
    readonly_fields = fields
    ordering = ["-period", "-pk"]


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
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
class SourceAdmin(AuditedAdmin):
    list_display = ["key", "title", "kind", "published", "plan"]
    list_filter = ["plan", "kind"]
    search_fields = ["key", "title"]


@admin.register(Recommendation)
class RecommendationAdmin(AuditedAdmin):
    list_display = ["__str__", "urgency", "due_date", "short_text"]
    list_filter = ["source__plan", "urgency"]
    list_select_related = ["source"]
    search_fields = ["reference", "text"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:80]


@admin.register(Update)
class UpdateAdmin(AuditedAdmin):
    """Read-only: the RAG history is append-only."""

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
class EvidenceAdmin(AuditedAdmin):
    list_display = ["__str__", "action", "uploaded_by", "created_at"]
    list_select_related = ["action", "uploaded_by"]
    fields = ["action", "update", "title", "original_name", "content_type", "size", "url",
              "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MeasureTargetInline(admin.TabularInline):
    model = MeasureTarget
    fields = ["date", "value", "note"]
    extra = 0


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["__str__", "plan", "unit", "polarity", "frequency", "owner"]
    list_filter = ["plan", "unit", "frequency"]
    list_select_related = ["plan", "owner"]
    search_fields = ["reference", "name", "definition"]
    filter_horizontal = ["themes", "actions", "recommendations"]
    inlines = [MeasureTargetInline]

    def has_delete_permission(self, request, obj=None):
        # A measure with recorded values cannot be deleted (the values are protected).
        if obj is not None and obj.values.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(MeasureValue)
class MeasureValueAdmin(AuditedAdmin):
    """Read-only: measure values are append-only, recorded on the measure's page or imported."""

    list_display = ["measure", "period", "value", "recorded_by", "recorded_at", "via", "is_illustrative"]
    list_filter = ["measure__plan", "period", "via", "is_illustrative"]
    list_select_related = ["measure", "recorded_by"]
    search_fields = ["measure__name", "measure__reference", "commentary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComparatorValue)
class ComparatorValueAdmin(AuditedAdmin):
    list_display = ["measure", "period", "comparator", "area", "value", "source"]
    list_filter = ["measure__plan", "comparator", "period"]
    list_select_related = ["measure"]
    search_fields = ["measure__name", "area", "source"]


class RagStatusInline(admin.TabularInline):
    model = RagStatus
    extra = 0


@admin.register(RagScheme)
class RagSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    inlines = [RagStatusInline]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["title"]
    filter_horizontal = ["holders"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Organisation", {"fields": ["job_title", "organisation"]}),
    )
    list_display = ["username", "first_name", "last_name", "job_title", "organisation", "is_staff"]
    list_filter = ["organisation", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "job_title"]
