"""The session store (config/sessions.py): Django's database sessions, whose renewal on
every request does not wait for PostgreSQL to write it to disk."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.sessions import SessionStore
from tests.conftest import client_for

START = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)


def test_each_request_renews_the_session_for_another_30_minutes(viewer, plan):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(viewer)
        url = reverse("improvement:plan_detail", args=[plan.pk])
        assert client.get(url).status_code == 200
        clock.shift(datetime.timedelta(minutes=20))
        assert client.get(url).status_code == 200
        session = Session.objects.get(session_key=client.session.session_key)
        assert session.expire_date == START + datetime.timedelta(minutes=50)


def test_a_renewal_keeps_what_the_session_holds(viewer, plan):
    client = client_for(viewer)
    assert client.get(reverse("improvement:plan_detail", args=[plan.pk])).status_code == 200
    stored = SessionStore(session_key=client.session.session_key)
    assert stored.get("_auth_user_id") == str(viewer.pk) and "signed_in_at" in stored


def test_renewing_a_session_deleted_meanwhile_fails_as_in_django(viewer):  # inside a transaction: Django's own save
    client = client_for(viewer)
    store = SessionStore(session_key=client.session.session_key)
    store.load()
    Session.objects.filter(session_key=store.session_key).delete()  # signed out in another tab
    with pytest.raises(UpdateError):
        store.save()


POSTGRESQL_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)  # as in a request: not inside a test's transaction
def test_on_postgresql_a_renewal_is_one_statement_that_does_not_wait_for_the_disk(viewer, plan):
    client = client_for(viewer)
    url = reverse("improvement:plan_detail", args=[plan.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    renewals = [query["sql"] for query in queries.captured_queries if "django_session" in query["sql"]
                and "UPDATE" in query["sql"]]
    assert len(renewals) == 1 and renewals[0].startswith("SET LOCAL synchronous_commit TO OFF; UPDATE")
    assert not any(query["sql"] in {"BEGIN", "COMMIT"} for query in queries.captured_queries)
    with connection.cursor() as cursor:  # the setting was for that statement alone
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_renewing_a_session_deleted_meanwhile_fails_as_in_django(viewer):
    store = SessionStore(session_key=client_for(viewer).session.session_key)
    store.load()
    Session.objects.filter(session_key=store.session_key).delete()
    with pytest.raises(UpdateError):
        store.save()


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_new_session_waits_for_the_disk_as_before():
    store = SessionStore()
    with CaptureQueriesContext(connection) as queries:
        store["x"] = 1
        store.create()
    assert not any("synchronous_commit" in query["sql"] for query in queries.captured_queries)
    assert Session.objects.filter(session_key=store.session_key).exists()
