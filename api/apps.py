from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Read API"

    def ready(self):
        from improvement.signals import normalise_text_of

        from . import panels  # noqa: F401 - its part of "Your account"

        normalise_text_of(self)  # control characters out of every text field before it is saved
