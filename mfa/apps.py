from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "Two-factor authentication"

    def ready(self):
        from improvement.signals import normalise_text_of

        from . import panels  # noqa: F401 - its part of "Your account"

        normalise_text_of(self)  # control characters out of every text field before it is saved
