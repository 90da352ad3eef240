import pytest
from django.urls import reverse

from tests.conftest import client_for, make_action, status

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


@pytest.mark.parametrize("count", [5, 40])
def test_my_actions_query_count_does_not_grow(theme, lead, lead_post, django_assert_max_num_queries, count):
    for n in range(count):
        make_action(theme, f"2.{n}", leads=[lead_post])
    client = client_for(lead)
    with django_assert_max_num_queries(6):
        client.get(URL)
