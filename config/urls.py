"""The root URLconf: each app's pages under its own namespace, then the pages of the project
itself (sign-in, the admin, /healthz), whose names tests and templates reverse un-namespaced."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from improvement import views as improvement_views
from mfa import views as mfa_views

from . import health, language

urlpatterns = [
    path("", include("improvement.urls")),
    path("", include("boards.urls")),
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
    path("", include("api.urls")),
    path("", include("mfa.urls")),
    path("", include("publication.urls")),
    # The sign-in page asks for a security code next when the person has an authenticator app (mfa/).
    path("sign-in/", mfa_views.SignInView.as_view(), name="login"),
    path("", include("identity.urls")),
    path("sign-out/", improvement_views.SignOutView.as_view(), name="logout"),
    path("account/password/", improvement_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("language/", language.switch_language, name="set_language"),
]
