"""The core app's words made in Python (forms, messages, table headings, measures, exports, the
clock reminder) in Welsh: for a page asked for in Welsh, for an export in the language of whoever
asked, and for an email in the recipient's chosen language (User.language)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from improvement import exports, measures
from improvement.forms import UpdateForm
from improvement.models import Export, Plan
from improvement.tasks import build_export
from tests.conftest import client_for, make_many_actions, status

WELSH = {"headers": {"accept-language": "cy"}}


@pytest.fixture(autouse=True)
def _english_afterwards(settings):
    """A page asked for in Welsh leaves Welsh active in the thread: the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def table_url(plan, query=""):
    return reverse("improvement:action_table", args=[plan.pk]) + query


@pytest.fixture
def many(theme, lead_post):
    return make_many_actions(theme, 3, leads=[lead_post])


def test_the_update_form_has_welsh_labels_and_errors(plan):
    with translation.override("cy"):
        form = UpdateForm(data={"note": ""}, plan=plan)
        assert not form.is_valid()
        assert form.fields["status"].label == "Statws ar gyfer Rhagfyr 2012"
        assert str(form.fields["note"].label) == "Nodyn adolygu ar gyfer y cyfnod hwn"
        assert form.errors["status"] == ["Dewiswch statws"]
        assert form.errors["note"] == ["Rhowch nodyn adolygu ar gyfer y cyfnod hwn"]


def test_the_update_form_stays_english_in_english(plan):
    with translation.override("en-gb"):
        form = UpdateForm(data={}, plan=plan)
        assert not form.is_valid()
        assert form.fields["status"].label == "Status for December 2012"
        assert form.errors["status"] == ["Select a status"]


def test_recording_an_update_says_so_in_welsh(action, lead, scheme):
    response = client_for(lead).post(
        reverse("improvement:record_update", args=[action.pk]),
        {"status": status(scheme, "G").pk, "note": "Archwiliad wedi'i gwblhau."}, **WELSH)
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"Cofnodwyd diweddariad ar gyfer cam gweithredu {action.number} (Rhagfyr 2012)."


def test_the_action_table_is_headed_in_welsh(plan, many, viewer):
    page = client_for(viewer).get(table_url(plan), **WELSH).content.decode()
    assert '<html lang="cy"' in page
    for heading in ("Rhif", "Thema", "Arweinwyr", "Asiantaeth arweiniol", "Statws", "Y cyfnod hwn"):
        assert heading in page
    assert "Pob thema" in page and "Rhai yn hwyr yn unig" in page  # the filters
    assert ">Lead agency<" not in page and "All themes" not in page and "Overdue only" not in page


def test_a_measures_direction_of_travel_is_a_welsh_sentence_with_a_welsh_month():
    earlier, latest = (datetime.date(2012, 9, 1), Decimal("36")), (datetime.date(2012, 12, 1), Decimal("52"))
    with translation.override("cy"):
        direction = measures.direction_of(earlier, latest, polarity=measures.HIGHER, unit=measures.PERCENTAGE)
        assert direction.words == "yn gwella: 36% i 52% ers Medi 2012"
        assert direction.label == "Yn gwella" and direction.detail == "36% i 52% ers Medi 2012"
        assert measures.format_value(Decimal("14"), measures.DAYS) == "14 diwrnod"
    with translation.override("en-gb"):
        direction = measures.direction_of(earlier, latest, polarity=measures.HIGHER, unit=measures.PERCENTAGE)
        assert direction.words == "improving: 36% to 52% since September 2012"


def test_a_value_written_as_welsh_shows_it_reads_back():
    assert measures.parse_value("14 diwrnod", measures.DAYS) == Decimal("14")
    assert measures.parse_value("38.5 fesul 10,000", measures.RATE) == Decimal("38.5")


def test_a_csv_export_asked_for_in_welsh_has_welsh_headings_and_words(plan, many, viewer):
    response = client_for(viewer).get(table_url(plan, "?export=csv"), **WELSH)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Rhif", "Thema", "Amcan", "Cam gweithredu"]
    assert "Yn hwyr" in rows[0] and "Mesurau llwyddiant" in rows[0]
    assert {row[rows[0].index("Yn hwyr")] for row in rows[1:]} <= {"Ie", "Na"}


def test_a_background_xlsx_export_is_made_in_the_language_of_whoever_asked(
        plan, many, manager, monkeypatch, on_commit):
    monkeypatch.setattr(exports, "INLINE_XLSX_ROWS", 1)
    with on_commit():
        client_for(manager).get(table_url(plan, "?export=xlsx"), **WELSH)
    export = Export.objects.get()
    assert export.language == "cy" and export.status == Export.Status.READY
    workbook = openpyxl.load_workbook(export.file.open("rb"))
    sheet = workbook.active
    assert sheet.title == "Camau gweithredu"
    assert [cell.value for cell in sheet[1]][:2] == ["Rhif", "Thema"]


def test_an_export_queued_in_english_stays_english_whoever_builds_it(plan, many, manager):
    export = Export.objects.create(plan=plan, requested_by=manager, query="", as_of=datetime.date(2012, 12, 20),
                                   filename="x.xlsx", language="en-gb")
    with translation.override("cy"):
        assert build_export.call(export.pk) == "ready"
    export.refresh_from_db()
    sheet = openpyxl.load_workbook(export.file.open("rb")).active
    assert sheet.title == "Actions" and sheet["A1"].value == "Number"


def test_the_clock_reminder_is_written_in_each_recipients_language(plan, manager, settings):
    settings.CLOCK_REMINDER_WORKING_DAYS = 10
    manager.email, manager.language = "manager@example.org", "cy"
    manager.save()
    Plan.objects.filter(pk=plan.pk).update(regime="ofsted-inadequate", clock_trigger=datetime.date(2012, 7, 31))
    with time_machine.travel(datetime.datetime(2012, 10, 24, 8), tick=False):
        call_command("send_clock_reminders", stdout=io.StringIO(), stderr=io.StringIO())
    [message] = mail.outbox
    assert "7 Tachwedd 2012" in message.subject
    assert "Dydd Mercher 7 Tachwedd 2012" in message.body
    assert "70 diwrnod gwaith ar ôl y dyddiad sbarduno" in message.body
    assert "70 working days after the trigger date" not in message.body
