from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import health, import_views, views

improvement_patterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/themes/<int:theme_id>/", views.theme_detail, name="theme_detail"),
    path("plans/<int:plan_id>/actions/", views.ActionTableView.as_view(), name="action_table"),
    path("actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("actions/<int:action_id>/update/", views.record_update, name="record_update"),
    path("actions/<int:action_id>/changes/", views.action_changes, name="action_changes"),
    path("actions/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("exports/<int:export_id>/", views.export_detail, name="export_detail"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("plans/<int:plan_id>/import/", import_views.import_start, name="import_start"),
    path("plans/<int:plan_id>/export.xlsx", import_views.plan_export, name="plan_export"),
    path("plans/import/", import_views.import_start, name="import_new_plan"),
    path("imports/<int:import_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:import_id>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("imports/<int:import_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import-template.xlsx", import_views.import_template, name="import_template"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
]

urlpatterns = [
    path("", include((improvement_patterns, "improvement"))),
    path("", include("boards.urls")),
    path("", include("reports.urls")),
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
]
