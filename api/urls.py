"""The read API under /api/v1/ (token only: no session, no sign-in page) and the API tokens page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import token_views, views

app_name = "api"


def api(view, **initkwargs):
    """An API view: signed in by its token, never sent to the sign-in page."""
    return login_not_required(view.as_view(**initkwargs))


TABLES = [
    ("plans", views.PlanList, "plan_list"),
    ("themes", views.ThemeList, "theme_list"),
    ("actions", views.ActionList, "action_list"),
    ("updates", views.UpdateList, "update_list"),
    ("period-summaries", views.PeriodSummaryList, "period_summary_list"),
    ("period-counts", views.PeriodCountList, "period_count_list"),
    ("meetings", views.MeetingList, "meeting_list"),
    ("scrutiny-conclusions", views.AssessmentList, "assessment_list"),
    ("measures", views.MeasureList, "measure_list"),
    ("measure-values", views.MeasureValueList, "measure_value_list"),
]

urlpatterns = [
    path("account/api-tokens/", token_views.token_list, name="token_list"),
    path("account/api-tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
    # The schema is public (it describes the API, not anyone's data), so tools can read it first.
    path("api/v1/schema/", login_not_required(SpectacularAPIView.as_view(
        authentication_classes=[], permission_classes=[AllowAny], renderer_classes=[OpenApiJsonRenderer])),
        name="schema"),
    path("api/v1/plans/<int:pk>/", api(views.PlanDetail), name="plan_detail"),
    path("api/v1/meetings/<int:pk>/attention/", api(views.AttentionList), name="attention_list"),
    path("api/v1/meetings/<int:pk>/attention.csv", api(views.AttentionList, csv=True, schema=None),
         name="attention_csv"),
]
for table, view, name in TABLES:
    urlpatterns += [
        path(f"api/v1/{table}/", api(view), name=name),
        path(f"api/v1/{table}.csv", api(view, csv=True, schema=None), name=name.replace("_list", "_csv")),
    ]
