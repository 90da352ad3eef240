from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"

    def ready(self):
        from improvement.signals import normalise_text_of

        # Registers the board-member plan-reader rule, the landing rules and the panels on core pages.
        from . import access, demo, landing, panels  # noqa: F401

        normalise_text_of(self)  # control characters out of every text field before it is saved
