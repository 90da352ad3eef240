"""The publication pages, under the namespace "publication": the signed-in pages under a plan's
address, and the public page and its feed under /public/plans/<slug>/ (stable: the slug is
fixed when the plan's publication is first set up and does not follow renames)."""

from django.urls import path

from . import feeds, public_views, views

app_name = "publication"

urlpatterns = [
    path("plans/<int:plan_id>/publication/", views.overview, name="overview"),
    path("plans/<int:plan_id>/publication/settings/", views.settings_page, name="settings"),
    path("plans/<int:plan_id>/publication/switch-off/", views.switch_off, name="switch_off"),
    path("plans/<int:plan_id>/publication/introduction/", views.write_intro, name="write_intro"),
    path("plans/<int:plan_id>/publication/themes/<int:theme_id>/", views.write_theme, name="write_theme"),
    path("plans/<int:plan_id>/publication/recommendations/<int:recommendation_id>/", views.write_recommendation,
         name="write_recommendation"),
    path("plans/<int:plan_id>/publication/summaries/<int:summary_id>/", views.review, name="review"),
    path("plans/<int:plan_id>/publication/summaries/<int:summary_id>/approve/", views.approve, name="approve"),
    path("plans/<int:plan_id>/publication/summaries/<int:summary_id>/return/", views.send_back, name="send_back"),
    path("publication/approvals/", views.approvals, name="approvals"),
    path("public/plans/<slug:slug>/", public_views.public_page, name="public_page"),
    path("public/plans/<slug:slug>/feed/", feeds.feed, name="feed"),
    path("public/plans/<slug:slug>/<str:language>/", public_views.public_page_in, name="public_page_in"),
]
