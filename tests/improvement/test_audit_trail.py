import datetime

from django.urls import reverse

from tests.conftest import client_for, make_user


def change(action, user, **fields):
    for name, value in fields.items():
        setattr(action, name, value)
    action._history_user = user
    action.save()


def test_changes_page_shows_who_changed_what_from_what_to_what(action, manager, viewer, lead2_post):
    change(action, manager, description="Review thresholds with partners", due_date=datetime.date(2013, 6, 30))
    action._history_user = manager
    action.lead_posts.add(lead2_post)

    response = client_for(viewer).get(reverse("improvement:action_changes", args=[action.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "by Manager" in page
    assert "Do the thing" in page and "Review thresholds with partners" in page
    assert "2013-01-31" in page and "2013-06-30" in page
    assert "Early Help Lead" in page
    assert "Created" in page


def test_recording_an_update_is_not_a_structure_change(action, lead, scheme):
    before = action.history.count()
    action.record_update(status=scheme.statuses.get(code="G"), note="Going well", by=lead)
    assert action.history.count() == before


def test_changes_page_is_404_for_an_outsider_and_refuses_post(action, outsider, viewer):
    url = reverse("improvement:action_changes", args=[action.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(viewer).post(url).status_code == 405


def test_admin_history_is_there_for_administrators_only(action, manager, other_manager):
    change(action, manager, measures="Audit shows improvement")
    administrator = make_user("administrator", is_staff=True, is_superuser=True)
    url = reverse("admin:improvement_action_history", args=[action.pk])
    response = client_for(administrator).get(url)
    assert response.status_code == 200 and "Audit shows improvement" in response.content.decode()
    for someone in (manager, other_manager):
        response = client_for(someone).get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_board_membership_changes_are_recorded(board, manager, chair):
    membership = board.members.get(user=chair)
    membership.role = "member"
    membership._history_user = manager
    membership.save()
    latest = membership.history.first()
    assert (latest.role, latest.history_user) == ("member", manager)
    assert latest.prev_record.role == "chair"
