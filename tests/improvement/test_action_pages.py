import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.models import Evidence
from tests.conftest import client_for, status


def action_url(action):
    return reverse("improvement:action_detail", args=[action.pk])


def test_action_page_shows_every_field_and_the_history(action, recommendation, viewer, lead, scheme):
    action.recommendations.add(recommendation)
    action.timescale = "WSCB to consider – 31 Jan 2013"
    action.measures = "Self-assessment is good"
    action.cost = "Existing resources"
    action.lead_agency = "Walsall Council"
    action.save()
    action.record_update(status=status(scheme, "A"), note="Recruitment under way", by=lead,
                         period=datetime.date(2012, 11, 1))
    action.record_update(status=status(scheme, "G"), note="Post filled", by=lead,
                         revised_due_date=datetime.date(2013, 3, 31), revised_date_reason="Vacancy")

    response = client_for(viewer).get(action_url(action))

    assert response.status_code == 200
    page = response.content.decode()
    for text in ["Action 1.1", "Do the thing", "Assistant Director Specialist Services",
                 "Walsall Council", "WSCB to consider – 31 Jan 2013", "31 January 2013",
                 "Self-assessment is good", "Existing resources", "OIS 2012 1.2",
                 "within 3 months", "31 October 2012", "November 2012", "December 2012",
                 "Recruitment under way", "Post filled", "Revised date:", "Vacancy"]:
        assert text in page, text
    assert "Record an update" not in page  # a viewer may not record one


def test_lead_sees_record_an_update_button(action, lead):
    page = client_for(lead).get(action_url(action)).content.decode()
    assert reverse("improvement:record_update", args=[action.pk]) in page


def test_superseded_update_is_marked_in_the_timeline(action, lead, scheme):
    action.record_update(status=status(scheme, "G"), note="First", by=lead)
    action.record_update(status=status(scheme, "A"), note="Second", by=lead)
    page = client_for(lead).get(action_url(action)).content.decode()
    assert page.count("Superseded") == 1


def test_action_page_for_outsider_is_404(action, outsider):
    assert client_for(outsider).get(action_url(action)).status_code == 404


def test_action_page_refuses_post(action, viewer):
    assert client_for(viewer).post(action_url(action)).status_code == 405


def _evidence(action, lead, scheme):
    upload = SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit", content_type="application/pdf")
    evidence = Evidence(title="Audit", file=upload, original_name="audit report.pdf",
                        content_type="application/pdf", size=14)
    action.record_update(status=status(scheme, "G"), note="ok", by=lead, evidence=[evidence])
    return evidence


def test_evidence_downloads_as_an_attachment_for_those_with_access(action, lead, viewer, scheme):
    evidence = _evidence(action, lead, scheme)
    response = client_for(viewer).get(reverse("improvement:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "audit_report.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 audit"


def test_evidence_is_404_for_an_outsider(action, lead, outsider, scheme):
    evidence = _evidence(action, lead, scheme)
    url = reverse("improvement:evidence_download", args=[evidence.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_evidence_file_is_stored_under_a_generated_name(action, lead, scheme):
    evidence = _evidence(action, lead, scheme)
    assert "audit" not in evidence.file.name
    assert evidence.file.name.endswith(".pdf")


def test_evidence_download_refuses_post(action, lead, viewer, scheme):
    evidence = _evidence(action, lead, scheme)
    url = reverse("improvement:evidence_download", args=[evidence.pk])
    assert client_for(viewer).post(url).status_code == 405


def test_link_evidence_has_no_download(action, lead, viewer, scheme):
    evidence = Evidence(title="Minutes", url="https://intranet.example.org/minutes")
    action.record_update(status=status(scheme, "G"), note="ok", by=lead, evidence=[evidence])
    url = reverse("improvement:evidence_download", args=[evidence.pk])
    assert client_for(viewer).get(url).status_code == 404
    page = client_for(viewer).get(action_url(action)).content.decode()
    assert 'href="https://intranet.example.org/minutes"' in page


def test_each_history_entrys_title_and_byline_read_as_words_apart(action, viewer, lead, scheme):
    import re

    action.record_update(status=status(scheme, "G"), note="Post filled", by=lead)
    page = client_for(viewer).get(action_url(action)).content.decode()
    header = re.search(r'<div class="moj-timeline__header">(.*?)</div>', page, re.S)[1]
    text = " ".join(re.sub(r"<[^>]+>", "", header).split())
    assert text == f"December 2012: Green by {lead}"  # the title and byline are inline: not "Greenby"
