from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Publication, PublicationSettings, PublicSummary


@admin.register(PublicationSettings)
class PublicationSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "public_slug", "is_published", "vocabulary"]


@admin.register(PublicSummary)
class PublicSummaryAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "kind", "title_en", "state", "edited_at"]
    list_filter = ["state", "kind"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["plan", "version", "approved_at"]
    readonly_fields = ["plan", "version", "approved_by", "approved_at", "content"]

    # A snapshot is made by an approval and never changed (publication/models.py).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
