"""Personal API tokens: created and revoked by their owner on the "API tokens" page, shown once,
stored only as a SHA-256 hash, each with an expiry and the plans it may read."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import pgettext

from improvement.models import Plan

# Every token starts with this, so a token pasted where it should not be (a query string, a
# commit) is recognisable, and the page can show which token is which by its first characters.
KEY_PREFIX = "ipt_"
DISPLAY_LENGTH = len(KEY_PREFIX) + 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: datetime.datetime | None = None):
        """Not revoked and not yet expired (judged on the real clock, never a demo's date)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text='What it is for, e.g. "Power BI performance report".')
    prefix = models.CharField(max_length=DISPLAY_LENGTH, editable=False,
                              help_text="The token's first characters, shown to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False, help_text="SHA-256 of the token.")
    plans = models.ManyToManyField(Plan, related_name="+", help_text="The plans it may read (its scope).")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The tokens page lists its owner's tokens, newest first.
            models.Index(fields=["owner", "created_at"], name="api_token_owner_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    @transaction.atomic
    def issue(cls, *, owner, name: str, plans, expires_at: datetime.datetime) -> tuple["ApiToken", str]:
        """A new token and its key: the key is returned this once and never stored."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(owner=owner, name=name, prefix=key[:DISPLAY_LENGTH], key_hash=hash_key(key),
                                   expires_at=expires_at)
        token.plans.set(plans)
        return token, key

    @classmethod
    def find(cls, key: str) -> "ApiToken | None":
        """The usable token with this key, with its owner; None for an unknown, revoked or
        expired key, or one whose owner can no longer sign in."""
        if not key.startswith(KEY_PREFIX) or len(key) > 100:
            return None
        token = cls.objects.usable().select_related("owner").filter(key_hash=hash_key(key)).first()
        if token is None or not token.owner.is_active:
            return None
        return token

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def state(self) -> str:
        if self.is_revoked:
            return "Revoked"
        return "Expired" if self.is_expired() else "Active"

    @property
    def state_label(self) -> str:
        """The state in words, in the language of the page."""
        return {"Revoked": pgettext("API token", "Revoked"), "Expired": pgettext("API token", "Expired")}.get(
            self.state, pgettext("API token", "Active"))

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def mark_used(self) -> None:
        """One UPDATE, without reading the row again."""
        self.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=self.last_used_at)
