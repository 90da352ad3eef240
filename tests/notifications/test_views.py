"""A plan manager's notification pages (notifications/views.py): the list, adding a
subscription (and the addresses refused on the form, writing nothing), changing it, its page
with the delivery log (query count pinned), a new secret, a test notification, deleting it. Other readers of the plan
get 403, outsiders 404 (the permission matrix tries every persona too)."""

import pytest

from notifications.models import Delivery, Event, Subscription
from tests.conftest import client_for

# Session, user, plan and roles, messages, the page's own rows (the log: its rows and their count).
LIST_QUERIES = 9
SUBSCRIPTION_PAGE_QUERIES = 11


def add(client, plan, **data):
    fields = {"name": "Board channel", "kind": "json", "url": "https://127.0.0.1/hook",
              "events": [Event.UPDATE_RECORDED, Event.PACK_ISSUED], **data}
    return client.post(f"/plans/{plan.pk}/notifications/add/", fields)


def test_manager_adds_a_subscription_and_lands_on_its_page_with_its_secret(plan, manager, receiver):
    response = add(client_for(manager), plan, url=receiver.url)
    subscription = Subscription.objects.get()
    assert response.status_code == 302 and response.url == f"/notifications/{subscription.pk}/"
    assert subscription.events == [Event.UPDATE_RECORDED, Event.PACK_ISSUED]
    assert subscription.created_by == manager and subscription.secret.startswith("whsec_")
    page = client_for(manager).get(response.url).content.decode()
    assert subscription.secret in page and "Nothing has been sent to this subscription yet." in page
    assert "An update is recorded on an action" in page


