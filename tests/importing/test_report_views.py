"""The report import pages (improvement/report_import_views.py): upload an inspection report,
check its recommendations, confirm, then link actions to them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from improvement.models import Recommendation, ReportImport, Source
from improvement.tasks import read_report_import
from tests.conftest import client_for
from tests.importing import reports
from tests.importing.reports import WHAT_NEEDS_TO_IMPROVE


def upload(client, plan, name="exampleshire.pdf", data=None, *, read=True, **fields):
    """Upload a report; with ``read``, the request's transaction commits and the task worker
    (immediate in the tests) reads it, as a worker does after the upload."""
    data = reports.ilacs_pdf() if data is None else data
    with TestCase.captureOnCommitCallbacks(execute=read):
        return client.post(reverse("improvement:report_import_start", args=[plan.pk]),
                           {"file": SimpleUploadedFile(name, data), "kind": Source.Kind.OFSTED_INSPECTION, **fields})


def confirm(client, record):
    return client.post(reverse("improvement:report_import_confirm", args=[record.pk]))


def test_manager_uploads_a_report_checks_the_preview_and_confirms(plan, manager):
    client = client_for(manager)
    response = upload(client, plan)
    record = ReportImport.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert not Source.objects.exists()  # nothing written before confirmation
    assert (record.key, record.kind, str(record.published)) == ("Ofsted 2026", "ofsted_inspection", "2026-03-06")

    page = client.get(response.url).content.decode()
    assert "Check the recommendations of exampleshire.pdf" in page
    assert "Add a new source to the plan" in page and "6 March 2026 (as the report says)" in page
    assert "Ofsted 2026 3" in page and WHAT_NEEDS_TO_IMPROVE[2].replace("'", "&#x27;") in page
    assert "Add Ofsted 2026 with 5 recommendations" in page

    response = confirm(client, record)
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    source = Source.objects.get(plan=plan)
    assert (source.key, source.title) == ("Ofsted 2026", "Inspection of children's social care services")
    assert [(r.reference, r.text) for r in source.recommendations.order_by("reference_sort")] == [
        (str(n), text) for n, text in enumerate(WHAT_NEEDS_TO_IMPROVE, start=1)]
    done = client.get(response.url).content.decode()
    assert "Imported into Ofsted 2026: 5 recommendations added, 0 updated, 0 unchanged." in done
    assert "link actions to the recommendations" in done.lower()


def test_urgencies_come_from_the_report_s_groups(plan, manager):
    client = client_for(manager)
    upload(client, plan, "safeguarding.pdf", reports.grouped_pdf(), key="OIS 2012")
    confirm(client, ReportImport.objects.get())
    source = Source.objects.get(plan=plan, key="OIS 2012")
    assert list(source.recommendations.order_by("reference_sort").values_list("urgency", flat=True)) == [
        "immediately", "immediately", "within_3_months", "within_3_months", "within_6_months", "immediately",
        "within_3_months"]
    assert str(source.published) == "2012-07-06"


def test_a_word_report_imports_too(plan, manager):
    client = client_for(manager)
    upload(client, plan, "exampleshire.docx", reports.report_docx(), kind=Source.Kind.IMPROVEMENT_NOTICE,
           title="Improvement notice")
    record = ReportImport.objects.get()
    assert (record.key, record.title) == ("IN 2026", "Improvement notice")
    page = client.get(record.get_absolute_url()).content.decode()
    assert "numbered automatically by Word" in page
    confirm(client, record)
    assert Source.objects.get(plan=plan).recommendations.count() == 4


def test_uploading_the_same_report_again_changes_nothing_and_says_so(plan, manager):
    client = client_for(manager)
    upload(client, plan)
    confirm(client, ReportImport.objects.get())
    upload(client, plan)
    again = ReportImport.objects.latest("created_at")
    page = client.get(again.get_absolute_url()).content.decode()
    assert "Update the plan’s source Ofsted 2026" in page
    assert "There is nothing to import: every recommendation in the report is already in Ofsted 2026" in page
    assert "Nothing: unchanged" in page and "<button" not in page.split("Recommendations as read")[1]
    history = Recommendation.history.count()
    confirm(client, again)
    assert Recommendation.history.count() == history
    assert Recommendation.objects.count() == 5


def test_a_re_upload_updates_what_changed_and_keeps_what_the_report_does_not_hold(plan, manager):
    client = client_for(manager)
    upload(client, plan)
    confirm(client, ReportImport.objects.get())
    source = Source.objects.get()
    Recommendation.objects.filter(source=source, reference="2").update(text="Edited by hand")
    Recommendation.objects.create(source=source, reference="6", text="Added by hand")
    upload(client, plan)
    again = ReportImport.objects.latest("created_at")
    page = client.get(again.get_absolute_url()).content.decode()
    assert "Change text" in page and "Update Ofsted 2026: add 0 and change 1 recommendation" in page
    assert "Recommendations of Ofsted 2026 that the report does not hold (1)" in page
    confirm(client, again)
    assert source.recommendations.get(reference="2").text == WHAT_NEEDS_TO_IMPROVE[1]
    assert source.recommendations.get(reference="6").text == "Added by hand"
    assert ReportImport.objects.get(pk=again.pk).result == {"created": 0, "updated": 1, "unchanged": 4,
                                                            "source_created": False}


def test_confirming_twice_writes_once(plan, manager):
    client = client_for(manager)
    upload(client, plan)
    record = ReportImport.objects.get()
    confirm(client, record)
    confirm(client, record)
    assert Recommendation.objects.count() == 5


@pytest.mark.parametrize(("name", "builder", "message"), [
    ("long.pdf", reports.long_pdf, "has 500 pages; a report import reads at most 200"),
    ("locked.pdf", reports.encrypted_pdf, "is protected with a password"),
    ("report.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old Word 97–2003 format"),
    ("report.txt", lambda: b"What needs to improve", "is not a PDF or a Word document"),
])
def test_a_file_that_is_not_a_readable_report_is_refused_on_the_upload_page_and_writes_nothing(
        plan, manager, name, builder, message):
    response = upload(client_for(manager), plan, name, builder())
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not ReportImport.objects.exists() and not Source.objects.exists()


@pytest.mark.parametrize(("name", "builder", "message"), [
    ("scan.pdf", reports.scanned_pdf, "has no text layer: it is probably a scan"),
    ("annual.pdf", reports.no_section_pdf, "No section headed “Recommendations”, “What needs to improve” or "
                                           "“Areas for improvement” was found"),
    ("broken.pdf", reports.damaged_pdf, "is damaged"),
])
def test_a_report_whose_pages_cannot_be_read_says_why_once_read_and_imports_nothing(plan, manager, name, builder,
                                                                                     message):
    client = client_for(manager)
    response = upload(client, plan, name, builder())
    record = ReportImport.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert record.status == ReportImport.Status.FAILED
    page = client.get(response.url).content.decode()
    assert "The report could not be read" in page and message in page and "Upload another file" in page
    assert not Source.objects.exists()
    assert confirm(client, record).status_code == 302 and not Source.objects.exists()  # nothing to confirm


def test_a_report_not_yet_read_shows_that_it_is_being_read_and_cannot_be_confirmed(plan, manager):
    client = client_for(manager)
    upload(client, plan, read=False)
    record = ReportImport.objects.get()
    assert (record.status, record.lines, record.key) == (ReportImport.Status.QUEUED, [], "")
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Reading exampleshire.pdf" in page and "Waiting to start" in page and "Check again" in page
    status = client.get(record.get_absolute_url() + "?part=status").content.decode()
    assert 'data-job-finished="false"' in status and "<html" not in status
    confirm(client, record)
    assert not Source.objects.exists()

    read_report_import.call(record.pk)  # the worker reads it
    status = client.get(record.get_absolute_url() + "?part=status").content.decode()
    assert 'data-job-finished="true"' in status and "Check the recommendations found in exampleshire.pdf" in status
    assert "Add Ofsted 2026 with 5 recommendations" in client.get(record.get_absolute_url()).content.decode()
    assert read_report_import.call(record.pk) == f"report import {record.pk} was already taken or has gone"


def test_a_report_over_5_mb_is_refused(plan, manager):
    response = upload(client_for(manager), plan, "big.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 400 and "The file must be smaller than 5 MB" in response.content.decode()
    assert not ReportImport.objects.exists()


def test_the_upload_page_is_reached_from_the_sources_page_and_the_manage_page(plan, manager):
    client = client_for(manager)
    url = reverse("improvement:report_import_start", args=[plan.pk])
    for page in ("source_list", "plan_manage"):
        assert url in client.get(reverse(f"improvement:{page}", args=[plan.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "Import recommendations from an inspection report" in page and "up to 5 MB and 200 pages" in page


@pytest.mark.parametrize("persona", ["lead", "viewer", "scrutiny"])
def test_people_who_do_not_manage_the_plan_cannot_import(plan, action, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("improvement:report_import_start", args=[plan.pk])).status_code == 403
    assert upload(client, plan).status_code == 403
    assert not ReportImport.objects.exists()


def test_an_outsider_gets_404(plan, outsider):
    assert client_for(outsider).get(reverse("improvement:report_import_start", args=[plan.pk])).status_code == 404


def test_another_manager_cannot_see_or_confirm_someone_else_s_import(plan, manager, other_manager):
    upload(client_for(manager), plan)
    record = ReportImport.objects.get()
    other = client_for(other_manager)
    assert other.get(record.get_absolute_url()).status_code == 404
    assert confirm(other, record).status_code == 404
    assert not Source.objects.exists()


def test_confirm_needs_post(plan, manager):
    client = client_for(manager)
    upload(client, plan)
    record = ReportImport.objects.get()
    assert client.get(reverse("improvement:report_import_confirm", args=[record.pk])).status_code == 405


def test_the_manager_links_an_action_to_a_new_recommendation_after_the_import(plan, action, manager):
    client = client_for(manager)
    upload(client, plan)
    confirm(client, ReportImport.objects.get())
    recommendation = Recommendation.objects.get(reference="3")
    edit = reverse("improvement:action_edit", args=[action.pk])
    form = client.get(edit).content.decode()
    assert "Ofsted 2026 3: The response to children who go missing" in form
    response = client.post(edit, {
        "theme": action.theme_id, "objective": "", "number": action.number, "description": action.description,
        "lead_agency": "", "timescale": "", "measures": "", "cost": "", "read_version": action.version,
        "due_date_0": "31", "due_date_1": "1", "due_date_2": "2013",
        "lead_posts": [post.pk for post in action.lead_posts.all()], "recommendations": [recommendation.pk]})
    assert response.status_code == 302
    assert list(action.recommendations.all()) == [recommendation]
    sources = client.get(reverse("improvement:source_list", args=[plan.pk])).content.decode()
    assert "answered by 1 action" in sources


def test_a_fault_while_reading_says_so_in_words_and_imports_nothing(plan, manager, monkeypatch, caplog):
    from improvement.importing import report

    def broken(name, data):
        raise KeyError("/Contents")

    monkeypatch.setattr(report, "read_report", broken)
    client = client_for(manager)
    upload(client, plan)
    record = ReportImport.objects.get()
    assert record.status == ReportImport.Status.FAILED
    page = client.get(record.get_absolute_url()).content.decode()
    assert "a fault on our side, which has been logged" in page and "KeyError" not in page
    assert "Reading report import" in caplog.text and not Source.objects.exists()
