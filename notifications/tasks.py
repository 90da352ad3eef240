"""Sending deliveries on the task worker: one attempt per task run, retried with backoff.

An answer of 2xx is delivered. A 5xx, 408 or 429 answer, a timeout or a failed connection is
tried again after ``Delivery.BACKOFF`` (the task queued again to run after it), up to
``Delivery.MAX_ATTEMPTS`` in all. Any other answer (a redirect, which is never followed; a 4xx,
the endpoint refusing it) and a destination refused at send time (``destinations``) fail at
once: trying again would get the same.
"""

import http.client
import json
import logging
import time

from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from . import destinations, signing
from .models import Delivery, Subscription
from .teams import adaptive_card

logger = logging.getLogger(__name__)

RETRY_STATUSES = {408, 429}
USER_AGENT = "improvement-plans-webhooks/1"


def queue(delivery_ids) -> None:
    for delivery_id in delivery_ids:
        deliver.enqueue(delivery_id)


def body_of(delivery) -> bytes:
    payload = delivery.payload
    if delivery.subscription.kind == Subscription.Kind.TEAMS:
        payload = adaptive_card(payload)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def request_headers(delivery, body: bytes, timestamp: int) -> dict:
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
            "webhook-event": delivery.event,
            **signing.headers(delivery.subscription.secret, str(delivery.uuid), timestamp, body)}


def _claim(delivery) -> bool:
    """Take the next attempt, so that a task picked up twice sends once."""
    return bool(Delivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING],
    ).update(attempts=F("attempts") + 1, last_attempt_at=timezone.now()))


def attempt(delivery) -> tuple[str, int | None, str]:
    """(outcome, HTTP status, error): outcome "delivered", "retry" or "failed"."""
    body = body_of(delivery)
    try:
        answer = destinations.post(delivery.subscription.url, body,
                                   request_headers(delivery, body, int(time.time())))
    except destinations.RefusedDestination as refusal:
        return "failed", None, f"Not sent: {refusal}"
    except (OSError, http.client.HTTPException) as error:
        return "retry", None, f"Could not reach the endpoint: {error or type(error).__name__}"
    if 200 <= answer.status < 300:
        return "delivered", answer.status, ""
    said = f" It said: {answer.body.strip()[:300]}" if answer.body.strip() else ""
    if 300 <= answer.status < 400:
        return "failed", answer.status, (f"The endpoint answered {answer.status} {answer.reason} (a redirect), which "
                                         "is not followed: give the subscription the address it leads to.")
    if answer.status >= 500 or answer.status in RETRY_STATUSES:
        return "retry", answer.status, f"The endpoint answered {answer.status} {answer.reason}.{said}"
    return "failed", answer.status, f"The endpoint refused it: {answer.status} {answer.reason}.{said}"


@task
def deliver(delivery_id: int) -> str:
    delivery = Delivery.objects.select_related("subscription__plan").filter(pk=delivery_id).first()
    if delivery is None or not _claim(delivery):
        return f"delivery {delivery_id} was already sent, given up or taken"
    delivery.attempts += 1
    outcome, status, error = attempt(delivery)
    now = timezone.now()
    fields = {"response_status": status, "error": error, "next_attempt_at": None}
    if outcome == "delivered":
        fields.update(status=Delivery.Status.DELIVERED, delivered_at=now)
    elif outcome == "retry" and delivery.attempts < Delivery.MAX_ATTEMPTS:
        if deliver.get_backend().supports_defer:
            fields.update(status=Delivery.Status.RETRYING, next_attempt_at=now + delivery.backoff())
        else:
            outcome = "failed"
            fields.update(status=Delivery.Status.FAILED,
                          error=f"{error} Not retried: the task backend cannot wait (TASKS_BACKEND=immediate).")
    else:
        if outcome == "retry":  # as many attempts as there may be
            fields["error"] = f"{error} Given up after {delivery.attempts} attempts."
        outcome = "failed"
        fields.update(status=Delivery.Status.FAILED)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
        if fields["next_attempt_at"]:
            run_after = fields["next_attempt_at"]
            transaction.on_commit(lambda: deliver.using(run_after=run_after).enqueue(delivery.pk))
    if outcome != "delivered":
        logger.warning("Webhook delivery %s (attempt %s) %s: %s", delivery.pk, delivery.attempts, outcome,
                       fields["error"])
    return outcome
