"""The API's tables and their CSV feeds (api/views.py): what a token reads, filtered by plan and
period, paginated, and the same rows as flat CSV; the counts agree with the period view and the
attention list with the meeting's own."""

import csv
import datetime
import io

import pytest

from boards.models import Assessment, Board, ScrutinyReview
from improvement.models import PlanRole
from improvement.reporting import PeriodView
from tests.api.conftest import api_client, issue_token
from tests.conftest import PERIOD, make_action, make_many_actions, make_measure, status
from tests.crossorg import build_other_organisation

NOVEMBER = datetime.date(2012, 11, 1)


@pytest.fixture
def history(plan, action, lead, scheme, frozen_today):
    """Action 1.1: Green in November, Red in December (declined), due 31 January 2013."""
    plan.current_period = NOVEMBER
    plan.save()
    action.record_update(status=status(scheme, "G"), note="On track", by=lead, period=NOVEMBER)
    plan.start_period(PERIOD)
    action.record_update(status=status(scheme, "R"), note="=HYPERLINK(\"http://x\")", by=lead, period=PERIOD)
    return action


def rows(response):
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def feed(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_actions_have_their_leads_and_current_status(history, viewer, viewer_key, lead_post):
    (row,) = rows(api_client(viewer_key).get("/api/v1/actions/"))
    assert row | {"last_updated_at": None} == row | {
        "id": history.pk, "number": "1.1", "leads": lead_post.title, "status": "R", "status_label": "Red",
        "due_date": "2013-01-31", "plan": history.plan_id, "theme": history.theme_id, "last_updated_at": None}


def test_the_rag_history_filters_by_period_and_refuses_a_period_it_cannot_read(history, viewer_key):
    client = api_client(viewer_key)
    assert [(r["period"], r["status"]) for r in rows(client.get("/api/v1/updates/"))] == [
        ("2012-11", "G"), ("2012-12", "R")]
    assert [r["status"] for r in rows(client.get("/api/v1/updates/?period=2012-11"))] == ["G"]
    for bad in ("2012-13", "Dec 2012", "2012-1", "٢٠١٢-١٢"):
        response = client.get("/api/v1/updates/", {"period": bad})
        assert response.status_code == 400, bad
        assert response.json()["period"] == [f"Enter a period as YYYY-MM (for example 2012-12), not “{bad}”."]
    response = client.get("/api/v1/updates/?plan=first")
    assert response.status_code == 400 and "Enter a plan id" in response.json()["plan"][0]


def test_period_summaries_are_the_period_views_counts(history, viewer_key, plan, frozen_today):
    summaries = {r["period"]: r for r in rows(api_client(viewer_key).get(f"/api/v1/period-summaries/?plan={plan.pk}"))}
    view = PeriodView.of_plan(plan, PERIOD)
    december = summaries["2012-12"]
    assert december["actions"] == view.counts.total == 1
    assert (december["overdue"], december["missing_update"]) == (view.overdue_count, view.missing_count) == (0, 0)
    assert december["declined"] == view.movement["declined"] == 1
    assert summaries["2012-11"]["new"] == 1 and summaries["2012-11"]["period_label"] == "November 2012"


def test_overdue_in_a_past_period_is_judged_at_that_periods_end(plan, theme, lead, lead_post, scheme, frozen_today):
    early = make_action(theme, "2.1", leads=[lead_post], due_date=datetime.date(2012, 11, 15))
    late = make_action(theme, "2.2", leads=[lead_post], due_date=datetime.date(2012, 12, 5))
    plan.current_period = NOVEMBER
    plan.save()
    for action in (early, late):
        action.record_update(status=status(scheme, "A"), note="Late", by=lead, period=NOVEMBER)
    plan.start_period(PERIOD)
    _, key = issue_token(lead)
    summaries = {r["period"]: r for r in rows(api_client(key).get("/api/v1/period-summaries/"))}
    assert summaries["2012-11"]["overdue"] == 1  # due 15 November; 5 December was still to come
    assert summaries["2012-12"]["overdue"] == PeriodView.of_plan(plan, PERIOD).overdue_count == 2


def test_period_counts_are_per_theme_and_status_with_nothing_reported_as_no_update(
        history, theme, lead_post, viewer_key, plan):
    make_action(theme, "1.2", leads=[lead_post])
    counts = rows(api_client(viewer_key).get("/api/v1/period-counts/?period=2012-12"))
    assert sorted(((r["theme"], r["status"], r["status_label"], r["actions"]) for r in counts), key=str
                  ) == sorted([(theme.pk, "R", "Red", 1), (theme.pk, None, "No update yet", 1)], key=str)


def test_a_meetings_attention_list_is_the_one_the_meeting_shows(history, meeting, viewer_key, chair):
    meeting.attention_items.create(action=history, reason="Board asked", added_by=chair)
    client = api_client(viewer_key)
    (listed,) = rows(client.get(f"/api/v1/meetings/?plan={meeting.plan_id}"))
    assert listed["id"] == meeting.pk and listed["board"] == meeting.board.name and listed["period"] == "2012-12"
    attention = rows(client.get(f"/api/v1/meetings/{meeting.pk}/attention/"))
    expected = meeting.attention_list()
    assert [(r["action"], r["rank"], r["reasons"]) for r in attention] == [
        (entry.action.pk, rank, "; ".join(entry.reasons)) for rank, entry in enumerate(expected, 1)]
    assert attention[0]["kinds"].startswith("status")
    assert client.get("/api/v1/meetings/999999/attention/").status_code == 404


def test_scrutiny_conclusions_sit_beside_their_actions(history, plan, viewer_key, scrutiny):
    panel = Board.objects.create(name="Scrutiny panel", kind=Board.Kind.SCRUTINY_PANEL)
    review = ScrutinyReview.objects.create(board=panel, plan=plan, title="Task group", scope="Ofsted actions",
                                           date=datetime.date(2012, 10, 9))
    assessment = Assessment.objects.create(review=review, number="1", requirement="Audit", conclusion="unknown",
                                           comment="No evidence", assessed_by=scrutiny)
    assessment.actions.add(history)
    client = api_client(viewer_key)
    (row,) = rows(client.get("/api/v1/scrutiny-conclusions/?period=2012-10"))
    assert (row["conclusion"], row["conclusion_label"], row["actions"], row["review_date"]) == (
        "unknown", "Unknown (no evidence received)", "1.1", "2012-10-09")
    assert rows(client.get("/api/v1/scrutiny-conclusions/?period=2012-11")) == []


def test_measure_values_have_the_target_and_the_computed_rag(plan, lead, lead_post, viewer_key, frozen_today):
    measure = make_measure(plan, owner=lead_post)
    measure.record_value(period=NOVEMBER, value="40", by=lead)
    measure.record_value(period=NOVEMBER, value="90", by=lead)  # supersedes the first
    client = api_client(viewer_key)
    (listed,) = rows(client.get("/api/v1/measures/"))
    assert (listed["name"], listed["baseline_value"], listed["owner"]) == (measure.name, 36.0, lead_post.title)
    (value,) = rows(client.get("/api/v1/measure-values/?period=2012-11"))
    assert value["value"] == 90.0 and value["rag"] in {"on_target", "within_tolerance", "off_target"}
    assert value["rag"] == measure.rag_for(measure.values.order_by("-pk").first().value, NOVEMBER).code
    assert value["target"] == float(measure.target_for(NOVEMBER))


def test_the_csv_feed_has_the_same_columns_and_every_row_with_formulas_neutralised(theme, viewer_key, history):
    make_many_actions(theme, 120)
    client = api_client(viewer_key)
    page = client.get("/api/v1/actions/").json()
    assert (page["count"], len(page["results"]), page["next"] is not None) == (121, 100, True)
    table = feed(client.get("/api/v1/actions.csv"))
    assert len(table) == 121 and list(table[0]) == list(page["results"][0])
    (update,) = [r for r in feed(client.get("/api/v1/updates.csv"))
                 if r["action_number"] == "1.1" and r["period"] == "2012-12"]
    assert update["note"] == "'=HYPERLINK(\"http://x\")"
    assert [r["name"] for r in feed(client.get("/api/v1/plans.csv"))] == [history.plan.name]


def test_a_page_size_may_be_chosen_up_to_a_thousand(theme, viewer_key):
    make_many_actions(theme, 30)
    client = api_client(viewer_key)
    assert len(rows(client.get("/api/v1/actions/?page_size=10"))) == 10
    assert client.get("/api/v1/actions/?page=9").status_code == 404


def test_nothing_of_another_organisation_is_in_any_table(history, viewer_key, scheme):
    theirs = build_other_organisation(scheme)
    client = api_client(viewer_key)
    for table in ("plans", "themes", "actions", "updates", "period-summaries", "period-counts", "meetings",
                  "scrutiny-conclusions", "measures", "measure-values"):
        found = {r.get("plan", r.get("id")) for r in rows(client.get(f"/api/v1/{table}/"))}
        assert theirs["plan"].pk not in found, table
        assert client.get(f"/api/v1/{table}/?plan={theirs['plan'].pk}").status_code == 404, table
    assert client.get(f"/api/v1/meetings/{theirs['meeting'].pk}/attention/").status_code == 404


def test_a_board_member_reads_through_the_board_as_on_the_pages(history, chair, plan):
    _, key = issue_token(chair)
    assert [r["id"] for r in rows(api_client(key).get("/api/v1/plans/"))] == [plan.pk]
    assert not PlanRole.objects.filter(user=chair).exists()
