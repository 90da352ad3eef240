from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("sign-in/with/<str:provider_id>/", views.sign_in_with, name="sign_in_with"),
    path("sign-in/with/<str:provider_id>/callback/", views.callback, name="callback"),
]
