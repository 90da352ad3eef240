"""The forms of the second step, setting up an app, removing it, and password recovery, in the
words GOV.UK pages use."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from improvement.mail import recipient_language, templated_email

from .tasks import send_reset_email


class SignInForm(auth_forms.AuthenticationForm):
    """Django's sign-in form, its messages in the catalogue of this site (Django's own Welsh speaks
    of a staff account)."""

    error_messages = {
        "invalid_login": _("Please enter a correct %(username)s and password. Note that both fields may be "
                           "case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")


class CodeForm(forms.Form):
    """One security code: from the app (6 digits) or a recovery code."""

    code = forms.CharField(
        label=_("Security code"), max_length=20, strip=True,
        error_messages={"required": _("Enter the security code from your authenticator app")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false",
                                      "class": "govuk-input--width-10", "autocapitalize": "none"}))

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text


class SetUpForm(forms.Form):
    code = forms.CharField(
        label=_("Enter the 6-digit code your app shows"), max_length=20, strip=True,
        help_text=_("The code changes every 30 seconds."),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "spellcheck": "false", "class": "govuk-input--width-5"}))

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code must be 6 numbers, like 123456"))
        return code


class ConfirmPasswordForm(forms.Form):
    """Your password again, before something that weakens how you sign in."""

    password = forms.CharField(
        label=_("Password"), strip=False,
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Your password is not right. Enter the password you sign in with"))
        return password


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form: it emails only active accounts with a password (local accounts), and says
    nothing about whether any has the address. The email comes from our template, and the task
    worker sends it (``mfa.tasks``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = _("Email address")
        field.help_text = _("The email address of your account. We will send a link to reset your password.")
        field.error_messages = {"required": _("Enter your email address"),
                                "invalid": _("Enter an email address in the correct format, like name@example.org")}
        field.widget.attrs.pop("autofocus", None)  # GOV.UK: do not move focus on load
        field.widget.attrs["spellcheck"] = "false"

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        context = {**context, "site_url": settings.SITE_URL.rstrip("/"),
                   "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        # In the language the account's owner chose (User.language), not the requester's browser's.
        message = templated_email("mfa/emails/password_reset.txt", context, [to_email],
                                  language=recipient_language(context.get("user")))
        send_reset_email.enqueue(message.subject, message.body, to_email)


class SetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {"password_mismatch": _("The passwords do not match. Enter the same new password twice")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, required) in {
            "new_password1": (_("New password"), _("Enter a new password")),
            "new_password2": (_("Confirm new password"), _("Enter the new password again")),
        }.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
            self.fields[name].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = (
            _("At least 12 characters. Not a common password, not only numbers, and not like your name or username."))
        self.fields["new_password2"].help_text = ""

    def validate_password_for_user(self, user, *args, **kwargs):
        super().validate_password_for_user(user, "new_password1")
