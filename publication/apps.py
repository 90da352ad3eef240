from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = "Publication"

    def ready(self):
        from improvement.signals import normalise_text_of
        from reports.packs import register_pack_note

        from . import demo, drift, panels  # noqa: F401 - the demo receiver and the panel on "Manage this plan"

        register_pack_note(drift.pack_notes)
        normalise_text_of(self)  # control characters out of every text field before it is saved
