"""The one "today" of the site: every rule that asks what day it is (overdue, late, a deadline
passed, which reminder is due) asks ``today()``.

A demo site sets ``SITE_AS_AT`` (an ISO date, environment variable of the same name) so that
plans written years ago read as they did at the time; production never sets it (settings refuse
it when DEBUG is off unless the site says it is a demo). Timestamps of records (when an update
was written, a round closed, a pack issued) stay real: they come from ``timezone.now()``.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def as_at() -> datetime.date | None:
    """The date the site is shown as at, or None when it runs on the real clock."""
    return getattr(settings, "SITE_AS_AT", None)


def today() -> datetime.date:
    return as_at() or timezone.localdate()
