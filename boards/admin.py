from django.contrib import admin

from improvement.admin import ManagedInline, PlanScopedAdmin

from .models import Assessment, Board, BoardMember, Meeting, Reminder, ReviewNote, ScrutinyReview, UpdateRound


class BoardMemberInline(ManagedInline):
    model = BoardMember
    extra = 0


@admin.register(Board)
class BoardAdmin(PlanScopedAdmin):
    """Boards are shown to the managers of a plan they oversee."""

    plan_path = "plans"
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["plans"]
    inlines = [BoardMemberInline]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(plans__in=self._plans(request)).distinct()

    def _allowed(self, request, obj=None):
        if request.user.is_superuser:
            return True
        plans = self._plans(request)
        return plans.exists() if obj is None else obj.plans.filter(pk__in=plans.values("pk")).exists()


@admin.register(UpdateRound)
class UpdateRoundAdmin(PlanScopedAdmin):
    list_display = ["plan", "period", "deadline", "closed_at"]
    list_filter = ["plan"]
    readonly_fields = ["closed_at", "closed_by"]


@admin.register(Meeting)
class MeetingAdmin(PlanScopedAdmin):
    list_display = ["board", "plan", "date", "round"]
    list_filter = ["board", "plan"]


@admin.register(ReviewNote)
class ReviewNoteAdmin(PlanScopedAdmin):
    plan_path = "meeting__plan"
    list_display = ["action", "kind", "author", "status", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["action", "author"]


class AssessmentInline(ManagedInline):
    model = Assessment
    fields = ["number", "group", "conclusion", "comment"]
    extra = 0


@admin.register(ScrutinyReview)
class ScrutinyReviewAdmin(PlanScopedAdmin):
    list_display = ["title", "plan", "board", "date"]
    inlines = [AssessmentInline]


@admin.register(Reminder)
class ReminderAdmin(PlanScopedAdmin):
    plan_path = "round__plan"
    list_display = ["round", "user", "kind", "status", "attempted_at"]
    list_filter = ["kind", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


