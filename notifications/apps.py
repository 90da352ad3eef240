from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from improvement.signals import normalise_text_of

        # Connects the receivers of the events a subscription may follow, and the "Manage this plan" panel.
        from . import events, panels  # noqa: F401

        normalise_text_of(self)  # control characters out of every text field before it is saved
