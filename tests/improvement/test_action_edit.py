import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from improvement.models import Action
from tests.conftest import client_for


def url(action):
    return reverse("improvement:action_edit", args=[action.pk])


def form_data(action, **changes):
    data = {"theme": action.theme_id, "objective": action.objective_id or "", "number": action.number, "description": action.description, "lead_agency": "", "timescale": "",
            "measures": "", "cost": "", "read_version": action.version,
            "lead_posts": [p.pk for p in action.lead_posts.all()]}
    data.update(changes)
    return data


def test_manager_edits_an_action(action, manager):
    response = client_for(manager).post(url(action), form_data(action, description="Review thresholds",
                                                                due_date_0="30", due_date_1="6", due_date_2="2013"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.version, str(action.due_date)) == ("Review thresholds", 2, "2013-06-30")
    assert action.history.first().history_user == manager


def test_saving_over_a_newer_version_is_refused_and_shows_both(action, manager):
    client = client_for(manager)
    stale = form_data(action, description="Mine")
    client.post(url(action), form_data(action, description="Theirs"))
    response = client.post(url(action), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by Manager at" in page and "since you opened it" in page
    assert "Their version" in page and "Theirs" in page and "Mine" in page
    action.refresh_from_db()
    assert action.description == "Theirs"
    # Having seen theirs, saving again applies over it.
    resubmit = dict(stale, read_version=action.version)
    assert client.post(url(action), resubmit).status_code == 302
    action.refresh_from_db()
    assert action.description == "Mine"


def test_duplicate_number_is_refused(action, theme, manager):
    from tests.conftest import make_action

    make_action(theme, "1.2")
    response = client_for(manager).post(url(action), form_data(action, number="1.2"))
    assert response.status_code == 400
    assert "Action 1.2 already exists in this plan" in response.content.decode()


@pytest.mark.parametrize("persona", ["lead", "viewer", "chair"])
def test_only_managers_edit_actions(request, action, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(action)).status_code == 403
    assert client.post(url(action), form_data(action, description="x")).status_code == 403


def test_edit_is_404_for_an_outsider(action, outsider):
    assert client_for(outsider).get(url(action)).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writers", [2, 5, 12, 20])
def test_simultaneous_stale_saves_have_exactly_one_winner(plan, theme, manager, writers):
    """Real concurrent requests, each in its own thread and database connection."""
    from tests.conftest import make_action

    action = make_action(theme, "7.1")
    for round_number in range(3):
        action.refresh_from_db()
        read = form_data(action)
        start = threading.Barrier(writers)
        results = []

        def save(n, read=read, start=start, results=results, round_number=round_number):
            client = Client()
            client.force_login(manager)
            start.wait()
            try:
                response = client.post(url(action), dict(read, description=f"round {round_number} writer {n}"))
                results.append((n, response.status_code, response.content.decode()))
            finally:
                connection.close()

        threads = [threading.Thread(target=save, args=(n,)) for n in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        winners = [n for n, code, _ in results if code == 302]
        losers = [(n, page) for n, code, page in results if code == 409]
        assert len(results) == writers
        assert len(winners) == 1, results
        assert len(losers) == writers - 1
        assert all("since you opened it" in page for _, page in losers)
        action.refresh_from_db()
        assert action.description == f"round {round_number} writer {winners[0]}"
        assert Action.objects.get(pk=action.pk).version == read["read_version"] + 1


def test_a_due_date_years_ahead_is_saved_only_once_confirmed(action, manager, frozen_today):
    client = client_for(manager)
    data = form_data(action, due_date_0="30", due_date_1="6", due_date_2="2031")
    response = client.post(url(action), data)

    assert response.status_code == 400
    assert "The due date is more than 5 years ahead (30 June 2031)" in response.content.decode()
    action.refresh_from_db()
    assert action.due_date.year == 2013

    assert client.post(url(action), {**data, "confirm_unusual": "on"}).status_code == 302
    action.refresh_from_db()
    assert action.due_date.year == 2031
