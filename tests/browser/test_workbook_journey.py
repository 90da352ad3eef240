"""A demo lead takes the offline workbook from My actions, fills it in away from the site, uploads
it back, checks the preview and confirms; the manager's round page offers it for any lead. Every
page passes axe and the HTML checker."""

import io
from pathlib import Path

import openpyxl
import pytest

from boards import workbook
from improvement.models import Update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_downloads_fills_uploads_and_confirms_the_workbook(page, sign_in, assert_page_ok):
    sign_in("lead")
    page.goto("/my-actions/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your actions still needing this update as a workbook (XLSX)").first.click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book[workbook.SHEET_TITLE]
    status_column = workbook.KEYS.index("status") + 1
    sheet.cell(row=2, column=status_column).value = "Green"
    sheet.cell(row=2, column=status_column + 1).value = "Progress sent from the workbook"
    filled = io.BytesIO()
    book.save(filled)

    page.get_by_role("link", name="upload it").first.click()
    page.get_by_role("heading", name="Upload a filled-in workbook").wait_for()
    assert_page_ok(page)
    page.get_by_role("button", name="Upload and check").click()  # no file: the error summary
    page.get_by_text("Choose the filled-in workbook").first.wait_for()
    assert_page_ok(page)
    page.get_by_label("Filled-in workbook").set_input_files(
        files=[{"name": "mine.xlsx", "mimeType": "application/octet-stream", "buffer": filled.getvalue()}])
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Check the workbook mine.xlsx").wait_for()
    assert_page_ok(page)
    before = Update.objects.count()
    page.get_by_role("button", name="Record 1 update").click()
    page.get_by_role("heading", name="Workbook recorded").wait_for()
    assert_page_ok(page)
    assert Update.objects.count() == before + 1


def test_manager_sees_the_workbook_choices_on_the_round_page(page, sign_in, assert_page_ok):
    from boards.models import UpdateRound

    round_ = UpdateRound.objects.open().first()
    sign_in("manager")
    page.goto(round_.get_absolute_url())
    page.get_by_role("heading", name="Offline workbook").wait_for()
    assert page.get_by_label("Whose actions").count() == 1
    assert_page_ok(page)
