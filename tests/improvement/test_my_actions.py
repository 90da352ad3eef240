from django.urls import reverse

from tests.conftest import client_for, count_queries, make_action, make_many_actions, status

URL = reverse("improvement:my_actions")


def test_my_actions_lists_open_actions_needing_an_update_first(theme, lead, lead_post, scheme, lead2_post):
    needs = make_action(theme, "1.1", leads=[lead_post])
    updated = make_action(theme, "1.2", leads=[lead_post])
    updated.record_update(status=status(scheme, "G"), note="ok", by=lead)
    complete = make_action(theme, "1.3", leads=[lead_post])
    complete.record_update(status=status(scheme, "B"), note="done", by=lead)
    make_action(theme, "1.4", leads=[lead2_post])  # someone else's

    response = client_for(lead).get(URL)

    assert response.status_code == 200
    assert response.context["to_do"] == [needs]
    assert response.context["done"] == [updated]
    page = response.content.decode()
    assert page.index("1.1") < page.index("1.2")


def test_user_without_actions_is_told_how_actions_reach_them(viewer):
    page = client_for(viewer).get(URL).content.decode()
    assert "You do not lead any open actions" in page


def test_my_actions_needs_sign_in():
    assert client_for(None).get(URL).status_code == 302


def test_my_actions_refuses_post(lead):
    assert client_for(lead).post(URL).status_code == 405


def test_my_actions_uses_the_same_queries_for_10_and_500_actions(theme, lead, lead_post):
    client = client_for(lead)
    make_many_actions(theme, 10, leads=[lead_post])
    with_10 = count_queries(client, URL)
    make_many_actions(theme, 490, leads=[lead_post])
    assert count_queries(client, URL) == with_10
