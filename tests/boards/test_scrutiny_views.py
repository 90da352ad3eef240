import datetime

import pytest
from django.urls import reverse

from boards.models import Assessment, Board, BoardMember, ScrutinyReview
from tests.conftest import client_for, status


@pytest.fixture
def panel(plan, scrutiny):
    panel = Board.objects.create(name="Scrutiny Task Group", kind=Board.Kind.SCRUTINY_PANEL)
    panel.plans.add(plan)
    BoardMember.objects.create(board=panel, user=scrutiny, role="officer")
    return panel


@pytest.fixture
def review(plan, panel):
    return ScrutinyReview.objects.create(board=panel, plan=plan, title="Immediate actions", scope="Ofsted immediate",
                                         date=datetime.date(2012, 10, 1))


def test_scrutiny_officer_starts_a_review(plan, panel, scrutiny):
    response = client_for(scrutiny).post(reverse("boards:review_create", args=[plan.pk]), {
        "board": panel.pk, "title": "3-month actions", "date_0": "1", "date_1": "10", "date_2": "2012",
        "scope": "Ofsted immediate and 3-month actions"})
    assert response.status_code == 302
    assert ScrutinyReview.objects.get().title == "3-month actions"


def test_scrutiny_officer_records_a_conclusion(review, action, recommendation, scrutiny):
    response = client_for(scrutiny).post(reverse("boards:assessment_create", args=[review.pk]), {
        "number": "1", "group": "Immediate", "requirement": "Audit", "recommendation": recommendation.pk,
        "actions": [action.pk], "conclusion": "complete", "comment": "", "evidence": "Audit report"})
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.conclusion, assessment.assessed_by) == ("complete", scrutiny)
    assert list(assessment.actions.all()) == [action]


@pytest.mark.parametrize("conclusion", ["unknown", "partially_complete"])
def test_a_conclusion_needing_a_comment_without_one_is_refused(review, scrutiny, conclusion):
    response = client_for(scrutiny).post(reverse("boards:assessment_create", args=[review.pk]), {
        "number": "1", "requirement": "Audit", "conclusion": conclusion, "comment": ""})
    assert response.status_code == 400
    assert "needs one" in response.content.decode()
    assert not Assessment.objects.exists()


def test_duplicate_item_number_is_refused(review, scrutiny):
    Assessment.objects.create(review=review, number="1", requirement="r", conclusion="complete")
    response = client_for(scrutiny).post(reverse("boards:assessment_create", args=[review.pk]), {
        "number": "1", "requirement": "Audit", "conclusion": "complete"})
    assert response.status_code == 400
    assert "already in this review" in response.content.decode()


@pytest.mark.parametrize("persona", ["lead", "chair", "viewer", "manager"])
def test_others_cannot_record_conclusions(request, review, action, persona):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("boards:assessment_create", args=[review.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"number": "1", "requirement": "x", "conclusion": "complete"}).status_code == 403
    assert client.get(reverse("boards:review_create", args=[review.plan.pk])).status_code == 403


def test_review_page_shows_conclusions_beside_the_leads_status_and_flags_disagreement(review, action, lead, scheme,
                                                                                      viewer):
    action.record_update(status=status(scheme, "B"), note="Completed", by=lead)
    assessment = Assessment.objects.create(review=review, number="1", requirement="Audit", group="Immediate",
                                           conclusion="partially_complete", comment="Not evidenced")
    assessment.actions.add(action)
    response = client_for(viewer).get(review.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Partially complete" in page and "Blue" in page and "Disagrees" in page
    assert response.context["disagreements"] == 1
    assert ("partially_complete", "Partially complete", 1) in response.context["summary"]
    action.refresh_from_db()
    assert action.current_status.code == "B"


def test_review_is_404_for_an_outsider(review, outsider):
    assert client_for(outsider).get(review.get_absolute_url()).status_code == 404
    assert client_for(outsider).get(reverse("boards:review_list", args=[review.plan.pk])).status_code == 404


def test_review_page_refuses_post(review, viewer):
    assert client_for(viewer).post(review.get_absolute_url()).status_code == 405
