from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Single sign-on"

    def ready(self):
        from improvement.signals import normalise_text_of

        from . import signals  # noqa: F401  (roles from claims at each sign-in; the provider's sign-out)

        normalise_text_of(self)
