"""Who an API request is: the owner of a usable token sent in the Authorization header, and
nobody else (api/authentication.py, api/models.py, api/access.py)."""

import datetime

import time_machine
from django.urls import reverse

from api.models import ApiToken, hash_key
from tests.api.conftest import api_client, issue_token
from tests.conftest import client_for

PLANS = "/api/v1/plans/"


def detail(response):
    return response.json()["detail"]


def test_a_token_is_stored_only_as_its_hash_with_a_prefix_to_tell_it_apart(viewer):
    token, key = issue_token(viewer)
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert key not in str(stored)
    assert stored["key_hash"] == hash_key(key) and len(stored["key_hash"]) == 64
    assert key.startswith("ipt_") and token.prefix == key[:12]


def test_the_owner_of_a_token_reads_the_plans_it_may_read(viewer, viewer_key, plan):
    response = api_client(viewer_key).get(PLANS)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == [plan.name]


def test_a_request_without_a_token_is_401_and_says_how_to_send_one(db):
    response = api_client(None).get(PLANS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer <token>" in detail(response)


def test_a_signed_in_session_is_not_enough(viewer):
    response = client_for(viewer).get(PLANS)
    assert response.status_code == 401


def test_unknown_revoked_and_expired_tokens_get_the_same_401(viewer, plan):
    revoked, revoked_key = issue_token(viewer)
    revoked.revoke()
    _, expiring_key = issue_token(viewer, days=1)
    _, good_key = issue_token(viewer)
    keys = {"unknown": "ipt_" + "x" * 43, "not ours": "secret", "revoked": revoked_key,
            "tampered": good_key[:-1] + ("A" if good_key[-1] != "A" else "B")}
    answers = {name: api_client(key).get(PLANS) for name, key in keys.items()}
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1, seconds=1)):
        answers["expired"] = api_client(expiring_key).get(PLANS)
        assert api_client(good_key).get(PLANS).status_code == 200
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 401)
    assert len({r.content for r in answers.values()}) == 1  # no hint of which


def test_a_token_works_until_the_moment_it_expires(viewer, plan):
    moment = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        _, key = issue_token(viewer, days=30)
    with time_machine.travel(moment + datetime.timedelta(days=30, seconds=-1), tick=False):
        assert api_client(key).get(PLANS).status_code == 200
    with time_machine.travel(moment + datetime.timedelta(days=30), tick=False):
        assert api_client(key).get(PLANS).status_code == 401


def test_a_revoked_token_stops_working_at_once(viewer, plan):
    token, key = issue_token(viewer)
    assert api_client(key).get(PLANS).status_code == 200
    token.revoke()
    assert api_client(key).get(PLANS).status_code == 401


def test_a_token_in_the_query_string_is_refused_even_with_the_header(viewer, viewer_key):
    for query in (f"?token={viewer_key}", f"?access_token={viewer_key}", f"?anything={viewer_key}", "?api_key=x"):
        response = api_client(viewer_key).get(PLANS + query)
        assert response.status_code == 400, query
        assert "only in the Authorization header" in detail(response)
    assert api_client(None).get(PLANS + f"?token={viewer_key}").status_code == 400


def test_a_token_of_an_owner_who_can_no_longer_sign_in_is_401(viewer, viewer_key):
    viewer.is_active = False
    viewer.save()
    assert api_client(viewer_key).get(PLANS).status_code == 401


def test_a_plan_outside_the_tokens_scope_is_404_by_id_and_as_a_filter(viewer, plan, scheme):
    from improvement.models import Plan, PlanRole

    second = Plan.objects.create(organisation=plan.organisation, name="Second plan", slug="second",
                                 rag_scheme=scheme, current_period=plan.current_period)
    PlanRole.objects.create(plan=second, user=viewer, role=PlanRole.Role.VIEWER)
    _, key = issue_token(viewer, plans=[plan])
    client = api_client(key)
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/api/v1/plans/{second.pk}/").status_code == 404
    assert client.get(f"/api/v1/actions/?plan={second.pk}").status_code == 404
    assert [row["id"] for row in client.get(PLANS).json()["results"]] == [plan.pk]


def test_a_plan_the_owner_can_no_longer_read_drops_out_of_the_token(viewer, viewer_key, plan):
    viewer.plan_roles.all().delete()
    client = api_client(viewer_key)
    assert client.get(PLANS).json()["results"] == []
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 404


def test_an_outsiders_token_for_our_plan_reads_nothing(outsider, plan):
    _, key = issue_token(outsider, plans=[plan])  # put there past the form, which offers only readable plans
    client = api_client(key)
    assert client.get(PLANS).json()["results"] == []
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 404


def test_using_a_token_records_when_it_was_last_used(viewer, plan):
    token, key = issue_token(viewer)
    assert token.last_used_at is None
    moment = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        api_client(key).get(PLANS)
    token.refresh_from_db()
    assert token.last_used_at == moment


def test_the_api_changes_nothing_whatever_the_method(viewer, viewer_key):
    client = api_client(viewer_key)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(PLANS).status_code == 405, method


def test_the_schema_is_public_and_the_data_is_not(db):
    anonymous = api_client(None)
    schema = anonymous.get(reverse("api:schema"))
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert anonymous.get("/api/v1/actions.csv").status_code == 401


def test_the_token_decides_whoever_is_signed_in_on_the_client(viewer, outsider, viewer_key):
    client = client_for(outsider)
    response = client.get(PLANS, headers={"Authorization": f"Bearer {viewer_key}"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1
