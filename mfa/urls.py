from django.urls import path

from . import views

app_name = "mfa"

urlpatterns = [
    path("sign-in/security-code/", views.verify, name="verify"),
    path("account/two-factor/", views.overview, name="overview"),
    path("account/two-factor/set-up/", views.set_up, name="setup"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/two-factor/recovery-codes/new/", views.new_recovery_codes, name="recovery_codes_new"),
    path("account/two-factor/remove/", views.remove, name="remove"),
    path("account/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("account/password/reset/sent/", views.PasswordResetSentView.as_view(), name="password_reset_sent"),
    path("account/password/reset/complete/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("account/password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
]
