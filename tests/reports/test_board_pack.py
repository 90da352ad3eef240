import hashlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from reports.models import BoardPack, PackRender
from reports.packs import render_pack_pdf
from reports.pdf import needs_emoji_font
from tests.conftest import client_for, make_action, status
from tests.reports.conftest import pdf_text


def test_pack_holds_every_section_action_and_the_right_counts(pack_meeting):
    pdf, pages = render_pack_pdf(pack_meeting)
    text = pdf_text(pdf)
    assert pages >= 5
    for heading in ["Contents", "Summary", "For the board’s attention", "The plan by theme",
                    "Review notes, challenges and decisions", "Key and abbreviations"]:
        assert heading in text, heading
    assert "1.1" in text and "1.2" in text
    assert "Recruitment to the LADO post has stalled" in text
    assert "Red" in text and "OIS 2012 1.2" in text
    assert "Page 1 of" in text
    assert "Improved: 0. Declined: 1." in text  # green in November, red in December


def test_pack_pdf_is_tagged_with_title_and_language(pack_meeting):
    import io

    from pypdf import PdfReader

    pdf, _ = render_pack_pdf(pack_meeting)
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root.get("/Lang") in ("en-GB", "en-gb")
    assert "Board pack" in reader.metadata.title
    assert root["/MarkInfo"]["/Marked"]


def test_pack_never_fetches_from_the_network(pack_meeting):
    from reports import packs, pdf, pdfparts

    html = packs.render_pack_html(pack_meeting, for_pdf=True).replace(
        "</body>", '<img src="https://example.org/tracker.png" alt=""></body>')
    with pytest.raises(Exception, match="tracker.png"):
        pdf.html_to_pdf(html, title="Pack")
    with pytest.raises(Exception, match="tracker.png"):
        pdfparts.render_part(html, "Pack")


def test_pack_renders_legibly_with_missing_data_and_awkward_text(plan, board, theme, lead, scheme, pack_meeting):
    from improvement.models import Theme

    Theme.objects.create(plan=plan, code="9", title="Empty theme", position=9)
    long_note = "Ysgol Gymraeg: cynnydd da ŵ ŷ. Łódź zażółć gęślą jaźń 😀 " * 80
    action = make_action(theme, "1.3")
    action.record_update(status=status(scheme, "A"), note=long_note[:5000], by=lead)
    pdf, _ = render_pack_pdf(pack_meeting)
    text = pdf_text(pdf)
    assert "Theme “9 Empty theme” has no actions." in text
    assert "Ysgol Gymraeg" in text and "gęślą" in text and "ŵ" in text


def test_pack_says_when_a_period_has_no_updates(plan, board, theme, scheme):
    import datetime

    from boards.models import Meeting, UpdateRound

    make_action(theme, "1.1")
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=datetime.date(2012, 12, 10))
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2012, 12, 17))
    assert "No updates were recorded for December 2012." in pdf_text(render_pack_pdf(meeting)[0])


def test_emoji_font_is_only_loaded_when_needed():
    assert not needs_emoji_font("Plain English, Cymraeg ŵŷ, Polski łódź – “quotes” … £5 €5")
    assert needs_emoji_font("Good progress 👍")


