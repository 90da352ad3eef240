import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.models import Evidence, Update
from tests.conftest import client_for, status


def url(action):
    return reverse("improvement:record_update", args=[action.pk])


def form_data(scheme, code="G", **extra):
    data = {"status": status(scheme, code).pk, "note": "Audit completed and reported to the board."}
    data.update(extra)
    return data


def test_lead_can_record_update_for_own_action(action, lead, scheme):
    client = client_for(lead)
    assert client.get(url(action)).status_code == 200

    response = client.post(url(action), form_data(scheme, "A"))

    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    update = action.updates.get()
    assert (update.status.code, update.created_by, update.period) == ("A", lead, action.plan.current_period)
    action.refresh_from_db()
    assert action.current_status.code == "A"
    page = client.get(response.url).content.decode()
    assert "Update recorded for action 1.1" in page
    assert "Audit completed and reported to the board." in page


def test_a_word_line_break_in_the_note_is_stored_as_a_new_line(action, lead, scheme):
    response = client_for(lead).post(url(action), form_data(scheme, note="Audit completed\x0bReported to the board"))
    assert response.status_code == 302
    assert action.updates.get().note == "Audit completed\nReported to the board"


def test_form_shows_each_status_with_colour_label_and_meaning(action, lead):
    page = client_for(lead).get(url(action)).content.decode()
    assert "app-rag--amber" in page
    assert "Work is not on track but plans are in place" in page
    assert "Status for December 2012" in page


def test_plan_manager_can_record_update_for_any_action(action, manager, scheme):
    assert client_for(manager).post(url(action), form_data(scheme)).status_code == 302


@pytest.mark.parametrize("persona", ["lead2", "viewer", "chair", "scrutiny"])
def test_others_who_can_read_the_plan_cannot_record_an_update(request, action, scheme, persona, shared_action):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(url(action)).status_code == 403
    assert client.post(url(action), form_data(scheme)).status_code == 403
    assert not action.updates.exists()


def test_outsider_gets_404(action, outsider, scheme):
    assert client_for(outsider).post(url(action), form_data(scheme)).status_code == 404


def test_signed_out_user_is_sent_to_sign_in(action, scheme):
    response = client_for(None).post(url(action), form_data(scheme))
    assert response.status_code == 302 and "sign-in" in response.url


