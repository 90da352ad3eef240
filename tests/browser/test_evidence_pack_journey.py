"""The evidence pack in a real browser: the demo's plan manager opens the Walsall plan's
"Evidence packs" tab, is told what to fix when the date is in the future, builds a pack with a
draft self-evaluation and downloads the ZIP, whose checksum is the one the page shows; axe and
the HTML checker on each page."""

import hashlib
import io
import zipfile

import pytest

from improvement.models import Plan
from reports.models import EvidencePack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_builds_an_evidence_pack_and_downloads_it(page, sign_in, assert_page_ok):
    plan = Plan.objects.get(slug="walsall-sip-2012")
    sign_in("manager")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Evidence packs").click()
    page.get_by_role("heading", name="Evidence packs").wait_for()
    assert_page_ok(page)

    page.locator("#id_as_at_0").fill("11")  # the day after the demo's date: in the future
    page.get_by_role("button", name="Build the evidence pack").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "The date must be today (10 December 2012) or earlier" in page.locator(".govuk-error-summary").inner_text()
    assert_page_ok(page)

    page.locator("#id_as_at_0").fill("10")
    page.get_by_label("Include a draft self-evaluation per theme").check()
    # Tests run tasks inside the request (the immediate backend): the click waits for the build.
    page.get_by_role("button", name="Build the evidence pack").click(timeout=180_000)
    page.get_by_role("heading", name="Version 1 built").wait_for(timeout=180_000)
    assert_page_ok(page)
    pack = EvidencePack.objects.get()
    assert page.get_by_text(pack.checksum).is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the evidence pack").click()
    data = download_info.value.path().read_bytes()
    assert hashlib.sha256(data).hexdigest() == pack.checksum
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {"index.html", "index.css", "index.pdf", "manifest-sha256.txt", "self-evaluation-draft.docx"} <= set(
        archive.namelist())
    index, stylesheet = archive.read("index.html").decode(), archive.read("index.css").decode()

    page.get_by_role("link", name="Back to the evidence packs").click()
    page.get_by_role("link", name="10 December 2012").wait_for()
    assert_page_ok(page)

    # The index as the inspector opens it from the unpacked ZIP: accessible and valid too.
    page.goto("about:blank")  # away from the site: the index and its stylesheet beside it, as unpacked
    page.set_content(index)
    page.add_style_tag(content=stylesheet)  # what href="index.css" loads from the unpacked folder
    page.get_by_role("heading", name="Evidence pack: Walsall").wait_for()
    assert_page_ok(page)
