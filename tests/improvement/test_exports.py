"""Large XLSX exports of the action table are made in the background and kept for a day,
for the person who asked only; CSV always streams."""

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from improvement import exports
from improvement.models import Export
from improvement.tasks import build_export
from tests.conftest import client_for, make_many_actions, store_unnormalised_text


def table_url(plan, query=""):
    return reverse("improvement:action_table", args=[plan.pk]) + query


@pytest.fixture
def small_inline_limit(monkeypatch):
    monkeypatch.setattr(exports, "INLINE_XLSX_ROWS", 3)


@pytest.fixture
def many(theme, lead_post):
    return make_many_actions(theme, 5, leads=[lead_post])


def test_a_large_xlsx_export_is_prepared_in_the_background_and_downloaded(
        plan, theme, many, manager, small_inline_limit, on_commit, frozen_today):
    client = client_for(manager)
    with on_commit():
        response = client.get(table_url(plan, f"?theme={theme.pk}&sort=number&page=1&export=xlsx"))
    export = Export.objects.get()
    assert response.status_code == 302 and response.url == export.get_absolute_url()
    assert export.query == f"theme={theme.pk}&sort=number" and export.as_of == datetime.date(2012, 12, 20)

    page = client.get(export.get_absolute_url()).content.decode()
    assert "Ready" in page and "5 actions" in page
    status = client.get(export.get_absolute_url(), {"part": "status"}).content.decode()
    assert 'data-job-finished="true"' in status and "5 actions" in status and "<h1" not in status
    download = client.get(reverse("improvement:export_download", args=[export.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="strategic-improvement-plan-actions-')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number" and [row[0] for row in rows[1:]] == [a.number for a in many]


def test_the_action_table_says_when_the_workbook_will_be_prepared_in_the_background(
        plan, many, viewer, small_inline_limit):
    page = client_for(viewer).get(table_url(plan)).content.decode()
    assert "prepared in the background" in page


def test_a_small_xlsx_export_is_still_downloaded_at_once(plan, many, viewer):
    response = client_for(viewer).get(table_url(plan, "?export=xlsx"))
    assert response.status_code == 200 and Export.objects.count() == 0
    assert "prepared in the background" not in client_for(viewer).get(table_url(plan)).content.decode()


def test_csv_streams_however_many_rows(plan, many, viewer, small_inline_limit):
    response = client_for(viewer).get(table_url(plan, "?export=csv"))
    assert response.streaming and len(b"".join(response.streaming_content).splitlines()) == 6
    assert Export.objects.count() == 0


def test_only_the_person_who_asked_can_see_or_download_an_export(plan, many, manager, viewer, small_inline_limit,
                                                                 on_commit):
    with on_commit():
        client_for(manager).get(table_url(plan, "?export=xlsx"))
    export = Export.objects.get()
    assert client_for(viewer).get(export.get_absolute_url()).status_code == 404
    assert client_for(viewer).get(reverse("improvement:export_download", args=[export.pk])).status_code == 404


def test_an_export_that_cannot_be_built_says_why_and_offers_to_ask_again(plan, manager):
    export = Export.objects.create(plan=plan, requested_by=manager, query="theme=999999",
                                   as_of=datetime.date(2012, 12, 20), filename="x.xlsx")
    assert build_export.call(export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and "theme" in export.error and not export.file
    page = client_for(manager).get(export.get_absolute_url()).content.decode()
    assert "The export could not be made" in page and "Ask for the export again" in page
    assert client_for(manager).get(reverse("improvement:export_download", args=[export.pk])).status_code == 404


def test_an_export_is_built_exactly_once_however_many_workers_take_it(plan, many, manager):
    export = Export.objects.create(plan=plan, requested_by=manager, as_of=datetime.date(2012, 12, 20),
                                   filename="x.xlsx")
    assert build_export.call(export.pk) == "ready"
    assert build_export.call(export.pk).endswith("already taken or has gone")
    export.refresh_from_db()
    assert export.attempts == 1 and export.rows == 5


def test_exports_older_than_a_day_are_deleted_with_their_files(plan, many, manager):
    with time_machine.travel(datetime.datetime(2012, 12, 18, 9, tzinfo=datetime.UTC), tick=False):
        old = Export.objects.create(plan=plan, requested_by=manager, as_of=datetime.date(2012, 12, 18),
                                    filename="old.xlsx")
        build_export.call(old.pk)
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    with time_machine.travel(datetime.datetime(2012, 12, 20, 9, tzinfo=datetime.UTC), tick=False):
        new = Export.objects.create(plan=plan, requested_by=manager, as_of=datetime.date(2012, 12, 20),
                                    filename="new.xlsx")
        build_export.call(new.pk)
    assert list(Export.objects.values_list("filename", flat=True)) == ["new.xlsx"]
    assert not storage.exists(name)


def test_each_row_joins_the_actions_leads_and_references_in_order(plan, theme, lead_post, lead2_post, recommendation,
                                                                   viewer, scheme):
    from improvement.models import Recommendation
    from tests.conftest import make_action

    other = Recommendation.objects.create(source=recommendation.source, reference="1.1", text="Thresholds")
    both = make_action(theme, "1.1", leads=[lead2_post, lead_post])
    both.recommendations.add(recommendation, other)
    make_action(theme, "1.2", leads=[])
    text = b"".join(client_for(viewer).get(table_url(plan, "?export=csv")).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][4] == "Assistant Director Specialist Services; Early Help Lead"
    assert rows[1][13] == "OIS 2012 1.1; OIS 2012 1.2"
    assert rows[2][4] == "" and rows[2][13] == "" and rows[2][9] == "No update yet"


def cells(workbook_bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes)).active
    return {value for row in sheet.iter_rows(values_only=True) for value in row}


def test_an_xlsx_export_of_text_with_control_characters_still_opens(plan, action, viewer):
    store_unnormalised_text(action)
    response = client_for(viewer).get(table_url(plan, "?export=xlsx"))
    assert response.status_code == 200
    assert "Audit\ncore groups" in cells(response.content)


def test_a_background_xlsx_export_of_text_with_control_characters_is_built(
        plan, action, many, manager, small_inline_limit, on_commit):
    store_unnormalised_text(action)
    with on_commit():
        client_for(manager).get(table_url(plan, "?export=xlsx"))
    export = Export.objects.get()
    assert export.status == Export.Status.READY, export.error
    download = client_for(manager).get(reverse("improvement:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert "Audit\ncore groups" in cells(b"".join(download.streaming_content))


def test_a_csv_export_of_text_with_control_characters_is_normalised(plan, action, viewer):
    store_unnormalised_text(action)
    response = client_for(viewer).get(table_url(plan, "?export=csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][3] == "Audit\ncore groups"

def test_the_action_table_workbook_has_a_frozen_filtered_header_and_date_cells(plan, action, viewer):
    response = client_for(viewer).get(table_url(plan, "?export=xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Actions"]
    header = [cell.value for cell in sheet[1]]
    due = sheet.cell(row=2, column=header.index("Due date") + 1)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:P2" and sheet["A1"].font.b
    assert due.is_date and due.value == datetime.datetime(2013, 1, 31) and due.number_format == "d mmm yyyy"
