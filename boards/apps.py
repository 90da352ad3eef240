from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"

    def ready(self):
        # Registers the board-member plan-reader rule, the landing rules and the panels on core pages.
        from . import access, demo, landing, panels  # noqa: F401