def test_manager_issues_the_pack_and_the_pdf_never_changes(pack_meeting, manager, lead, scheme, on_commit):
    client = client_for(manager)
    with on_commit():
        response = client.post(reverse("reports:pack_issue", args=[pack_meeting.pk]))
    render = PackRender.objects.get()
    assert response.status_code == 302 and response.url == render.get_absolute_url()
    assert render.status == "ready" and render.issued_pack is not None
    pack = BoardPack.objects.get()
    assert pack.version == 1 and pack.verify()
    first = client.get(pack.get_download_url())
    assert first["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(first.content).hexdigest() == pack.checksum
    assert "Issued: version 1" in pdf_text(first.content)

    action = pack_meeting.plan.actions.get(number="1.2")
    action.record_update(status=status(scheme, "G"), note="A later update", by=lead)
    again = client.get(pack.get_download_url())
    assert again.content == first.content
    assert "A later update" not in pdf_text(again.content)

    with on_commit():
        client.post(reverse("reports:pack_issue", args=[pack_meeting.pk]))
    versions = list(BoardPack.objects.order_by("version").values_list("version", flat=True))
    assert versions == [1, 2]
    assert "A later update" in pdf_text(bytes(BoardPack.objects.get(version=2).pdf))
    assert client.get(pack.get_download_url()).content == first.content


def test_an_issued_pack_cannot_be_changed_or_deleted(pack_meeting, manager):
    pack = BoardPack.issue(meeting=pack_meeting, pdf=b"%PDF-1.7 x", pages=1, by=manager)
    pack.pdf = b"%PDF-1.7 changed"
    with pytest.raises(ValueError, match="never changed"):
        pack.save()
    with pytest.raises(ValueError, match="never deleted"):
        pack.delete()


def test_anyone_with_access_previews_a_draft(pack_meeting, viewer, on_commit):
    client = client_for(viewer)
    assert client.get(reverse("reports:pack_page", args=[pack_meeting.pk])).status_code == 200
    with on_commit():
        response = client.post(reverse("reports:pack_generate", args=[pack_meeting.pk]), {"purpose": "draft"})
    render = PackRender.objects.get()
    assert render.status == "ready" and render.issued_pack is None
    page = client.get(response.url).content.decode()
    assert "Download the PDF" in page
    download = client.get(reverse("reports:render_download", args=[render.pk]))
    assert "Draft: not issued" in pdf_text(download.content)
    html = client.get(reverse("reports:pack_html", args=[pack_meeting.pk]))
    assert html.status_code == 200 and "For the board’s attention" in html.content.decode()


@pytest.mark.parametrize("persona", ["viewer", "chair", "lead"])
def test_only_plan_managers_issue(request, pack_meeting, persona):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("reports:pack_issue", args=[pack_meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not BoardPack.objects.exists() and not PackRender.objects.exists()
    assert "Issue the pack" not in client.get(reverse("reports:pack_page", args=[pack_meeting.pk])).content.decode()


def test_issuing_asks_first_and_says_what_will_happen(pack_meeting, manager):
    client = client_for(manager)
    pack_page = client.get(reverse("reports:pack_page", args=[pack_meeting.pk])).content.decode()
    issue_url = reverse("reports:pack_issue", args=[pack_meeting.pk])
    assert f'href="{issue_url}">Issue the pack</a>' in pack_page  # a link to the confirmation, not a button
    page = client.get(issue_url).content.decode()
    assert "Issue version 1 of the board pack for 17 December 2012?" in page
    assert "cannot be withdrawn or changed" in page
    assert not PackRender.objects.exists()

    BoardPack.issue(meeting=pack_meeting, pdf=b"%PDF-1.7 x", pages=1, by=manager)
    page = client.get(issue_url).content.decode()
    assert "Issue version 2 of the board pack" in page
    assert "Version 1 was issued on" in page and f"by {manager}" in page


def test_the_old_one_click_issue_goes_to_the_confirmation_page(pack_meeting, manager):
    response = client_for(manager).post(reverse("reports:pack_generate", args=[pack_meeting.pk]), {"purpose": "issue"})
    assert response.status_code == 302 and response.url == reverse("reports:pack_issue", args=[pack_meeting.pk])
    assert not PackRender.objects.exists()


def test_issuing_records_who_asked(pack_meeting, manager):
    response = client_for(manager).post(reverse("reports:pack_issue", args=[pack_meeting.pk]))
    render = PackRender.objects.get()
    assert response.url == render.get_absolute_url()
    assert (render.purpose, render.requested_by) == ("issue", manager) and render.requested_at is not None


def test_pack_pages_are_404_for_an_outsider(pack_meeting, manager, outsider):
    pack = BoardPack.issue(meeting=pack_meeting, pdf=b"%PDF-1.7 x", pages=1, by=manager)
    client = client_for(outsider)
    for url in [reverse("reports:pack_page", args=[pack_meeting.pk]), reverse("reports:pack_html", args=[pack_meeting.pk]),
                pack.get_download_url()]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("reports:pack_generate", args=[pack_meeting.pk])).status_code == 404


def test_pack_pages_refuse_the_wrong_method(pack_meeting, viewer):
    client = client_for(viewer)
    assert client.post(reverse("reports:pack_page", args=[pack_meeting.pk])).status_code == 405
    assert client.get(reverse("reports:pack_generate", args=[pack_meeting.pk])).status_code == 405


def test_a_failed_render_shows_why_and_can_be_retried(pack_meeting, manager, monkeypatch, on_commit):
    from reports import tasks

    def broken(meeting, **labels):
        raise RuntimeError("font file missing")

    monkeypatch.setattr(tasks, "render_pack_pdf", broken)
    client = client_for(manager)
    with on_commit():
        response = client.post(reverse("reports:pack_issue", args=[pack_meeting.pk]))
    render = PackRender.objects.get()
    assert render.status == "failed"
    page = client.get(response.url).content.decode()
    assert "font file missing" in page and "Try again" in page
    assert not BoardPack.objects.exists()

    monkeypatch.undo()
    with on_commit():
        client.post(reverse("reports:render_retry", args=[render.pk]))
    render.refresh_from_db()
    assert render.status == "ready" and render.attempts == 2
    assert BoardPack.objects.count() == 1


def test_a_render_page_gives_its_status_alone_for_the_page_to_refresh_itself(pack_meeting, manager):
    from reports.tasks import render_pack

    render = PackRender.objects.create(meeting=pack_meeting, purpose="draft", requested_by=manager)
    client = client_for(manager)
    page = client.get(render.get_absolute_url()).content.decode()
    assert 'data-module="app-job-status"' in page and 'aria-live="polite"' in page
    assert f'data-status-url="{render.get_absolute_url()}?part=status"' in page
    assert "Check again" in page  # without JavaScript

    waiting = client.get(render.get_absolute_url(), {"part": "status"}).content.decode()
    assert waiting.lstrip().startswith('<div data-job-finished="false">')
    assert "Waiting to start" in waiting and "<h1" not in waiting and "<html" not in waiting

    render_pack.call(render.pk)
    ready = client.get(render.get_absolute_url(), {"part": "status"}).content.decode()
    assert 'data-job-finished="true"' in ready and "Download the PDF" in ready


def test_a_render_is_done_once_however_many_workers_take_it(pack_meeting, manager):
    from reports.tasks import render_pack

    render = PackRender.objects.create(meeting=pack_meeting, purpose="issue", requested_by=manager)
    assert render_pack.call(render.pk) == "ready"
    assert render_pack.call(render.pk) == f"render {render.pk} was already taken"
    assert BoardPack.objects.count() == 1


def test_board_pack_command_writes_a_pdf(pack_meeting, tmp_path):
    output = tmp_path / "pack.pdf"
    call_command("board_pack", meeting=pack_meeting.pk, output=str(output), stdout=__import__("io").StringIO())
    assert "For the board’s attention" in pdf_text(output.read_bytes())


def test_board_pack_command_explains_a_bad_meeting(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no meeting with id 999"):
        call_command("board_pack", meeting=999, output=str(tmp_path / "x.pdf"))


# --- One draft in progress per person and meeting ----------------------------------------------------

def _ask_for_draft(client, meeting):
    return client.post(reverse("reports:pack_generate", args=[meeting.pk]), {"purpose": "draft"})


def test_a_second_draft_request_while_the_first_is_queued_returns_the_same_render(pack_meeting, viewer):
    client = client_for(viewer)
    first = _ask_for_draft(client, pack_meeting)
    second = _ask_for_draft(client, pack_meeting)
    render = PackRender.objects.get()
    assert render.status == "queued"
    assert first.url == second.url == render.get_absolute_url()
    page = client.get(second.url).content.decode()
    assert "You have already asked for a draft of this pack and it is being made" in page


def test_a_running_draft_also_returns_the_same_render(pack_meeting, viewer):
    client = client_for(viewer)
    _ask_for_draft(client, pack_meeting)
    render = PackRender.objects.get()
    assert render.claim()
    assert _ask_for_draft(client, pack_meeting).url == render.get_absolute_url()
    assert PackRender.objects.count() == 1


def test_another_person_gets_their_own_draft(pack_meeting, viewer, chair):
    first = _ask_for_draft(client_for(viewer), pack_meeting)
    second = _ask_for_draft(client_for(chair), pack_meeting)
    assert first.url != second.url
    assert sorted(PackRender.objects.values_list("requested_by__username", flat=True)) == sorted(
        [viewer.username, chair.username])


def test_a_draft_of_another_meeting_is_its_own(pack_meeting, viewer):
    from boards.models import Meeting

    other = Meeting.objects.create(board=pack_meeting.board, plan=pack_meeting.plan, round=pack_meeting.round,
                                   date=pack_meeting.date.replace(day=pack_meeting.date.day + 1))
    client = client_for(viewer)
    _ask_for_draft(client, pack_meeting)
    _ask_for_draft(client, other)
    assert PackRender.objects.count() == 2


def test_after_a_draft_is_ready_a_new_one_can_be_made(pack_meeting, viewer, on_commit):
    client = client_for(viewer)
    with on_commit():
        first = _ask_for_draft(client, pack_meeting)
    assert PackRender.objects.get().status == "ready"
    second = _ask_for_draft(client, pack_meeting)
    assert second.url != first.url and PackRender.objects.count() == 2


def test_after_a_draft_failed_a_new_one_can_be_made(pack_meeting, viewer):
    client = client_for(viewer)
    _ask_for_draft(client, pack_meeting)
    PackRender.objects.get().fail(RuntimeError("font file missing"))
    _ask_for_draft(client, pack_meeting)
    assert sorted(PackRender.objects.values_list("status", flat=True)) == ["failed", "queued"]


def test_the_database_refuses_a_second_draft_in_progress_for_one_person(pack_meeting, viewer):
    from django.db import IntegrityError, transaction

    PackRender.objects.create(meeting=pack_meeting, purpose="draft", requested_by=viewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        PackRender.objects.create(meeting=pack_meeting, purpose="draft", requested_by=viewer, status="running")
    PackRender.objects.create(meeting=pack_meeting, purpose="draft", requested_by=viewer, status="ready")
    PackRender.objects.create(meeting=pack_meeting, purpose="issue", requested_by=viewer)
    assert PackRender.objects.count() == 3


def test_each_issue_request_is_its_own_render_as_before(pack_meeting, manager):
    client = client_for(manager)
    _ask_for_draft(client, pack_meeting)
    for _ in range(2):
        client.post(reverse("reports:pack_issue", args=[pack_meeting.pk]))
    assert sorted(PackRender.objects.values_list("purpose", flat=True)) == ["draft", "issue", "issue"]


def test_retrying_a_failed_draft_while_a_newer_one_is_in_progress_shows_the_newer(pack_meeting, viewer):
    client = client_for(viewer)
    _ask_for_draft(client, pack_meeting)
    failed = PackRender.objects.get()
    failed.fail(RuntimeError("font file missing"))
    newer = PackRender.objects.get(pk=_ask_for_draft(client, pack_meeting).url.split("/")[-2])
    response = client.post(reverse("reports:render_retry", args=[failed.pk]))
    assert response.url == newer.get_absolute_url()
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert "A newer draft of this pack is already being made" in client.get(response.url).content.decode()


def test_retrying_a_failed_draft_queues_it_again(pack_meeting, viewer, on_commit):
    client = client_for(viewer)
    _ask_for_draft(client, pack_meeting)
    render = PackRender.objects.get()
    render.fail(RuntimeError("font file missing"))
    with on_commit():
        response = client.post(reverse("reports:render_retry", args=[render.pk]))
    assert response.url == render.get_absolute_url()
    render.refresh_from_db()
    assert render.status == "ready" and render.attempts == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_draft_requests_at_the_same_moment_make_one_render(pack_meeting, viewer):
    import threading

    barrier = threading.Barrier(2)
    results = []

    def ask():
        barrier.wait()
        try:
            results.append(PackRender.objects.request(pack_meeting, purpose="draft", by=viewer))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert PackRender.objects.count() == 1
    assert sorted(created for _render, created in results) == [False, True]
    assert len({render.pk for render, _created in results}) == 1


def test_the_attention_list_shows_each_actions_review_note_and_its_open_challenges_with_answers(
        pack_meeting, chair, lead):
    from boards.models import ReviewNote, ReviewResponse
    from reports.packs import render_pack_html

    red = pack_meeting.plan.actions.get(number="1.1")
    challenge = ReviewNote.objects.create(meeting=pack_meeting, action=red, author=chair,
                                          kind=ReviewNote.Kind.CHALLENGE, text="Why has <recruitment> stalled?")
    ReviewResponse.objects.create(note=challenge, author=lead, text="Interviews on 7 January & 9 January")
    ReviewNote.objects.create(meeting=pack_meeting, action=red, author=None, kind=ReviewNote.Kind.QUESTION,
                              text="Resolved already", status=ReviewNote.Status.RESOLVED)
    html = render_pack_html(pack_meeting, for_pdf=False)
    row = html[html.index(f'<tr id="attention-row-{red.pk}">'):]
    row = row[:row.index("</tr>")]
    assert '<td class="rag rag--red">Red</td>' in row
    assert '<p class="pre">Recruitment to the LADO post has stalled</p>' in row
    assert (f"<p><strong>Challenge ({chair}, 17 Dec 2012):</strong> Why has &lt;recruitment&gt; stalled?"
            f"<br><em>Answer ({lead}):</em> Interviews on 7 January &amp; 9 January</p>") in row
    assert "Resolved already" not in row  # only open challenges
    missing = html[html.index('<tr id="attention-row-', html.index(row) + len(row)):]
    assert '<p class="pre">No review note this period.</p>' in missing[:missing.index("</tr>")]
