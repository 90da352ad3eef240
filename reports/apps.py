from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from improvement.signals import normalise_text_of

        from . import panels  # noqa: F401

        normalise_text_of(self)  # control characters out of every text field before it is saved
