"""External findings in a real browser: the demo's external reviewer signs in and lands on the
Walsall plan's Assurance tab, records a monitoring visit and a finding on a recommendation, and
sees it on the recommendation's page; axe and the HTML checker on each page."""

import re

import pytest

from improvement.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_records_a_monitoring_visit_finding(page, sign_in, assert_accessible):
    from boards.models import ExternalFinding

    plan = Plan.objects.get(slug="walsall-sip-2012")
    sign_in("reviewer")
    assert page.url.endswith(f"/plans/{plan.pk}/assurance/")
    page.get_by_role("heading", name="Assurance").wait_for()
    assert page.locator("tr.app-row--disagree").count() >= 1  # the demo's visit finds what leads do not
    assert_accessible(page)

    page.get_by_role("link", name="Record an external review").click()
    page.get_by_role("heading", name="Record an external review").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Record the review").click()  # nothing filled in: the errors say what to fix
    page.locator(".govuk-error-summary").wait_for()
    assert "Select the kind of review" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Inspection monitoring visit").check()
    page.locator("#id_title").fill("Ofsted monitoring visit 2")
    page.locator("#id_date_0").fill("6")
    page.locator("#id_date_1").fill("12")
    page.locator("#id_date_2").fill("2012")
    page.locator("#id_reviewer_organisation").fill("Ofsted")
    page.locator("#id_document_title").fill("Monitoring visit letter, 6 December 2012")
    page.locator("#id_document_link").fill("https://reports.ofsted.gov.uk/walsall-letter")
    page.get_by_label("Not yet met, Partly met, Met").check()
    page.get_by_role("button", name="Record the review").click()

    page.get_by_role("heading", name="Ofsted monitoring visit 2").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Record a finding").click()
    page.get_by_role("heading", name="Record a finding").wait_for()
    assert_accessible(page)
    page.locator("#id_recommendation").select_option(index=1)
    page.get_by_label("Partly met", exact=True).check()
    page.locator("#id_comment").fill("Plans are clearer; management oversight is not yet consistent.")
    page.get_by_role("button", name="Record the finding").click()

    page.get_by_text(re.compile(r"Finding on .* recorded\.")).wait_for()
    finding = ExternalFinding.objects.get(review__title="Ofsted monitoring visit 2")
    assert finding.judgement == "Partly met"
    page.get_by_role("link", name=str(finding.recommendation)).first.click()
    page.get_by_role("heading", name=f"Recommendation {finding.recommendation}").wait_for()
    assert "management oversight is not yet consistent" in page.content()
    assert_accessible(page)
