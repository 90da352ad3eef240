"""The demo manager imports a plan file in the browser: upload, adjust one column, preview, confirm."""

import re

import pytest

from improvement.models import Plan
from tests.importing import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_uploads_adjusts_a_column_previews_and_confirms(page, sign_in, assert_accessible):
    plan = Plan.objects.get(slug="wiltshire-sip-2012")
    sign_in("manager")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Import actions from a file").click()
    page.get_by_role("heading", name="Import actions from a file").wait_for()
    assert_accessible(page)
    page.get_by_label("Plan file").set_input_files(
        files=[{"name": "walsall.xlsx", "mimeType": "application/octet-stream", "buffer": builders.walsall_xlsx()}])
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Check the import of walsall.xlsx").wait_for()
    assert_accessible(page)

    page.get_by_label("Review note for this period").select_option(label="Do not import")
    page.get_by_role("button", name="Use these columns").click()
    page.get_by_text("Column choices saved").wait_for()
    assert page.get_by_label("Review note for this period").input_value() == "ignore"

    # Every field that will be written is one click away, per action, and the page still passes.
    page.get_by_text("Details of action 1.2").click()
    page.locator("#action-2 details[open]").get_by_text("Read from").wait_for()
    assert_accessible(page)

    before = plan.actions.count()
    page.get_by_role("button", name=re.compile(r"^Import: create 58 actions")).click()
    page.get_by_text("Imported: 58 actions created, 0 changed, 0 unchanged").wait_for()
    assert plan.actions.count() == before + 58
