"""Generated input against the forms people type into: nothing crashes, nothing half-saves, and
whatever was typed comes back escaped (no HTML injection in pages or PDFs)."""

import html

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from improvement.models import Update
from tests.conftest import client_for, status

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
NASTY = st.sampled_from(["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0",
                         "{{ 7*7 }}", "{% debug %}", "&lt;b&gt;", "\u202e\u0000".replace("\u0000", ""), "ŵŷ 😀"])
FIELD = st.one_of(TEXT, NASTY, st.builds(lambda a, b: a + b, NASTY, TEXT))

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(note=FIELD, reason=FIELD, title=FIELD, link=FIELD, day=st.text(max_size=4))
def test_update_form_survives_any_input_and_escapes_it(action, lead, scheme, note, reason, title, link, day):
    client = client_for(lead)
    before = Update.objects.count()
    response = client.post(reverse("improvement:record_update", args=[action.pk]), {
        "status": status(scheme, "A").pk, "note": note, "revised_date_reason": reason, "evidence_title": title,
        "evidence_link": link, "revised_due_date_0": day, "revised_due_date_1": "3", "revised_due_date_2": "2013"})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert Update.objects.count() == before  # nothing half-written
        page = response.content.decode()
        assert "There is a problem" in page
    else:
        assert Update.objects.count() == before + 1
        page = client.get(action.get_absolute_url()).content.decode()
        if "<" in note.strip():
            assert html.escape(note.strip(), quote=False).split("\n")[0][:40] in page
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page


@FUZZ
@given(text=FIELD)
def test_review_note_form_survives_any_input_and_escapes_it(meeting, action, member, text):
    from boards.models import ReviewNote

    client = client_for(member)
    before = ReviewNote.objects.count()
    response = client.post(reverse("boards:note_create", args=[meeting.pk]),
                           {"action": action.pk, "kind": "challenge", "text": text})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert ReviewNote.objects.count() == before + 1
        page = client.get(meeting.get_absolute_url()).content.decode()
    else:
        assert ReviewNote.objects.count() == before
        page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page


def test_typed_markup_is_text_in_the_board_pack(meeting, action, lead, scheme):
    from reports.packs import render_pack_html, render_pack_pdf
    from tests.reports.conftest import pdf_text

    action.record_update(status=status(scheme, "R"), note="<script>alert(1)</script> <b>bold</b>", by=lead)
    html_page = render_pack_html(meeting, for_pdf=True)
    assert "<script>alert(1)</script>" not in html_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_page
    assert "<script>alert(1)</script>" in pdf_text(render_pack_pdf(meeting)[0])  # shown as typed
