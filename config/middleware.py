"""Sessions end 12 hours after sign-in, however active (the 30-minute idle limit is the
session cookie's age, renewed on every request); the project's own "Page not found" page
under DEBUG unless DEBUG_ERROR_PAGES asks for Django's; a signed-in person's chosen language."""

import time

from django.conf import settings
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import Http404
from django.utils import translation
from django.views.defaults import page_not_found

SIGNED_IN_AT = "signed_in_at"


@receiver(user_logged_in)
def _remember_sign_in_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                request.session[SIGNED_IN_AT] = int(time.time())
            elif time.time() - signed_in_at > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class NotFoundPageMiddleware:
    """With DEBUG on, Django answers every 404 with its technical page (the URL patterns, the
    exception). ``make run`` is what newcomers see, so it sets DEBUG_ERROR_PAGES=false and gets
    templates/404.html, as production does; a developer who wants Django's page sets
    DEBUG_ERROR_PAGES=true. Production (DEBUG off) never reaches here: Django shows 404.html."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 404 and settings.DEBUG and not settings.DEBUG_ERROR_PAGES
                and response.get("Content-Type", "").startswith("text/html")):
            return page_not_found(request, Http404())
        return response


class UserLanguageMiddleware:
    """After LocaleMiddleware (the language cookie, else the browser's Accept-Language): a signed-in
    person's chosen language (User.language, set with the language switch) wins, on any browser they
    sign in on. LocaleMiddleware's response half then sends Content-Language and Vary for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
