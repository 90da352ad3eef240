"""The API costs what a page shows, not what the plan holds: the same number of queries for a
plan of 10 actions as of 500, on every table and feed (N+1 queries are bugs)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Assessment, Board, ScrutinyReview
from improvement.reporting import rebuild
from tests.api.conftest import api_client, issue_token
from tests.conftest import make_many_actions, make_measure


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(context.captured_queries)


# Authentication is 2 (the token with its owner; last used), the scope 1, a page's count 1.
# An attention list reads its plan's RAG statuses once (the period view attaches them to its rows),
# and the flagged actions' ids in a query of their own before their rows.
PINNED = {"/api/v1/plans/": 4, "/api/v1/plans/{plan}/": 3, "/api/v1/themes/": 4, "/api/v1/actions/": 5,
          "/api/v1/actions.csv": 4, "/api/v1/updates/": 4, "/api/v1/updates.csv?period=2012-12": 3,
          "/api/v1/period-summaries/": 7, "/api/v1/period-counts/": 8, "/api/v1/meetings/": 4,
          "/api/v1/meetings/{meeting}/attention/": 10, "/api/v1/meetings/{meeting}/attention.csv": 10,
          "/api/v1/scrutiny-conclusions/": 5, "/api/v1/measures/": 4, "/api/v1/measure-values/": 5}


def test_every_table_costs_the_same_for_10_actions_as_for_500(plan, theme, lead, lead_post, meeting, viewer):
    panel = Board.objects.create(name="Scrutiny panel", kind=Board.Kind.SCRUTINY_PANEL)
    review = ScrutinyReview.objects.create(board=panel, plan=plan, title="Review", scope="All", date=plan.current_period)
    measure = make_measure(plan, owner=lead_post)
    _, key = issue_token(viewer)
    client = api_client(key)
    urls = {pattern: pattern.format(plan=plan.pk, meeting=meeting.pk) for pattern in PINNED}

    def grow(count):
        actions = make_many_actions(theme, count, leads=[lead_post], status_code="R")  # Red: all on the attention list
        for n, action in enumerate(actions):
            assessment = Assessment.objects.create(review=review, number=f"{count}.{n}", requirement="r",
                                                   conclusion="complete")
            assessment.actions.add(action)
        measure.record_value(period=plan.current_period, value=str(40 + count % 50), by=lead)
        rebuild(plan)  # history written past record_update(): its period view rebuilt, as conftest says

    grow(10)
    small = {pattern: queries(client, url) for pattern, url in urls.items()}
    grow(490)
    large = {pattern: queries(client, url) for pattern, url in urls.items()}
    assert large == small
    assert small == PINNED
