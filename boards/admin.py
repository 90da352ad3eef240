from django.contrib import admin

from improvement.admin import AuditedAdmin

from .models import Assessment, Board, BoardMember, Meeting, Reminder, ReviewNote, ScrutinyReview, UpdateRound


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 0


@admin.register(Board)
class BoardAdmin(AuditedAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["plans"]
    inlines = [BoardMemberInline]


@admin.register(UpdateRound)
class UpdateRoundAdmin(AuditedAdmin):
    list_display = ["plan", "period", "deadline", "closed_at"]
    list_filter = ["plan"]
    readonly_fields = ["closed_at", "closed_by"]


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["board", "plan", "date", "round"]
    list_filter = ["board", "plan"]


@admin.register(ReviewNote)
class ReviewNoteAdmin(AuditedAdmin):
    list_display = ["action", "kind", "author", "status", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["action", "author"]


class AssessmentInline(admin.TabularInline):
    model = Assessment
    fields = ["number", "group", "conclusion", "comment"]
    extra = 0


@admin.register(ScrutinyReview)
class ScrutinyReviewAdmin(AuditedAdmin):
    list_display = ["title", "plan", "board", "date"]
    inlines = [AssessmentInline]


@admin.register(Reminder)
class ReminderAdmin(AuditedAdmin):
    list_display = ["round", "user", "kind", "status", "attempted_at"]
    list_filter = ["kind", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


