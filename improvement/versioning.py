"""No lost work: an edit carries the version it was read at, and saving over a newer version
is refused with who changed it and when, instead of silently overwriting.

The save claims the version with a conditional UPDATE (``WHERE version = <read>``), which both
SQLite and PostgreSQL apply atomically: of several simultaneous saves of the same version,
exactly one changes a row and wins; the others change nothing and are told.
"""

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext


class StaleEdit(Exception):
    def __init__(self, instance):
        current = type(instance).objects.get(pk=instance.pk)
        latest = current.history.select_related("history_user").first()
        self.current = current
        self.by = latest.history_user if latest and latest.history_user else gettext("someone else")
        self.at = timezone.localtime(latest.history_date) if latest else None
        if self.at:
            message = gettext("This was changed by %(person)s at %(time)s on %(date)s since you opened it, so your "
                              "changes have not been saved. Their version is shown below: make your changes again "
                              "on it.") % {"person": self.by, "time": f"{self.at:%H:%M}",
                                           "date": date_format(self.at, "j F Y")}
        else:
            message = gettext("This was changed by %(person)s since you opened it, so your changes have not been "
                              "saved. Their version is shown below: make your changes again on it.") % {
                "person": self.by}
        super().__init__(message)


def claim(instance, read_version: int) -> None:
    """Move the row from ``read_version`` to the next version, or raise StaleEdit."""
    model = type(instance)
    if model.objects.filter(pk=instance.pk, version=read_version).update(version=F("version") + 1) != 1:
        raise StaleEdit(instance)
    instance.version = read_version + 1


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that carries the version it was read at and refuses stale saves."""

    read_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["read_version"].initial = self.instance.version
        else:
            self.fields["read_version"].required = False

    def save_versioned(self, *, by=None):
        """Save in one transaction after claiming the version read. Raises StaleEdit."""
        with transaction.atomic():
            if self.instance.pk:
                claim(self.instance, self.cleaned_data["read_version"])
            instance = self.save(commit=False)
            instance._history_user = by
            instance.save()
            self.save_m2m()
        return instance
