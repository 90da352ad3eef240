from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("plans/<int:plan_id>/notifications/", views.subscription_list, name="subscription_list"),
    path("plans/<int:plan_id>/notifications/add/", views.subscription_create, name="subscription_create"),
    path("notifications/<int:subscription_id>/", views.subscription_detail, name="subscription_detail"),
    path("notifications/<int:subscription_id>/change/", views.subscription_edit, name="subscription_edit"),
    path("notifications/<int:subscription_id>/secret/", views.subscription_new_secret, name="subscription_new_secret"),
    path("notifications/<int:subscription_id>/test/", views.subscription_test, name="subscription_test"),
    path("notifications/<int:subscription_id>/delete/", views.subscription_delete, name="subscription_delete"),
]
