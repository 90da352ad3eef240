"""Deliveries on the task worker (the database backend and its db_worker, as in production) to
a real HTTPS receiver on loopback: signed, retried with backoff after a 500, given up after the
limit, never following a redirect, and refused at send time for an address not allowed."""

import datetime
import time

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from notifications import signing
from notifications.models import Delivery, Event, Subscription
from tests.conftest import status


@pytest.fixture
def worker(settings, monkeypatch, on_commit):
    """The database task backend; ``run()`` is one pass of `manage.py db_worker` over what is due.
    The worker would close the test's connection (it is inside the test's transaction, which the
    worker takes for a broken one): here it keeps it."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        with on_commit():  # what a task queues on commit (a retry) is queued as the worker's commit would
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


def record_red_update(action, lead, scheme, on_commit):
    with on_commit():
        return action.record_update(status=status(scheme, "R"), note="Stalled: the audit team is on leave", by=lead)


def test_an_update_is_delivered_signed_with_the_subscriptions_secret(
        action, lead, scheme, subscription, receiver, worker, on_commit):
    record_red_update(action, lead, scheme, on_commit)
    worker()

    assert len(receiver.requests) == 2  # the update, and its status turning Red
    request = receiver.requests[0]
    assert request.path == "/hooks/plan"
    assert signing.verify(subscription.secret, request.headers, request.body, now=int(time.time()))
    assert not signing.verify("whsec_" + "A" * 44, request.headers, request.body, now=int(time.time()))
    assert not signing.verify(subscription.secret, request.headers, request.body + b" ", now=int(time.time()))
    assert request.headers["webhook-event"] == Event.UPDATE_RECORDED
    assert request.headers["content-type"].startswith("application/json")
    assert request.json()["action"]["number"] == "1.1"
    delivery = Delivery.objects.get(event=Event.UPDATE_RECORDED)
    assert request.headers["webhook-id"] == str(delivery.uuid)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (Delivery.Status.DELIVERED, 1, 200)


def test_a_signature_older_than_five_minutes_does_not_verify(action, lead, scheme, subscription, receiver, worker,
                                                             on_commit):
    record_red_update(action, lead, scheme, on_commit)
    worker()
    request = receiver.requests[0]
    sent = int(request.headers["webhook-timestamp"])
    assert signing.verify(subscription.secret, request.headers, request.body, now=sent + 299)
    assert not signing.verify(subscription.secret, request.headers, request.body, now=sent + 301)


def test_a_delivery_answered_500_is_tried_again_after_the_backoff_and_then_delivered(
        plan, manager, receiver, worker, on_commit):
    subscription = Subscription.objects.create(plan=plan, name="Ops", kind="json", url=receiver.url,
                                               events=[Event.ROUND_OPENED])
    receiver.answer(500)
    with on_commit():
        from boards.models import UpdateRound

        UpdateRound.open_round(plan=plan, period=datetime.date(2013, 1, 1), deadline=datetime.date(2013, 1, 10),
                               by=manager)
    worker()
    delivery = Delivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (Delivery.Status.RETRYING, 1, 500)
    assert "The endpoint answered 500" in delivery.error
    assert delivery.next_attempt_at - delivery.last_attempt_at >= datetime.timedelta(minutes=1)

    worker()  # too soon: the retry waits for its time
    assert len(receiver.requests) == 1

    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1), tick=True):
        worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (Delivery.Status.DELIVERED, 2, 200)
    assert len(receiver.requests) == 2
    # The same message id on every attempt, so a receiver can drop a repeat.
    assert receiver.requests[0].headers["webhook-id"] == receiver.requests[1].headers["webhook-id"]


def test_a_delivery_is_given_up_after_the_limit_of_attempts_with_growing_waits(
        plan, manager, subscription, receiver, worker, on_commit, client):
    receiver.answer(*[503] * Delivery.MAX_ATTEMPTS)
    with on_commit():
        response = _send_test(manager, subscription)
    assert response.status_code == 302
    waits = []
    for _attempt in range(Delivery.MAX_ATTEMPTS):
        delivery = Delivery.objects.get(subscription=subscription)
        moment = delivery.next_attempt_at or timezone.now()
        with time_machine.travel(moment + datetime.timedelta(seconds=1), tick=True):
            worker()
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
    assert len(receiver.requests) == Delivery.MAX_ATTEMPTS
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, Delivery.MAX_ATTEMPTS)
    assert f"Given up after {Delivery.MAX_ATTEMPTS} attempts" in delivery.error
    assert waits == sorted(waits) and len(set(waits)) == len(waits) == Delivery.MAX_ATTEMPTS - 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=True):
        worker()
    assert len(receiver.requests) == Delivery.MAX_ATTEMPTS  # nothing more


def _send_test(user, subscription):
    from tests.conftest import client_for

    return client_for(user).post(f"/notifications/{subscription.pk}/test/")


def test_a_redirect_is_not_followed(manager, subscription, receiver, worker, on_commit):
    receiver.answer(302, headers={"Location": "https://169.254.169.254/latest/meta-data/"})
    with on_commit():
        _send_test(manager, subscription)
    worker()
    delivery = Delivery.objects.get(subscription=subscription)
    assert len(receiver.requests) == 1
    assert (delivery.status, delivery.response_status, delivery.attempts) == (Delivery.Status.FAILED, 302, 1)
    assert "a redirect" in delivery.error and "not followed" in delivery.error


def test_an_endpoint_refusing_with_a_400_is_not_tried_again(manager, subscription, receiver, worker, on_commit):
    receiver.answer(400)
    with on_commit():
        _send_test(manager, subscription)
    worker()
    delivery = Delivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "The endpoint refused it: 400" in delivery.error


def test_a_loopback_destination_is_refused_at_send_time_when_private_addresses_are_not_allowed(
        settings, manager, subscription, receiver, worker, on_commit):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False
    with on_commit():
        _send_test(manager, subscription)
    worker()
    delivery = Delivery.objects.get(subscription=subscription)
    assert receiver.requests == []
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "loopback address (127.0.0.1)" in delivery.error


def test_a_network_on_the_allow_list_is_reached_without_allowing_every_private_address(
        settings, manager, subscription, receiver, worker, on_commit):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
    with on_commit():
        _send_test(manager, subscription)
    worker()
    assert Delivery.objects.get(subscription=subscription).status == Delivery.Status.DELIVERED
    assert len(receiver.requests) == 1


def test_a_name_that_resolves_to_loopback_at_send_time_is_refused_whatever_it_resolved_to_before(
        settings, manager, plan, receiver, worker, on_commit, monkeypatch):
    """DNS rebinding: the name is looked up again at send time and the connection goes to the
    address that was checked. Here the name resolves to loopback by then (the only stand-in of
    the tests: the resolver's answer)."""
    import socket

    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False
    subscription = Subscription.objects.create(plan=plan, name="Rebinding", kind="json", events=[],
                                               url=f"https://hooks.example.org:{receiver.port}/hooks/plan")
    real = socket.getaddrinfo

    def rebound(host, *args, **kwargs):
        return real("127.0.0.1" if host == "hooks.example.org" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    with on_commit():
        _send_test(manager, subscription)
    worker()
    delivery = Delivery.objects.get(subscription=subscription)
    assert receiver.requests == []
    assert delivery.status == Delivery.Status.FAILED and "loopback address" in delivery.error


def test_a_certificate_that_is_not_trusted_fails_and_is_tried_again(settings, manager, subscription, receiver,
                                                                     worker, on_commit):
    settings.WEBHOOK_CA_FILE = ""  # the system's authorities, which did not sign the receiver's certificate
    with on_commit():
        _send_test(manager, subscription)
    worker()
    delivery = Delivery.objects.get(subscription=subscription)
    assert receiver.requests == []
    assert delivery.status == Delivery.Status.RETRYING and "CERTIFICATE_VERIFY_FAILED" in delivery.error


def test_a_teams_subscription_is_sent_an_adaptive_card_in_the_workflows_envelope(
        plan, manager, receiver, worker, on_commit, action, lead, scheme):
    Subscription.objects.create(plan=plan, name="Teams", kind=Subscription.Kind.TEAMS, url=receiver.url,
                                events=[Event.STATUS_RED])
    record_red_update(action, lead, scheme, on_commit)
    worker()
    (request,) = receiver.requests
    message = request.json()
    assert message["type"] == "message"
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "Action 1.1 turned Red for December 2012"
    facts = {fact["title"]: fact["value"] for fact in card["body"][1]["facts"]}
    assert facts["Plan"] == plan.name and facts["Status"] == "Red" and facts["Action"].startswith("1.1: ")
    assert card["actions"][0]["url"].endswith(f"/actions/{action.pk}/")
    assert "Stalled" not in request.body.decode()
