"""The API tokens page (api/token_views.py): a person's own tokens, created and shown once,
revoked after a confirmation; bad input says what to fix and writes nothing."""

import datetime

import time_machine
from django.urls import reverse

from api.models import ApiToken, hash_key
from tests.api.conftest import api_client, issue_token
from tests.conftest import client_for

PAGE = reverse("api:token_list")


def create(client, **data):
    return client.post(PAGE, {"name": "Power BI", "expires_in": "90", **data})


def test_a_viewer_creates_a_token_and_sees_it_once(viewer, plan):
    client = client_for(viewer)
    response = create(client, plans=[plan.pk])
    assert response.status_code == 200
    token = ApiToken.objects.get()
    key = response.context["key"]
    assert token.key_hash == hash_key(key) and key in response.content.decode()
    assert "Copy it now: it is not shown again" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert (token.owner, token.name, list(token.plans.all())) == (viewer, "Power BI", [plan])
    assert abs(token.expires_at - token.created_at - datetime.timedelta(days=90)) < datetime.timedelta(seconds=5)
    again = client.get(PAGE).content.decode()
    assert key not in again and token.prefix in again and "Power BI" in again
    assert api_client(key).get("/api/v1/plans/").status_code == 200


def test_the_page_lists_only_ones_own_tokens(viewer, manager, plan):
    issue_token(manager, name="Manager dashboard")
    issue_token(viewer, name="Viewer report")
    page = client_for(viewer).get(PAGE).content.decode()
    assert "Viewer report" in page and "Manager dashboard" not in page


def test_a_token_needs_a_name_a_plan_and_an_expiry_and_nothing_is_written_without_them(viewer, plan):
    response = client_for(viewer).post(PAGE, {"name": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    for message in ("Enter a name for the token", "Select at least one plan for the token to read",
                    "Select when the token expires"):
        assert message in page
    assert "There is a problem" in page and response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_plan_one_may_not_read_cannot_be_put_in_a_token(outsider, plan):
    response = create(client_for(outsider), plans=[plan.pk])
    assert response.status_code == 400
    assert "Select plans from the list" in response.content.decode()
    assert "You may not read any plan yet" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_expiry_not_offered_is_refused(viewer, plan):
    response = create(client_for(viewer), plans=[plan.pk], expires_in="36500")
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_after_confirming(viewer, plan):
    token, key = issue_token(viewer)
    client = client_for(viewer)
    url = reverse("api:token_revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "stops working at once" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "Token “Power BI” revoked: it no longer works." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.state == "Revoked"
    assert api_client(key).get("/api/v1/plans/").status_code == 401


def test_someone_elses_token_is_not_found(viewer, manager, plan):
    token, _ = issue_token(manager)
    assert client_for(viewer).get(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert client_for(viewer).post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_refuses_other_methods_and_asks_the_signed_out_to_sign_in(viewer, plan):
    assert client_for(viewer).put(PAGE).status_code == 405
    response = client_for(None).get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_expired_token_shows_as_expired_and_cannot_be_revoked_from_the_list(viewer, plan):
    moment = datetime.datetime(2026, 2, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        issue_token(viewer, days=30)
    with time_machine.travel(moment + datetime.timedelta(days=31), tick=False):
        page = client_for(viewer).get(PAGE).content.decode()
    assert "Expired" in page and "Revoke<span" not in page
