"""External reviews and findings, the Assurance tab and the recommendation page
(boards/assurance_views.py): who may record, what is refused, what is highlighted, and the
Assurance tab's query count."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boards.models import (
    AppendOnlyFindingError,
    Assessment,
    Board,
    ExternalFinding,
    ExternalReview,
    ScrutinyReview,
    disagrees,
)
from improvement.models import Plan, Recommendation, Source, Update

from ..conftest import client_for, count_queries, make_action, make_many_actions, status

SCALE = [{"label": "Not yet met", "band": "not_met"}, {"label": "Partly met", "band": "partly_met"},
         {"label": "Met", "band": "met"}]


@pytest.fixture
def visit(plan, recommendation, manager):
    return ExternalReview.objects.create(
        plan=plan, kind=ExternalReview.Kind.MONITORING_VISIT, title="Monitoring visit 1",
        date=datetime.date(2012, 11, 20), reviewer_organisation="Ofsted", source=recommendation.source, scale=SCALE,
        recorded_by=manager)


def review_data(**overrides):
    data = {"kind": "monitoring_visit", "title": "Monitoring visit 2", "date_0": "12", "date_1": "12",
            "date_2": "2012", "reviewer_organisation": "Ofsted", "document_title": "Monitoring visit letter",
            "document_link": "https://reports.ofsted.gov.uk/letter.pdf", "scale_choice": "progress"}
    return {**data, **overrides}


# --- recording ---------------------------------------------------------------------------------


def test_reviewer_records_a_review_with_its_letter_as_a_new_source(reviewer, plan, frozen_today):
    response = client_for(reviewer).post(reverse("boards:external_review_create", args=[plan.pk]), review_data())
    review = ExternalReview.objects.get()
    assert response.status_code == 302 and response.url == review.get_absolute_url()
    assert review.labels == ["Not yet met", "Partly met", "Met"]
    assert review.source.plan == plan and review.source.link == "https://reports.ofsted.gov.uk/letter.pdf"
    assert review.source.key == "MV 2012-12-12" and review.source.published == datetime.date(2012, 12, 12)


def test_manager_records_a_review_with_an_uploaded_letter_and_its_own_scale(manager, plan, frozen_today):
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 the letter", content_type="application/pdf")
    data = review_data(document_link="", document_file=letter, scale_choice="own",
                       own_scale="Not yet = not met\nPartly = partly met\nMet = met")
    response = client_for(manager).post(reverse("boards:external_review_create", args=[plan.pk]), data)
    assert response.status_code == 302
    review = ExternalReview.objects.get()
    assert [point["band"] for point in review.scale] == ["not_met", "partly_met", "met"]
    download = client_for(manager).get(reverse("boards:source_document", args=[review.source.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 the letter"


def test_a_scale_line_without_a_band_is_refused_with_what_to_write(reviewer, plan, frozen_today):
    data = review_data(scale_choice="own", own_scale="Not yet = not met\nGood")
    response = client_for(reviewer).post(reverse("boards:external_review_create", args=[plan.pk]), data)
    assert response.status_code == 400
    assert "Line 2: write the judgement, then “=” and what it counts as" in response.content.decode()
    assert not ExternalReview.objects.exists() and not Source.objects.exists()


def test_a_review_dated_in_the_future_is_refused(reviewer, plan, frozen_today):
    response = client_for(reviewer).post(reverse("boards:external_review_create", args=[plan.pk]),
                                         review_data(date_2="2013"))
    assert response.status_code == 400
    assert "must be today or in the past" in response.content.decode()
    assert not ExternalReview.objects.exists()


def test_reviewer_records_a_finding_on_a_recommendation(reviewer, visit, recommendation):
    response = client_for(reviewer).post(reverse("boards:finding_create", args=[visit.pk]), {
        "recommendation": recommendation.pk, "judgement": "Partly met", "comment": "Plans are clearer."})
    assert response.status_code == 302
    finding = ExternalFinding.objects.get()
    assert (finding.recommendation, finding.judgement, finding.band, finding.recorded_by) == (
        recommendation, "Partly met", "partly_met", reviewer)


def test_a_judgement_outside_the_reviews_scale_is_refused_and_nothing_is_written(reviewer, visit, recommendation):
    response = client_for(reviewer).post(reverse("boards:finding_create", args=[visit.pk]), {
        "recommendation": recommendation.pk, "judgement": "Outstanding", "comment": "Kept"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "That judgement is not on this review’s scale: choose one of Not yet met, Partly met, Met" in page
    assert "Kept" in page  # what was typed is shown again
    assert not ExternalFinding.objects.exists()


def test_a_finding_for_a_recommendation_of_another_plan_is_refused(reviewer, visit, council, scheme):
    other = Plan.objects.create(organisation=council, name="Another plan", slug="another", rag_scheme=scheme,
                                current_period=datetime.date(2012, 12, 1))
    source = Source.objects.create(plan=other, key="IN", kind=Source.Kind.IMPROVEMENT_NOTICE, title="Notice")
    theirs = Recommendation.objects.create(source=source, reference="9")
    response = client_for(reviewer).post(reverse("boards:finding_create", args=[visit.pk]), {
        "recommendation": theirs.pk, "judgement": "Met"})
    assert response.status_code == 400
    assert "That recommendation is not one of this plan’s: choose one from the list" in response.content.decode()
    assert not ExternalFinding.objects.exists()
    with pytest.raises(Exception, match="not one of this plan"):
        visit.record_finding(recommendation=theirs, judgement="Met", comment="", by=reviewer)


def test_a_finding_on_both_a_recommendation_and_a_theme_is_refused(reviewer, visit, recommendation, theme):
    response = client_for(reviewer).post(reverse("boards:finding_create", args=[visit.pk]), {
        "recommendation": recommendation.pk, "theme": theme.pk, "judgement": "Met"})
    assert response.status_code == 400
    assert "Choose a recommendation or a theme, not both" in response.content.decode()


def test_a_finding_on_a_theme_is_recorded(manager, visit, theme):
    response = client_for(manager).post(reverse("boards:finding_create", args=[visit.pk]), {
        "theme": theme.pk, "judgement": "Not yet met", "comment": "Too early to tell"})
    assert response.status_code == 302
    assert ExternalFinding.objects.get().theme == theme


@pytest.mark.parametrize("persona", ["lead", "viewer", "scrutiny", "chair"])
def test_only_external_reviewers_and_managers_record_findings(request, persona, visit, recommendation, action):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse("boards:finding_create", args=[visit.pk]), {
        "recommendation": recommendation.pk, "judgement": "Met"})
    assert response.status_code == 403
    assert not ExternalFinding.objects.exists()


def test_reviewer_cannot_record_an_update_or_manage_the_plan(reviewer, action, plan, scheme):
    client = client_for(reviewer)
    response = client.post(reverse("improvement:record_update", args=[action.pk]),
                           {"status": status(scheme, "G").pk, "note": "Fine"})
    assert response.status_code == 403
    assert not Update.objects.exists()
    assert client.get(reverse("improvement:plan_manage", args=[plan.pk])).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 302


def test_reviewer_does_not_see_other_plans(reviewer, other_manager):
    theirs = Plan.objects.get(slug="wilts")
    assert client_for(reviewer).get(reverse("boards:assurance", args=[theirs.pk])).status_code == 404


def test_findings_are_never_changed_or_deleted(visit, recommendation, manager):
    finding = visit.record_finding(recommendation=recommendation, judgement="Met", comment="", by=manager)
    finding.judgement = "Not yet met"
    with pytest.raises(AppendOnlyFindingError):
        finding.save()
    with pytest.raises(AppendOnlyFindingError):
        ExternalFinding.objects.update(judgement="Not yet met")
    with pytest.raises(AppendOnlyFindingError):
        finding.delete()
    assert ExternalFinding.objects.get().judgement == "Met"


def test_a_source_with_an_external_review_cannot_be_deleted(visit):
    assert "It has external reviews recorded against it." in visit.source.deletion_blockers()


# --- side by side ------------------------------------------------------------------------------


def test_the_disagreement_rule_is_scrutinys():
    assert disagrees(True, False) and disagrees(False, True) and disagrees(True, None)
    assert not disagrees(True, True) and not disagrees(False, False) and not disagrees(False, None)


def test_assurance_highlights_a_finding_that_disagrees_with_the_lead(viewer, plan, visit, recommendation, action,
                                                                     lead, scheme, frozen_today):
    action.recommendations.add(recommendation)
    action.record_update(status=status(scheme, "G"), note="Going well", by=lead)
    visit.record_finding(recommendation=recommendation, judgement="Met", comment="Done", by=viewer)
    response = client_for(viewer).get(reverse("boards:assurance", args=[plan.pk]))
    page = response.content.decode()
    assert "app-row--disagree" in page and "Disagrees" in page
    assert "On 1 item a judgement from outside and the lead’s own status disagree." in page


def test_a_finding_that_agrees_with_the_lead_is_not_highlighted(viewer, plan, visit, recommendation, action,
                                                                lead, scheme, frozen_today):
    action.recommendations.add(recommendation)
    action.record_update(status=status(scheme, "B"), note="Done", by=lead)
    visit.record_finding(recommendation=recommendation, judgement="Met", comment="Done", by=viewer)
    page = client_for(viewer).get(reverse("boards:assurance", args=[plan.pk])).content.decode()
    assert "app-row--disagree" not in page


def test_scrutinys_disagreement_shows_beside_the_finding(viewer, plan, board, recommendation, action, lead, scheme,
                                                         frozen_today):
    action.recommendations.add(recommendation)
    action.record_update(status=status(scheme, "B"), note="Done", by=lead)
    panel = Board.objects.create(name="Scrutiny panel", kind="scrutiny_panel")
    review = ScrutinyReview.objects.create(board=panel, plan=plan, title="Review", scope="All",
                                           date=datetime.date(2012, 12, 1))
    Assessment.objects.create(review=review, number="1", requirement="r", recommendation=recommendation,
                              conclusion="not_complete", comment="No audit yet")
    page = client_for(viewer).get(reverse("boards:assurance", args=[plan.pk])).content.decode()
    assert "Not complete" in page and "app-row--disagree" in page


def test_a_theme_finding_of_met_disagrees_while_an_action_is_open(viewer, plan, visit, theme, action, lead, scheme,
                                                                  frozen_today):
    action.record_update(status=status(scheme, "A"), note="Slipping", by=lead)
    visit.record_finding(theme=theme, judgement="Met", comment="", by=viewer)
    page = client_for(viewer).get(reverse("boards:assurance", args=[plan.pk])).content.decode()
    assert "app-row--disagree" in page


def test_the_theme_filter_shows_the_recommendations_its_actions_answer(viewer, plan, theme, recommendation,
                                                                       action, frozen_today):
    action.recommendations.add(recommendation)
    other_theme = plan.themes.create(title="Leadership", position=2)
    other = Recommendation.objects.create(source=recommendation.source, reference="4.1")
    make_action(other_theme, "2.1").recommendations.add(other)
    client = client_for(viewer)
    url = reverse("boards:assurance", args=[plan.pk])
    page = client.get(url, {"theme": theme.pk}).content.decode()
    assert "OIS 2012 1.2" in page and "OIS 2012 4.1" not in page
    page = client.get(url, {"theme": other_theme.pk}).content.decode()
    assert "OIS 2012 4.1" in page and "OIS 2012 1.2" not in page
    page = client.get(url).content.decode()
    assert "OIS 2012 1.2" in page and "OIS 2012 4.1" in page


def test_the_recommendation_page_shows_the_leads_history_and_every_finding_latest_first(
        viewer, plan, visit, recommendation, action, lead, scheme, manager, frozen_today):
    action.recommendations.add(recommendation)
    action.record_update(status=status(scheme, "A"), note="Slipping", by=lead, period=datetime.date(2012, 11, 1))
    action.record_update(status=status(scheme, "G"), note="Back on track", by=lead)
    visit.record_finding(recommendation=recommendation, judgement="Not yet met", comment="First look", by=manager)
    later = ExternalReview.objects.create(plan=plan, kind="peer_challenge", title="Peer challenge",
                                          date=datetime.date(2012, 12, 10), reviewer_organisation="LGA",
                                          source=recommendation.source, scale=SCALE)
    later.record_finding(recommendation=recommendation, judgement="Partly met", comment="Better", by=manager)
    response = client_for(viewer).get(reverse("boards:recommendation_detail", args=[plan.pk, recommendation.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "November 2012" in page and "December 2012" in page
    assert page.index("Better") < page.index("First look")
    assert "Earlier finding" in page


def test_a_recommendation_of_another_plan_is_not_found_on_this_plans_page(viewer, plan, council, scheme):
    other = Plan.objects.create(organisation=council, name="Another plan", slug="another", rag_scheme=scheme,
                                current_period=datetime.date(2012, 12, 1))
    source = Source.objects.create(plan=other, key="IN", kind=Source.Kind.IMPROVEMENT_NOTICE, title="Notice")
    theirs = Recommendation.objects.create(source=source, reference="9")
    response = client_for(viewer).get(reverse("boards:recommendation_detail", args=[plan.pk, theirs.pk]))
    assert response.status_code == 404


# --- query counts ------------------------------------------------------------------------------


def build_recommendations(plan, theme, visit, count, by):
    source = visit.source
    start = Recommendation.objects.filter(source=source).count()
    recommendations = [Recommendation.objects.create(source=source, reference=f"R{start + n}") for n in range(count)]
    for n, recommendation in enumerate(recommendations):
        make_many_actions(theme, 1, recommendation=recommendation)
        if n % 2:
            visit.record_finding(recommendation=recommendation, judgement="Met", comment="", by=by)


def test_the_assurance_view_asks_as_many_queries_for_500_recommendations_as_for_10(
        viewer, plan, theme, visit, manager, frozen_today):
    build_recommendations(plan, theme, visit, 10, manager)
    visit.record_finding(theme=theme, judgement="Partly met", comment="", by=manager)
    client = client_for(viewer)
    url = reverse("boards:assurance", args=[plan.pk])
    client.get(url)
    small = count_queries(client, url)
    build_recommendations(plan, theme, visit, 490, manager)
    client.get(url)
    assert count_queries(client, url) == small
    assert count_queries(client, f"{url}?theme={theme.pk}") == small


def test_the_recommendation_page_asks_a_fixed_number_of_queries(viewer, plan, theme, visit, recommendation, manager,
                                                                 frozen_today):
    make_many_actions(theme, 2, recommendation=recommendation)
    visit.record_finding(recommendation=recommendation, judgement="Met", comment="", by=manager)
    client = client_for(viewer)
    url = reverse("boards:recommendation_detail", args=[plan.pk, recommendation.pk])
    client.get(url)
    small = count_queries(client, url)
    make_many_actions(theme, 20, recommendation=recommendation)
    for _ in range(5):
        visit.record_finding(recommendation=recommendation, judgement="Partly met", comment="", by=manager)
    client.get(url)
    assert count_queries(client, url) == small

