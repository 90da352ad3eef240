from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"

    def ready(self):
        # Registers the board-member plan-reader rule and the panels on core pages.
        from . import access, demo, panels  # noqa: F401