@pytest.mark.parametrize(("url", "message"), [
    ("http://hooks.example.org/x", "Enter an address that starts with https://"),
    ("not a url", "Enter an address that starts with https://"),
    ("https://", "Enter a web address, like https://example.org/webhook"),
    ("https://[::1", "Enter a web address, like https://example.org/webhook"),
    ("https://user:secret@hooks.example.org/x", "Enter the address without a user name or password in it"),
    ("https://127.0.0.1/hook", "That address leads to a loopback address (127.0.0.1)"),
    ("https://localhost:8443/hook", "That address leads to a loopback address"),
    ("https://10.1.2.3/hook", "That address leads to a private or reserved address (10.1.2.3)"),
    ("https://169.254.169.254/latest/meta-data/", "That address leads to a link-local address (169.254.169.254)"),
    ("https://[fd00::1]/hook", "That address leads to a private or reserved address (fd00::1)"),
    ("https://[::ffff:192.168.0.1]/hook", "That address leads to a private or reserved address (192.168.0.1)"),
    ("https://0.0.0.0/hook", "That address leads to a private or reserved address (0.0.0.0)"),
    ("https://no-such-host.invalid/hook", "No server called “no-such-host.invalid” could be found"),
])
def test_an_address_that_is_not_https_or_not_allowed_is_refused_with_what_to_fix(plan, manager, url, message):
    response = add(client_for(manager), plan, url=url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page, page[:3000]
    assert page.count('href="#id_url"') == 1  # the error summary links to the field
    assert not Subscription.objects.exists()


def test_an_allowed_network_is_accepted_on_the_form(settings, plan, manager):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert add(client_for(manager), plan, url="https://10.20.1.5/hook").status_code == 302
    assert add(client_for(manager), plan, url="https://10.21.1.5/hook").status_code == 400


def test_missing_name_kind_and_events_each_say_what_to_fill_in(plan, manager):
    response = client_for(manager).post(f"/plans/{plan.pk}/notifications/add/", {"url": ""})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("Enter a name for the subscription", "Select where it goes", "Enter the webhook address",
                    "Select at least one thing to send"):
        assert message in page
    assert "<title>Error: " in page
    assert not Subscription.objects.exists()


def test_an_unknown_event_is_refused(plan, manager, receiver):
    response = add(client_for(manager), plan, url=receiver.url, events=["plan.deleted"])
    assert response.status_code == 400 and not Subscription.objects.exists()


def test_the_list_shows_the_plans_subscriptions_in_a_fixed_number_of_queries(plan, manager, receiver):
    from tests.conftest import count_queries

    client = client_for(manager)
    url = f"/plans/{plan.pk}/notifications/"
    Subscription.objects.create(plan=plan, name="One", kind="teams", url=receiver.url, events=[Event.PACK_ISSUED])
    assert count_queries(client, url) == LIST_QUERIES
    for n in range(5):
        Subscription.objects.create(plan=plan, name=f"More {n}", kind="json", url=receiver.url, events=[])
    assert count_queries(client, url) == LIST_QUERIES
    page = client.get(url).content.decode()
    assert "Microsoft Teams" in page and "More 4" in page and "A board pack is issued" in page


def test_the_subscription_page_shows_the_log_in_a_fixed_number_of_queries(
        plan, manager, subscription):
    from tests.conftest import count_queries

    client = client_for(manager)
    url = subscription.get_absolute_url()

    def log(count, start):
        Delivery.objects.bulk_create(
            Delivery(subscription=subscription, event=Event.PACK_ISSUED, key=f"k{start + n}", summary=f"Pack {n}",
                     payload={}, status=Delivery.Status.FAILED, attempts=5, response_status=503,
                     error="The endpoint answered 503 Service Unavailable. Given up after 5 attempts.")
            for n in range(count))

    log(2, 0)
    assert count_queries(client, url) == SUBSCRIPTION_PAGE_QUERIES
    log(80, 100)
    assert count_queries(client, url) == SUBSCRIPTION_PAGE_QUERIES
    page = client.get(url).content.decode()
    assert "The latest 50 of 82 notifications" in page
    assert page.count("Given up after 5 attempts") == 50


def test_manager_sends_a_test_notification_and_sees_it_delivered_in_the_log(
        manager, subscription, receiver, on_commit):
    client = client_for(manager)
    with on_commit():
        response = client.post(f"/notifications/{subscription.pk}/test/")
    assert response.status_code == 302
    assert receiver.requests[0].json()["event"] == "test"
    page = client.get(subscription.get_absolute_url()).content.decode()
    assert "Delivered" in page and "Answer 200" in page
    assert "A test notification for “Board&#x27;s Teams channel”" in page


def test_manager_deletes_a_subscription_after_confirming(manager, subscription):
    client = client_for(manager)
    url = f"/notifications/{subscription.pk}/delete/"
    assert "Are you sure you want to delete the subscription" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response.url == f"/plans/{subscription.plan_id}/notifications/"
    assert not Subscription.objects.exists()


def test_a_reader_of_the_plan_gets_403_and_an_outsider_404_on_a_subscription(viewer, chair, lead, outsider,
                                                                            action, subscription):
    url = subscription.get_absolute_url()
    for reader in (viewer, chair, lead):
        assert client_for(reader).get(url).status_code == 403
        assert client_for(reader).post(f"/notifications/{subscription.pk}/test/").status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert not Delivery.objects.exists()


def test_the_wrong_method_is_refused(manager, subscription, plan):
    client = client_for(manager)
    assert client.get(f"/notifications/{subscription.pk}/test/").status_code == 405
    assert client.post(subscription.get_absolute_url()).status_code == 405
    assert client.post(f"/plans/{plan.pk}/notifications/").status_code == 405


def test_the_manage_hub_links_to_the_notifications(plan, manager, subscription):
    page = client_for(manager).get(f"/plans/{plan.pk}/manage/").content.decode()
    assert f'href="/plans/{plan.pk}/notifications/"' in page and "1 subscription" in page


def test_manager_changes_the_events_and_address_and_the_secret_stays(manager, subscription, receiver):
    client = client_for(manager)
    secret = subscription.secret
    url = f"/notifications/{subscription.pk}/change/"
    assert 'value="Board&#x27;s Teams channel"' in client.get(url).content.decode()
    response = client.post(url, {"name": "Renamed", "kind": "teams", "url": receiver.url.replace("/plan", "/two"),
                                 "events": [Event.ROUND_OPENED]})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.kind, subscription.events) == ("Renamed", "teams", [Event.ROUND_OPENED])
    assert subscription.url.endswith("/hooks/two") and subscription.secret == secret


def test_a_change_to_a_refused_address_is_not_saved(settings, manager, subscription):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False
    before = subscription.url
    response = client_for(manager).post(f"/notifications/{subscription.pk}/change/", {
        "name": "x", "kind": "json", "url": "https://192.168.1.10/hook", "events": [Event.PACK_ISSUED]})
    assert response.status_code == 400 and "private or reserved address (192.168.1.10)" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.url == before and subscription.name == "Board's Teams channel"


def test_a_new_secret_replaces_the_old_and_signs_what_follows(manager, subscription, receiver, on_commit):
    import time

    from notifications import signing

    old = subscription.secret
    client = client_for(manager)
    assert client.post(f"/notifications/{subscription.pk}/secret/").status_code == 302
    subscription.refresh_from_db()
    assert subscription.secret != old and subscription.secret.startswith("whsec_")
    with on_commit():
        client.post(f"/notifications/{subscription.pk}/test/")
    (request,) = receiver.requests
    assert signing.verify(subscription.secret, request.headers, request.body, now=int(time.time()))
    assert not signing.verify(old, request.headers, request.body, now=int(time.time()))
