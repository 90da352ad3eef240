"""The demo manager imports the recommendations of an inspection report in the browser (upload,
a scan refused once read, then a report read, checked and confirmed), then links an action to one of them; axe and the HTML validator on each page."""

import re

import pytest

from improvement.models import Plan, Recommendation
from tests.importing import reports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_imports_a_report_s_recommendations_and_links_an_action_to_one(page, sign_in, assert_accessible):
    plan = Plan.objects.get(slug="wiltshire-sip-2012")
    sign_in("manager")
    page.goto(f"/plans/{plan.pk}/sources/")
    page.get_by_role("link", name="Import recommendations from an inspection report").click()
    page.get_by_role("heading", name="Import recommendations from an inspection report").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Upload and check").click()  # nothing chosen: the error summary
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)

    # A scan passes the upload's checks; reading its pages (the task worker) finds no text.
    page.get_by_label("Inspection report").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": reports.scanned_pdf()}])
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Reading scan.pdf").wait_for()
    page.get_by_text("has no text layer: it is probably a scan").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Upload another file").click()

    page.get_by_label("Inspection report").set_input_files(
        files=[{"name": "exampleshire.pdf", "mimeType": "application/pdf", "buffer": reports.ilacs_pdf()}])
    page.get_by_label("Key (optional)").fill("Ofsted 2026")
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Check the recommendations of exampleshire.pdf").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Add Ofsted 2026 with 5 recommendations").click()
    page.get_by_text("Imported into Ofsted 2026: 5 recommendations added").wait_for()
    assert_accessible(page)
    assert Recommendation.objects.filter(source__plan=plan, source__key="Ofsted 2026").count() == 5

    action = plan.actions.order_by("number_sort").first()
    page.goto(f"/actions/{action.pk}/edit/")
    page.get_by_label(re.compile(r"^Ofsted 2026 3: The response to children who go missing")).check()
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_url(re.compile(rf"/actions/{action.pk}/$"))
    assert action.recommendations.filter(source__key="Ofsted 2026", reference="3").exists()
