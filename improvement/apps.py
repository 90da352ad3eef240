from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Improvement plans"

    def ready(self):
        from .signals import normalise_text_of

        normalise_text_of(self)  # control characters out of every text field before it is saved
