"""The imports in Welsh: the plan import's preview and its row problems, a refused upload's reason,
the report import (its upload page, and what the task worker says, in the uploader's language) and
the measure import, for a person who reads the site in Cymraeg."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from improvement.importing import engine
from improvement.models import PlanImport, ReportImport, Source
from improvement.tasks import read_report_import
from tests.conftest import client_for
from tests.importing import builders, reports

WELSH = {"accept-language": "cy"}


@pytest.fixture(autouse=True)
def _the_default_language_afterwards():
    """A request's language stays active in the thread after it (LocaleMiddleware activates it and
    nothing deactivates it): later tests must not run in Welsh."""
    yield
    translation.deactivate()


def welsh(user):
    user.language = "cy"
    user.save(update_fields=["language"])
    return client_for(user)


def upload_plan(client, plan, name, data):
    return client.post(reverse("improvement:import_start", args=[plan.pk]), {"file": SimpleUploadedFile(name, data)},
                       headers=WELSH)


def test_the_import_page_is_in_welsh(plan, manager):
    page = client_for(manager).get(reverse("improvement:import_start", args=[plan.pk]), headers=WELSH)
    text = page.content.decode()
    assert '<html lang="cy"' in text
    assert "Mewnforio camau gweithredu o ffeil" in text and "Uwchlwytho a gwirio" in text
    assert "Lawrlwythwch y templed gwag (XLSX)" in text and "Ffeil y cynllun" in text
    assert "Import actions from a file" not in text and "Upload and check" not in text


def test_a_preview_with_a_row_problem_is_in_welsh(plan, manager):
    client = welsh(manager)
    name, data = builders.duplicate_numbers_csv()
    upload_plan(client, plan, name, data)
    record = PlanImport.objects.get()
    text = client.get(record.get_absolute_url()).content.decode()
    assert '<html lang="cy"' in text
    assert "Gwirio’r mewnforio o plan.csv" in text and "1. Pa golofn yw pa un" in text
    assert "Rhaid cywiro" in text and "Mae problem wedi codi" in text
    # The row problem: where it is, and what is wrong, in Welsh.
    assert "taflen “plan”, rhes 4" in text
    assert "defnyddir rhif cam gweithredu 1.1 ddwywaith yn y ffeil" in text
    # The column choices name the fields in Welsh; the file's own headings stay as written.
    assert ">Rhif y cam gweithredu</option>" in text and ">Action No.</label>" in text
    for english in ("Which column is which", "Must fix", "is used twice in the file", "Check the import of"):
        assert english not in text


def test_a_refused_upload_says_why_in_welsh(plan, manager):
    name, data = builders.password_protected_xlsx()
    response = upload_plan(client_for(manager), plan, name, data)
    text = response.content.decode()
    assert response.status_code == 400 and '<html lang="cy"' in text
    assert f"Mae “{name}” wedi’i diogelu â chyfrinair" in text
    assert "protected with a password" not in text
    assert not PlanImport.objects.exists()


def test_the_done_message_counts_in_welsh():
    with translation.override("cy"):
        message = engine.done_message({"created": 3, "updated": 1, "unchanged": 0, "updates": 2, "themes": 1})
        label = engine.confirm_label({"created": 3, "updated": 1, "updates": 2})
    assert message == ("3 cam gweithredu wedi’u creu, 1 wedi newid, 0 heb newid, 2 ddiweddariad statws wedi’u "
                       "cofnodi; 1 thema newydd.")
    assert label == "Mewnforio: creu 3 cam gweithredu, newid 1, cofnodi 2 diweddariad statws"
    with translation.override("en-gb"):
        assert engine.confirm_label({"created": 1}) == "Import: create 1 action"


def upload_report(client, plan, name="exampleshire.pdf", data=None):
    data = reports.ilacs_pdf() if data is None else data
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("improvement:report_import_start", args=[plan.pk]),
                           {"file": SimpleUploadedFile(name, data), "kind": Source.Kind.OFSTED_INSPECTION},
                           headers=WELSH)


def test_the_report_import_page_is_in_welsh(plan, manager):
    text = client_for(manager).get(reverse("improvement:report_import_start", args=[plan.pk]),
                                   headers=WELSH).content.decode()
    assert '<html lang="cy"' in text
    assert "Mewnforio argymhellion o adroddiad arolygu" in text and "Adroddiad arolygu" in text
    assert "hyd at 5 MB a 200 tudalen" in text
    assert "Import recommendations from an inspection report" not in text and "Upload and check" not in text


def test_the_report_preview_is_in_welsh(plan, manager):
    client = client_for(manager)
    upload_report(client, plan)
    record = ReportImport.objects.get()
    text = client.get(record.get_absolute_url(), headers=WELSH).content.decode()
    assert "Gwirio argymhellion exampleshire.pdf" in text and "Ychwanegu ffynhonnell newydd at y cynllun" in text
    assert "Ychwanegu Ofsted 2026 gyda 5 argymhelliad" in text
    assert "Add a new source to the plan" not in text and "Recommendations as read from the report" not in text


def test_a_report_that_cannot_be_read_says_why_in_the_uploader_s_language(plan, manager):
    """The task worker reads the report after the request: what it says is in the language the
    manager uploaded in, though the worker has no request of its own."""
    client = client_for(manager)
    upload_report(client, plan, "scan.pdf", reports.scanned_pdf())
    record = ReportImport.objects.get()
    assert record.status == ReportImport.Status.FAILED
    assert record.error.startswith("Nid oes haen destun yn “scan.pdf”")
    text = client.get(record.get_absolute_url(), headers=WELSH).content.decode()
    assert "Nid oedd modd darllen yr adroddiad" in text and "Uwchlwytho ffeil arall" in text
    assert "The report could not be read" not in text and "has no text layer" not in text


def test_the_worker_falls_back_to_the_uploader_s_chosen_language(plan, manager):
    manager.language = "cy"
    manager.save(update_fields=["language"])
    record = ReportImport.objects.create(plan=plan, uploaded_by=manager, filename="scan.pdf",
                                         data=reports.scanned_pdf(), kind=Source.Kind.OFSTED_INSPECTION)
    assert read_report_import.call(record.pk) == "refused"
    record.refresh_from_db()
    assert "probably a scan" not in record.error and "sgan ydyw, mae’n debyg" in record.error


def test_the_measure_import_page_is_in_welsh(plan, manager):
    text = welsh(manager).get(reverse("improvement:measure_import", args=[plan.pk])).content.decode()
    assert '<html lang="cy"' in text
    assert "Mewnforio gwerthoedd mesurau" in text and "Beth sydd yn y ffeil" in text
    assert "Import measure values" not in text


def test_the_blank_template_explains_its_columns_in_welsh_and_keeps_the_headings_the_import_reads():
    import io

    import openpyxl

    from improvement.importing.export import template_xlsx

    with translation.override("cy"):
        workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    header = [c.value for c in next(workbook["Plan"].iter_rows())]
    notes = [[c.value for c in row] for row in workbook["Notes"].iter_rows()]
    assert "Action No." in header and "RAG" in header
    assert notes[0] == ["Colofn", "Beth i’w roi ynddi"]
    assert ["Action", "Beth fydd yn cael ei wneud. Gofynnol."] in notes
