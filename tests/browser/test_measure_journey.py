"""A measure's journey in a real browser: its owner records a value within tolerance, and the
board's chair sees the measure "Within tolerance" (amber) on the dashboard; axe on each page."""

import datetime
import re

import pytest

from improvement.models import Plan, Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_records_a_value_within_tolerance_and_the_chair_sees_it_amber(page, sign_in, assert_accessible):
    from tests.conftest import make_measure

    plan = Plan.objects.get(slug="walsall-sip-2012")
    post = Post.objects.filter(holders__username="lead").first()
    # Target 95% by March 2013 from 36% in September 2012: 69.8% for December, tolerance 5 points.
    measure = make_measure(plan, "Children seen within timescale", owner=post, tolerance=5,
                           baseline=(datetime.date(2012, 9, 1), 36), targets=((datetime.date(2013, 3, 31), 95),))

    sign_in("lead")
    page.goto("/my-actions/")
    page.get_by_role("link", name=re.compile(r"Record the December 2012 value for .*Children seen")).click()
    page.get_by_role("heading", name="Record a value for Children seen within timescale").wait_for()
    assert_accessible(page)
    page.get_by_label("Value").fill("67")
    page.get_by_label("Commentary (optional)").fill("Two social workers joined the assessment team.")
    page.get_by_role("button", name="Save value").click()

    page.get_by_text("67% recorded for December 2012.").wait_for()
    assert page.url.endswith(f"/measures/{measure.pk}/")
    assert page.locator(".govuk-tag.app-rag--amber", has_text="Within tolerance").first.is_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in("chair")
    page.goto(f"/plans/{plan.pk}/dashboard/")
    row = page.locator(".app-scorecard tr", has_text="Children seen within timescale")
    tag = row.locator(".govuk-tag")
    assert tag.inner_text() == "Within tolerance"
    assert "app-rag--amber" in tag.get_attribute("class")

    page.get_by_role("link", name="Scorecard by theme").click()
    page.get_by_role("heading", name=re.compile("Measures of impact")).wait_for()
    assert "67%" in page.locator(".app-scorecard").inner_text()
    assert_accessible(page)


def test_manager_defines_a_measure_then_imports_its_values_with_axe_on_each_page(page, sign_in, assert_accessible,
                                                                                 tmp_path):
    from improvement.models import Measure, MeasureValue

    plan = Plan.objects.get(slug="walsall-sip-2012")
    sign_in("manager")
    page.goto(f"/plans/{plan.pk}/measures/new/")
    assert_accessible(page)
    page.locator("#id_name").fill("Initial assessments within 10 working days")
    page.locator("#id_tolerance").fill("-1")
    page.get_by_role("button", name=re.compile("Save")).first.click()
    page.locator(".govuk-error-summary").wait_for()
    assert "overlap" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert not Measure.objects.filter(name="Initial assessments within 10 working days").exists()

    page.locator("#id_tolerance").fill("3")
    page.get_by_role("button", name=re.compile("Save")).first.click()
    page.get_by_role("heading", name="Initial assessments within 10 working days").wait_for()
    measure = Measure.objects.get(plan=plan, name="Initial assessments within 10 working days")
    page.goto(f"/measures/{measure.pk}/comparators/")
    assert_accessible(page)
    page.goto(f"/measures/{measure.pk}/delete/")
    assert_accessible(page)

    scorecard = tmp_path / "scorecard.csv"
    scorecard.write_text("measure,period,value\nInitial assessments within 10 working days,2012-11,61.5\n"
                         "Initial assessments within 10 working days,2012-12,64\n", encoding="utf-8")
    page.goto(f"/plans/{plan.pk}/measures/import/")
    assert_accessible(page)
    page.locator("input[type=file]").set_input_files(str(scorecard))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name=re.compile("Check|Preview|import", re.I)).first.wait_for()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Record|Confirm|Import", re.I)).first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert sorted(MeasureValue.objects.filter(measure=measure).values_list("value", flat=True)) == [61.5, 64]
