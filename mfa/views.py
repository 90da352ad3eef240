"""Sign-in's second step, the "Two-factor authentication" pages under the account, and password
recovery. A person with an authenticator app signs in in two steps: the password (the sign-in
page), then a security code (``verify``); only then are they signed in. django-axes counts a
wrong code as a failed sign-in for the account and the address, as it counts a wrong password."""

import base64
import hashlib
import time
from datetime import timedelta

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from improvement import landing
from improvement import views as improvement_views

from . import policy
from .forms import CodeForm, ConfirmPasswordForm, PasswordResetForm, SetPasswordForm, SetUpForm, SignInForm
from .models import ResetRequest

PENDING = "mfa_pending"  # the session's half-finished sign-in: password given, code not yet
PENDING_FOR = 5 * 60  # seconds to enter the code after the password
SHOW_CODES = "mfa_show_codes"  # new recovery codes, until the page that shows them once
CONTINUE = "mfa_continue"  # where someone sent to set up an app was going


class SignInView(improvement_views.SignInView):
    """The sign-in page: a person with an authenticator app is not signed in by their password
    alone but sent on to the security code (``verify``)."""

    authentication_form = SignInForm

    def form_valid(self, form):
        user = form.get_user()
        if not policy.has_authenticator(user):
            return super().form_valid(form)
        self.request.session.cycle_key()  # what the half-signed-in session knows, under a new key
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": int(time.time()),
                                         "next": self.get_redirect_url()}
        return redirect("mfa:verify")


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_FOR:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _safe_next(request, wanted=None) -> str:
    wanted = wanted if wanted is not None else request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return ""


def _next_url(request, user, pending):
    return _safe_next(request, (pending or {}).get("next") or None) or landing.landing_url(user)


