import datetime

from django.urls import reverse

from tests.conftest import client_for, count_queries, make_action, make_many_actions, status

NOV = datetime.date(2012, 11, 1)


def url(plan):
    return reverse("boards:dashboard", args=[plan.pk])


def test_dashboard_shows_counts_trend_movement_and_challenges(plan, theme, lead, scheme, chair, meeting, frozen_today):
    from boards.models import ReviewNote

    improved = make_action(theme, "1")
    improved.record_update(status=status(scheme, "A"), note="n", by=lead, period=NOV)
    improved.record_update(status=status(scheme, "G"), note="n", by=lead)
    declined = make_action(theme, "2")
    declined.record_update(status=status(scheme, "G"), note="n", by=lead, period=NOV)
    declined.record_update(status=status(scheme, "R"), note="n", by=lead)
    new = make_action(theme, "3")
    new.record_update(status=status(scheme, "G"), note="n", by=lead)
    ReviewNote.objects.create(meeting=meeting, action=declined, author=chair, kind="challenge", text="Why red?")

    response = client_for(chair).get(url(plan))

    assert response.status_code == 200
    assert response.context["movement"] == {"improved": 1, "declined": 1, "unchanged": 0, "new": 1}
    trend = {period: summary for period, _, summary in response.context["trend"]}
    assert trend[NOV].total == 2 and trend[plan.current_period].total == 3
    assert response.context["challenge_count"] == 1
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Actions by RAG status per period" in page
    assert "Why red?" in page


def test_dashboard_is_404_for_an_outsider_and_refuses_post(plan, outsider, chair):
    assert client_for(outsider).get(url(plan)).status_code == 404
    assert client_for(chair).post(url(plan)).status_code == 405


def test_dashboard_uses_the_same_queries_for_10_and_500_actions(plan, theme, chair):
    client = client_for(chair)
    make_many_actions(theme, 10)
    with_10 = count_queries(client, url(plan))
    make_many_actions(theme, 490)
    assert count_queries(client, url(plan)) == with_10
