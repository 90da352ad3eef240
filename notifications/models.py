"""A plan's webhook subscriptions and the log of what was sent to each.

A subscription names an HTTPS endpoint (a Microsoft Teams Workflows webhook, sent an Adaptive
Card, or any endpoint, sent signed JSON) and the events of its plan it follows. Each event makes
one ``Delivery`` per subscription that follows it; the task worker sends it, retrying with
backoff (``notifications.tasks``), and the delivery keeps every attempt's outcome.
"""

import base64
import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from improvement.models import Plan


def new_secret() -> str:
    """A signing key in the Standard Webhooks form: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class Event(models.TextChoices):
    UPDATE_RECORDED = "update.recorded", _("An update is recorded on an action")
    STATUS_RED = "status.red", _("An action’s status turns Red (needs the board’s attention)")
    CHALLENGE_POSTED = "challenge.posted", _("A review note or challenge is posted")
    CHALLENGE_ANSWERED = "challenge.answered", _("A review note or challenge is answered")
    ROUND_OPENED = "round.opened", _("An update round is opened")
    ROUND_CLOSING_SOON = "round.closing_soon", _("An update round’s deadline is near")
    PACK_ISSUED = "pack.issued", _("A board pack is issued")
    TEST = "test", _("A test notification sent from the subscription’s page")


# What a manager may choose (the test is sent on request, to any subscription).
FOLLOWABLE = [choice for choice in Event.choices if choice[0] != Event.TEST]


class Subscription(models.Model):
    class Kind(models.TextChoices):
        TEAMS = "teams", _("Microsoft Teams (a Workflows webhook: posts an Adaptive Card)")
        JSON = "json", _("Any HTTPS endpoint (posts signed JSON)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    name = models.CharField(_("name"), max_length=200,
                            help_text=_("For you: where it goes, e.g. “Board’s Teams channel”."))
    kind = models.CharField(_("where it goes"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("webhook address"), max_length=2000)
    events = models.JSONField(default=list, help_text="The Event values it follows.")
    secret = models.CharField(max_length=100, default=new_secret, editable=False,
                              help_text="Signs every delivery (HMAC-SHA256); shown to the plan's managers.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("notifications:subscription_detail", args=[self.pk])

    def follows(self, event: str) -> bool:
        return event == Event.TEST or event in self.events

    def event_labels(self) -> list[str]:
        labels = dict(FOLLOWABLE)
        return [labels[event] for event, _label in FOLLOWABLE if event in self.events]


class DeliveryQuerySet(models.QuerySet):
    def for_log(self):
        return self.order_by("-created_at", "-pk")


class Delivery(models.Model):
    """One event sent to one subscription: its payload as built when the event happened, and
    the outcome of each attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        RETRYING = "retrying", _("Failed, will try again")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, given up")

    # Attempts in all, and the wait before each retry: about a minute, five, half an hour, three
    # hours (an endpoint down for an afternoon still gets it).
    MAX_ATTEMPTS = 5
    BACKOFF = (datetime.timedelta(minutes=1), datetime.timedelta(minutes=5),
               datetime.timedelta(minutes=30), datetime.timedelta(hours=3))

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False,
                            help_text="Sent as Webhook-Id: the same on every attempt, so a receiver can drop repeats.")
    event = models.CharField(max_length=30, choices=Event.choices)
    key = models.CharField(max_length=100, help_text="What the event is about, e.g. update:12: one delivery per "
                                                     "subscription and key.")
    summary = models.CharField(max_length=300, help_text="One line for the log on the subscription's page.")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the last attempt failed, in words.")
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "key"], name="one_delivery_per_subscription_and_key"),
        ]
        indexes = [
            # The subscription's page lists its latest deliveries.
            models.Index(fields=["subscription", "-created_at"], name="delivery_log_idx"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} to {self.subscription}"

    def backoff(self) -> datetime.timedelta:
        """The wait after the attempt just made (``attempts`` of them so far)."""
        return self.BACKOFF[min(self.attempts, len(self.BACKOFF)) - 1]