@login_not_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step: a code from the app or a recovery code. Also asked of someone already
    signed in without one (by single sign-on, or before they set up an app) whose role needs it."""
    signed_in = request.user.is_authenticated
    if signed_in:
        user, pending = request.user, None
        if policy.is_verified(user) or not policy.has_authenticator(user):
            return redirect(landing.landing_url(user))
    else:
        user, pending = _pending_user(request)
        if user is None:
            if request.session.pop(PENDING, None):
                messages.info(request, _("You took too long to enter the security code. Sign in again."))
            return redirect("login")
    credentials = {"username": user.get_username()}  # as axes reads the sign-in form
    if not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, None, credentials)
    left = policy.recovery_codes_left(user)
    form = CodeForm(request.POST if request.method == "POST" else None, help_text=(
        _("Enter the 6-digit code your authenticator app shows now. If you cannot use your app, enter one of "
          "your recovery codes.") if left else _("Enter the 6-digit code your authenticator app shows now.")))
    if form.is_bound and form.is_valid():
        try:
            device = policy.verify_code(user, form.cleaned_data["code"])
        except policy.TooSoon:
            device = None
            form.add_error("code", _("You entered a wrong code a moment ago. Wait a few seconds, then enter "
                                     "the code your app shows now"))
        else:
            if device is None:
                form.add_error("code", _("The security code is not right. Enter the code your app shows now, "
                                         "or a recovery code"))
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return get_lockout_response(request, None, credentials)
        else:
            if not signed_in:
                request.session.pop(PENDING, None)
                login(request, user, backend=pending["backend"])
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = policy.recovery_codes_left(user)
                messages.info(request, ngettext(
                    "You used a recovery code: you have %(left)s left. Make new ones on your Two-factor "
                    "authentication page when you run low.",
                    "You used a recovery code: you have %(left)s left. Make new ones on your Two-factor "
                    "authentication page when you run low.", left) % {"left": left})
            return redirect(_next_url(request, user, pending))
    return render(request, "mfa/verify.html", {"form": form, "signed_in": signed_in},
                  status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET"])
def overview(request):
    user = request.user
    device = policy.authenticator(user)
    return render(request, "mfa/overview.html", {
        "device": device, "codes_left": policy.recovery_codes_left(user) if device else 0,
        "required": policy.must_use_two_factor(user), "local": user.has_usable_password()})


def _qr_svg(url: str) -> str:
    """The QR code as an inline SVG element (no style attributes: the CSP allows none)."""
    svg = segno.make(url, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", omitsize=False,
                                                title=_("QR code for your authenticator app"))
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" class="app-qr-code" ', 1)  # noqa: S308 - segno's own markup of our own URL
                     .replace("<title>", '<title id="qr-title">', 1))


def _grouped(key: str) -> str:
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def set_up(request):
    """Add an authenticator app: scan the QR code or type the key, then prove it with a code."""
    user = request.user
    if not user.has_usable_password():
        return redirect("mfa:overview")  # signs in with an identity provider, which has its own second factor
    if policy.has_authenticator(user):
        messages.info(request, _("You already have an authenticator app. Remove it first to set up another."))
        return redirect("mfa:overview")
    device = policy.pending_authenticator(user)
    form = SetUpForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            if device.verify_token(form.cleaned_data["code"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                request.session[SHOW_CODES] = policy.new_recovery_codes(user)
                request.session[CONTINUE] = _safe_next(request)
                otp_login(request, device)
                messages.success(request, _("Two-factor authentication is set up"))
                return redirect("mfa:recovery_codes")
        form.add_error("code", _("The code is not right. Check the app shows Improvement plans, then enter "
                                 "the code it shows now"))
    key = base64.b32encode(device.bin_key).decode()
    return render(request, "mfa/set_up.html", {
        "form": form, "qr_svg": _qr_svg(device.config_url), "key": _grouped(key),
        "required": policy.must_use_two_factor(user)}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET"])
def recovery_codes(request):
    """New recovery codes, shown once: reloading the page shows them no more."""
    codes = request.session.pop(SHOW_CODES, None)
    if not codes:
        return redirect("mfa:overview")
    continue_url = request.session.pop(CONTINUE, "") or ""
    return render(request, "mfa/recovery_codes.html", {"codes": codes, "continue_url": continue_url})


@require_POST
def new_recovery_codes(request):
    if not policy.has_authenticator(request.user):
        return redirect("mfa:overview")
    request.session[SHOW_CODES] = policy.new_recovery_codes(request.user)
    messages.success(request, _("You have new recovery codes: the old ones no longer work"))
    return redirect("mfa:recovery_codes")


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def remove(request):
    """Remove the app and the recovery codes, after the password (someone at an unlocked screen
    must not be able to weaken the account)."""
    user = request.user
    if not policy.has_authenticator(user):
        return redirect("mfa:overview")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, None, credentials)
    form = ConfirmPasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_bound and not form.is_valid() and "password" in form.errors and form.data.get("password"):
        # A wrong password here is a guess like one at sign-in, and counts against the same limits.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return get_lockout_response(request, None, credentials)
    if form.is_bound and form.is_valid():
        policy.remove_two_factor(user)
        request.session.pop("otp_device_id", None)
        messages.success(request, _("Two-factor authentication is removed: you sign in with your password only"))
        return redirect("mfa:setup" if policy.must_use_two_factor(user) else "mfa:overview")
    return render(request, "mfa/remove.html", {"form": form, "required": policy.must_use_two_factor(user)},
                  status=400 if form.errors else 200)


# Password recovery: Django's views and token generator (a link works once, for
# PASSWORD_RESET_TIMEOUT), our templates and mailer, and a limit on requests.

def _email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "mfa/password_reset.html"
    success_url = reverse_lazy("mfa:password_reset_sent")

    def form_valid(self, form):
        address = get_client_ip_address(self.request)
        email_hash = _email_hash(form.cleaned_data["email"])
        since = timezone.now() - timedelta(hours=1)
        recent = ResetRequest.objects.filter(made_at__gte=since)
        limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
        if (recent.filter(address=address).count() >= limit
                or recent.filter(email_hash=email_hash).count() >= limit):
            return render(self.request, "mfa/password_reset_limited.html", {"limit": limit}, status=429)
        ResetRequest.objects.filter(made_at__lt=since).delete()  # needed for the hour only
        ResetRequest.objects.create(address=address, email_hash=email_hash)
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "mfa/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "mfa/password_reset_confirm.html"
    success_url = reverse_lazy("mfa:password_reset_complete")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever had the old password is signed out everywhere (Django's session hash), and any
        # sign-in lockout of the account ends with it.
        AxesProxyHandler.reset_attempts(username=self.user.get_username())
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "mfa/password_reset_complete.html"

