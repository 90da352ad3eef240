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
    review.date = datetime.date(2012, 12, 14)
    review.save()
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


def assessment_page(client, review):
    return client.get(reverse("boards:assessment_create", args=[review.pk])).content.decode()


def test_every_conclusion_short_of_complete_needs_a_comment_and_says_so(review, scrutiny):
    assert Assessment.NEEDS_COMMENT == ["partially_complete", "not_complete", "unknown"]
    page = assessment_page(client_for(scrutiny), review)
    assert page.count("Needs a comment.") == 3
    response = client_for(scrutiny).post(reverse("boards:assessment_create", args=[review.pk]), {
        "number": "1", "requirement": "Audit", "conclusion": "not_complete", "comment": "  "})
    assert response.status_code == 400
    assert "a conclusion of “Not complete” needs one" in response.content.decode()


def test_every_error_is_shown_at_once(review, scrutiny):
    Assessment.objects.create(review=review, number="1", requirement="r", conclusion="complete")
    response = client_for(scrutiny).post(reverse("boards:assessment_create", args=[review.pk]), {
        "number": "1", "requirement": "", "conclusion": "unknown", "comment": "", "actions": ["999999"]})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("already in this review", "Enter the requirement examined", "needs one",
                    "Select a valid choice"):
        assert message in page, message


def test_actions_are_checkboxes_grouped_by_recommendation_in_reading_order(review, plan, theme, scrutiny):
    from improvement.models import Recommendation, Source
    from tests.conftest import make_action

    source = Source.objects.create(plan=plan, key="OIS 2012", kind="ofsted_inspection", title="Ofsted")
    recommendations = {ref: Recommendation.objects.create(source=source, reference=ref, text=f"Recommendation {ref}")
                       for ref in ("10", "2", "1")}
    for number, refs in (("1.1", ["1"]), ("1.10", ["10"]), ("1.2", ["2", "10"]), ("4", [])):
        make_action(theme, number, description=f"Action {number}").recommendations.set(
            [recommendations[ref] for ref in refs])
    page = assessment_page(client_for(scrutiny), review)

    assert "Hold Ctrl" not in page and "<select name=\"actions\"" not in page
    assert page.count('type="checkbox" name="actions"') == 4
    assert 'data-module="app-checkbox-filter"' in page
    positions = [page.index(text) for text in ("OIS 2012 1 – Recommendation 1", "1.1 – Action 1.1",
                                               "OIS 2012 2 – Recommendation 2", "1.2 – Action 1.2",
                                               "OIS 2012 10 – Recommendation 10", "1.10 – Action 1.10",
                                               "Not linked to a recommendation", "4 – Action 4")]
    assert positions == sorted(positions)
    assert "Answers OIS 2012 2, OIS 2012 10" in page


def test_recommendations_are_listed_in_reading_order(review, plan, scrutiny):
    from improvement.models import Recommendation, Source

    source = Source.objects.create(plan=plan, key="IN", kind="improvement_notice", title="Notice")
    for ref in ("3.10", "3.2", "10", "2"):
        Recommendation.objects.create(source=source, reference=ref)
    assert [r.reference for r in Recommendation.objects.filter(source=source)] == ["2", "3.2", "3.10", "10"]
    page = assessment_page(client_for(scrutiny), review)
    positions = [page.index(f">IN {ref}<") for ref in ("2", "3.2", "3.10", "10")]
    assert positions == sorted(positions)


def test_chosen_actions_are_saved_and_shown_checked_again(review, action, scrutiny):
    client = client_for(scrutiny)
    client.post(reverse("boards:assessment_create", args=[review.pk]), {
        "number": "1", "requirement": "Audit", "conclusion": "complete", "actions": [action.pk]})
    assessment = Assessment.objects.get()
    assert list(assessment.actions.all()) == [action]
    page = client.get(reverse("boards:assessment_edit", args=[review.pk, assessment.pk])).content.decode()
    assert f'value="{action.pk}" id="id_actions_0" checked' in page or f'value="{action.pk}"' in page and "checked" in page


def test_review_page_compares_with_the_leads_status_as_reported_in_the_reviews_month(review, action, lead, scheme,
                                                                                     viewer):
    """A review dated October sits beside October's statuses: December's completion, recorded
    after it, does not turn its conclusions into disagreements."""
    action.record_update(status=status(scheme, "A"), note="Audit under way", by=lead, period=datetime.date(2012, 10, 1))
    action.record_update(status=status(scheme, "B"), note="Completed", by=lead)
    assessment = Assessment.objects.create(review=review, number="1", requirement="Audit", group="Immediate",
                                           conclusion="partially_complete", comment="Not evidenced")
    assessment.actions.add(action)
    response = client_for(viewer).get(review.get_absolute_url())
    assert response.context["disagreements"] == 0
    [(_action, lead_status, disagrees)] = response.context["groups"][0][1][0].rows
    assert (lead_status.code, disagrees) == ("A", False)