def test_wrong_method_is_refused(action, lead):
    assert client_for(lead).put(url(action)).status_code == 405


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": ""}, "status", "Select a status"),
        ({"note": ""}, "note", "Enter a review note for this period"),
        ({"revised_due_date_0": "31", "revised_due_date_1": "3", "revised_due_date_2": "2013"},
         "revised_date_reason", "Enter a reason for the revised date"),
        ({"revised_due_date_0": "31", "revised_due_date_1": "2", "revised_due_date_2": "2013",
          "revised_date_reason": "Late"}, "revised_due_date", "real date"),
        ({"evidence_link": "not a link"}, "evidence_link", "Enter a link in the correct format"),
        ({"evidence_link": "ftp://files.example.org/audit.pdf"}, "evidence_link",
         "Enter a link starting with https:// or http://"),
        ({"evidence_link": "javascript:alert(1)"}, "evidence_link", "Enter a link starting with https:// or http://"),
        ({"evidence_link": "file:///c:/audit.pdf"}, "evidence_link", "Enter a link starting with https:// or http://"),
        ({"evidence_title": "Audit"}, "evidence_file", "Choose a file or enter a link"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(action, lead, scheme, data, field, message):
    response = client_for(lead).post(url(action), form_data(scheme, **data))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not Update.objects.exists()


def test_evidence_file_is_attached_to_the_update(action, lead, scheme):
    upload = SimpleUploadedFile("Audit report.pdf", b"%PDF-1.7\nreport", content_type="application/pdf")
    response = client_for(lead).post(
        url(action), form_data(scheme, evidence_title="Audit report", evidence_file=upload,
                               evidence_link="https://intranet.example.org/audit"))
    assert response.status_code == 302
    update = action.updates.get()
    items = {item.url or item.original_name: item for item in update.evidence.all()}
    assert set(items) == {"Audit report.pdf", "https://intranet.example.org/audit"}
    assert items["Audit report.pdf"].content_type == "application/pdf"
    assert items["Audit report.pdf"].uploaded_by == lead


@pytest.mark.parametrize(("typed", "stored"), [
    ("http://intranet.example.org/audit", "http://intranet.example.org/audit"),
    ("intranet.example.org/audit", "https://intranet.example.org/audit"),
])
def test_an_http_or_https_evidence_link_is_kept(action, lead, scheme, typed, stored):
    response = client_for(lead).post(url(action), form_data(scheme, evidence_link=typed))
    assert response.status_code == 302
    assert action.updates.get().evidence.get().url == stored


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "must be a PDF, Word"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "must be a PDF, Word"),
        ("report.exe", b"%PDF-1.4 real pdf", "rename it to end in .pdf"),
        ("minutes.pdf", _docx_bytes(), "it is a Word document"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_disallowed_evidence_is_refused_by_content(action, lead, scheme, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = client_for(lead).post(url(action), form_data(scheme, evidence_file=upload))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["evidence_file"])
    assert not Update.objects.exists() and not Evidence.objects.exists()


def test_oversize_evidence_is_refused(action, lead, scheme, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"x" * 2000)
    response = client_for(lead).post(url(action), form_data(scheme, evidence_file=upload))
    assert response.status_code == 400
    assert "must be smaller than" in " ".join(response.context["form"].errors["evidence_file"])
    assert not Update.objects.exists()


def test_a_second_update_in_the_period_is_explained_and_kept(action, lead, scheme):
    client = client_for(lead)
    client.post(url(action), form_data(scheme, "G"))
    page = client.get(url(action)).content.decode()
    assert "already has an update for December 2012" in page
    client.post(url(action), form_data(scheme, "A"))
    assert action.updates.count() == 2


def revised(day, month, year, reason="Recruitment took longer than planned"):
    return {"revised_due_date_0": str(day), "revised_due_date_1": str(month), "revised_due_date_2": str(year),
            "revised_date_reason": reason}


def test_a_revised_date_before_the_current_period_is_refused(action, lead, scheme, frozen_today):
    response = client_for(lead).post(url(action), form_data(scheme, **revised(1, 1, 2010)))

    assert response.status_code == 400
    assert response.context["form"].errors["revised_due_date"] == [
        "The revised due date must be in or after the current reporting period (December 2012), not 1 January 2010"]
    assert "Yes, the date is right" not in response.content.decode()  # an error, not a warning
    assert not Update.objects.exists()


@pytest.mark.parametrize(("date", "warning"), [
    ((5, 12, 2012), "The revised due date (5 December 2012) has already passed"),
    ((31, 3, 2031), "The revised due date is more than 5 years ahead (31 March 2031)"),
])
def test_an_unusual_revised_date_is_saved_only_once_confirmed(action, lead, scheme, frozen_today, date, warning):
    client = client_for(lead)
    response = client.post(url(action), form_data(scheme, **revised(*date)))

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-warning-text" in page and warning in page
    assert "Yes, the date is right" in page
    assert "Check the date: tick ‘Yes, the date is right’ if it is, or change it" in page
    assert not Update.objects.exists()

    response = client.post(url(action), form_data(scheme, **revised(*date), confirm_unusual="on"))
    assert response.status_code == 302
    assert Update.objects.get().revised_due_date.year == date[2]


def test_a_usual_revised_date_needs_no_confirmation(action, lead, scheme, frozen_today):
    response = client_for(lead).post(url(action), form_data(scheme, **revised(31, 3, 2013)))
    assert response.status_code == 302


def test_the_revised_date_reason_says_when_it_is_required_instead_of_optional(action, lead):
    page = client_for(lead).get(url(action)).content.decode()
    label = page.split('for="id_revised_date_reason"', 1)[1].split("</label>", 1)[0]
    assert "Reason for the revised date" in label and "(optional)" not in label
    assert "Required if you give a revised due date." in page
    assert "Revised due date (optional)" in page  # the date itself is optional
