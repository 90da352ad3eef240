import functools

from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import Signal

from .lib.text import normalise_text

# Sent by `manage.py demo` once the demo plans and accounts exist, with ``users`` (a dict of the
# demo accounts by username) and ``plans`` (by slug), so other apps can add their demo data.
demo_loaded = Signal()


@functools.cache
def _text_fields(model) -> tuple[models.Field, ...]:
    return tuple(field for field in model._meta.concrete_fields
                 if isinstance(field, models.CharField | models.TextField))


def normalise_text_fields(sender, instance, raw=False, **kwargs):
    """Before any save of the model (forms, the admin, the import's creates, record_update()),
    its text fields lose control characters as improvement.lib.text says. Loading a fixture
    (``raw``) stores what it is given."""
    if raw:
        return
    for field in _text_fields(sender):
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            setattr(instance, field.attname, normalise_text(value))


def normalise_text_of(app_config) -> None:
    """Normalise the text of every model of an app (each app of the project calls this in ready()).
    Writes that skip save() do not pass here: bulk_create() must be given text that is already
    normal (the import's cells are, through importing.parsers.clean_text)."""
    for model in app_config.get_models(include_auto_created=True):
        pre_save.connect(normalise_text_fields, sender=model, dispatch_uid=f"normalise_text:{model._meta.label}")

# Sent by ``improvement.models.record_updates`` (every update recorded, one at a time or a whole
# import or workbook at once), inside its transaction, with ``plan`` and ``updates`` (the new
# Update rows, in the order recorded). A receiver that acts outside the database (a notification)
# defers to ``transaction.on_commit``. Update rows are written with bulk_create(), so post_save
# is not sent for them.
updates_recorded = Signal()
