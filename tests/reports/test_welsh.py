"""Board packs, evidence packs, scrutiny summaries and RAG summary exports in the reader's
language: a pack asked for in Welsh is written in Welsh (headings, our words, month names), its
PDF says so (/Lang cy) and stays tagged; its stored parts are never reused for English, nor the
other way round; an issued pack records its language and the pack page says it."""

import csv
import datetime
import io
import zipfile

import docx
import openpyxl
import pikepdf
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from boards.models import Assessment, ScrutinyReview
from improvement.models import Evidence
from reports import pdfparts
from reports.models import BoardPack, PackRender, StoredPackPart
from reports.packs import render_pack_pdf
from reports.tasks import build_evidence_pack, request_evidence_pack
from tests.conftest import TODAY, client_for, make_action, status
from tests.reports.conftest import empty_spans, pdf_text

WELSH = {"accept-language": "cy"}


@pytest.fixture(autouse=True)
def english_afterwards():
    """A Welsh request leaves Welsh active in the thread: the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def language_of(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return str(document.Root.Lang)


def test_a_board_pack_rendered_in_welsh_has_welsh_headings_month_names_and_lang(pack_meeting):
    with translation.override("cy"):
        pdf, _pages = render_pack_pdf(pack_meeting)
    text = pdf_text(pdf)
    for heading in ["Cynnwys", "Crynodeb", "I sylw’r bwrdd", "Y cynllun fesul thema",
                    "Nodiadau adolygu, heriau a phenderfyniadau", "Allwedd a byrfoddau"]:
        assert heading in text, heading
    assert "17 Rhagfyr 2012" in text  # the meeting's date, with the month's Welsh name
    assert "Tudalen 1 o" in text
    assert "Wedi gwella: 0. Wedi dirywio: 1." in text
    for english in ["Contents", "For the board’s attention", "The plan by theme", "Review note for", "Page 1 of"]:
        assert english not in text, english
    assert "Recruitment to the LADO post has stalled" in text  # the plan's own words stay as typed
    assert "Red" in text  # as does its RAG scheme's labels
    assert language_of(pdf) == "cy"


def test_a_welsh_pack_is_still_tagged_with_no_empty_spans(pack_meeting):
    with translation.override("cy"):
        pdf, _pages = render_pack_pdf(pack_meeting)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert "/StructTreeRoot" in document.Root and document.Root.MarkInfo.Marked
    assert empty_spans(pdf) == []


def test_a_long_pack_in_welsh_is_joined_from_welsh_parts(long_pack):
    with translation.override("cy"):
        pdf, _pages = render_pack_pdf(long_pack)
    text = pdf_text(pdf)
    assert language_of(pdf) == "cy"
    assert "Y cynllun fesul thema" in text and "Tudalen 1 o" in text
    assert "The plan by theme" not in text and "Page 1 of" not in text
    assert empty_spans(pdf) == []


def test_stored_pack_parts_are_never_shared_between_languages(long_pack):
    render_pack_pdf(long_pack)
    english = set(StoredPackPart.objects.values_list("key", flat=True))
    assert english
    with translation.override("cy"):
        welsh_pdf, _pages = render_pack_pdf(long_pack)
    assert not StoredPackPart.objects.filter(key__in=english, times_used__gt=0).exists()  # none reused
    welsh = set(StoredPackPart.objects.values_list("key", flat=True)) - english
    assert welsh
    english_pdf, _pages = render_pack_pdf(long_pack)
    assert not StoredPackPart.objects.filter(key__in=welsh, times_used__gt=0).exists()
    assert language_of(english_pdf) == "en-GB" and "Page 1 of" in pdf_text(english_pdf)
    assert language_of(welsh_pdf) == "cy"


def test_the_key_of_a_part_covers_its_language():
    html = "<html><body><p>1.1</p></body></html>"
    assert (pdfparts.part_key(html, title="Pack", mode="part", language="cy")
            != pdfparts.part_key(html, title="Pack", mode="part", language="en-gb"))
    with translation.override("cy"):
        assert pdfparts.part_key(html, title="Pack", mode="part") == pdfparts.part_key(
            html, title="Pack", mode="part", language="cy")


def test_the_board_pack_web_page_is_in_the_readers_language(pack_meeting, viewer):
    client = client_for(viewer)
    page = client.get(reverse("reports:pack_html", args=[pack_meeting.pk]), headers=WELSH).content.decode()
    assert '<html lang="cy"' in page
    assert "I sylw’r bwrdd" in page
    assert "Drafft: heb ei ryddhau" in page and "17 Rhagfyr 2012" in page
    assert "For the board’s attention" not in page and "Skip to the board pack" not in page
    english = client.get(reverse("reports:pack_html", args=[pack_meeting.pk])).content.decode()
    assert '<html lang="en-GB"' in english and "For the board’s attention" in english


def test_the_pack_page_in_welsh(pack_meeting, viewer):
    page = client_for(viewer).get(reverse("reports:pack_page", args=[pack_meeting.pk]), headers=WELSH)
    html = page.content.decode()
    assert '<html lang="cy"' in html
    assert "Pecyn y bwrdd ar gyfer 17 Rhagfyr 2012" in html and "Gwneud PDF drafft" in html
    assert "Make a draft PDF" not in html and "Issued versions" not in html


def test_a_welsh_reader_issues_a_welsh_pack_and_the_pack_page_says_so(pack_meeting, manager, on_commit):
    client = client_for(manager)
    with on_commit():
        client.post(reverse("reports:pack_issue", args=[pack_meeting.pk]), headers=WELSH)
    render = PackRender.objects.get()
    pack = BoardPack.objects.get()
    assert render.language == "cy" and pack.language == "cy"
    pdf = client.get(pack.get_download_url()).content
    assert language_of(pdf) == "cy" and "Wedi'i ryddhau: fersiwn 1" in pdf_text(pdf)
    english_page = client.get(reverse("reports:pack_page", args=[pack_meeting.pk])).content.decode()
    assert "<th scope=\"col\" class=\"govuk-table__header\">Language</th>" in english_page
    assert ">Welsh</td>" in english_page
    welsh_page = client.get(reverse("reports:pack_page", args=[pack_meeting.pk]), headers=WELSH).content.decode()
    assert ">Cymraeg</td>" in welsh_page and "Fersiynau a ryddhawyd" in welsh_page


def test_a_reader_in_the_other_language_previews_a_draft_in_theirs(pack_meeting, manager, viewer, on_commit):
    with on_commit():
        client_for(manager).post(reverse("reports:pack_issue", args=[pack_meeting.pk]), headers=WELSH)
    client = client_for(viewer)
    with on_commit():
        response = client.post(reverse("reports:pack_generate", args=[pack_meeting.pk]), {"purpose": "draft"})
    draft = PackRender.objects.get(purpose=PackRender.Purpose.DRAFT)
    assert draft.language == "en-gb"
    pdf = client.get(reverse("reports:render_download", args=[draft.pk])).content
    assert language_of(pdf) == "en-GB" and "Draft: not issued" in pdf_text(pdf)
    page = client.get(response.url).content.decode()
    assert "Download the PDF" in page


def test_a_welsh_readers_user_language_decides_the_draft(pack_meeting, viewer, on_commit):
    viewer.language = "cy"
    viewer.save(update_fields=["language"])
    client = client_for(viewer)
    with on_commit():
        response = client.post(reverse("reports:pack_generate", args=[pack_meeting.pk]), {"purpose": "draft"})
    draft = PackRender.objects.get()
    assert draft.language == "cy"
    page = client.get(response.url).content.decode()
    assert "Lawrlwytho'r PDF" in page and "Yn barod" in page
    assert "Drafft: heb ei ryddhau" in pdf_text(bytes(draft.pdf))


def test_a_scrutiny_summary_exported_in_welsh(plan, board, scrutiny):
    review = ScrutinyReview.objects.create(board=board, plan=plan, title="Adolygiad", scope="Popeth",
                                           date=datetime.date(2012, 12, 1))
    Assessment.objects.create(review=review, number="1", requirement="Gofyniad un", conclusion="unknown",
                              comment="Dim tystiolaeth")
    client = client_for(scrutiny)
    response = client.get(reverse("reports:scrutiny_summary", args=[review.pk, "csv"]), headers=WELSH)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Grŵp", "Rhif", "Gofyniad", "Argymhelliad"]
    assert rows[1][9] == "Na"  # does not disagree
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("reports:scrutiny_summary", args=[review.pk, "xlsx"]), headers=WELSH).content))
    assert workbook.sheetnames == ["Casgliadau", "Crynodeb"]
    pdf = client.get(reverse("reports:scrutiny_summary", args=[review.pk, "pdf"]), headers=WELSH).content
    text = pdf_text(pdf)
    assert language_of(pdf) == "cy"
    assert "1 Rhagfyr 2012" in text and "Cwmpas:" in text and "Gofyniad un" in text
    assert "Scope:" not in text and "December" not in text


def test_a_rag_summary_exported_in_welsh(pack_meeting, viewer):
    client = client_for(viewer)
    url = reverse("reports:rag_summary", args=[pack_meeting.plan.pk])
    response = client.get(url, {"format": "csv", "period": "2012-12"}, headers=WELSH)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Crynodeb RAG", ""]
    about = dict(row for row in rows[1:8])
    assert about["Cyfnod"] == "Rhagfyr 2012" and "Cynhyrchwyd" in about
    header = next(row for row in rows if row and row[0] == "Thema")
    assert header[:4] == ["Thema", "Rhif", "Cyfeirnodau", "Cam gweithredu"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}, headers=WELSH).content))
    assert workbook.sheetnames == ["Camau gweithredu", "Crynodeb", "Mesurau", "Ynghylch"]
    assert list(workbook["Crynodeb"].iter_rows(values_only=True))[-1][0] == "Y cynllun cyfan"


def test_an_evidence_pack_asked_for_in_welsh_has_a_welsh_index(frozen_today, plan, theme, scheme, lead, manager):
    action = make_action(theme, "1.1", description="Review thresholds")
    action.record_update(status=status(scheme, "G"), note="Thresholds agreed", by=lead,
                         evidence=[Evidence(title="Published thresholds", url="https://example.org/thresholds")])
    with translation.override("cy"):
        pack = request_evidence_pack(plan, as_at=TODAY, contents="full", with_self_evaluation=True, by=manager)
    assert pack.language == "cy"
    assert build_evidence_pack.call(pack.pk) == "ready"
    pack.refresh_from_db()
    with pack.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    index = archive.read("index.html").decode()
    assert '<html lang="cy"' in index and "Cam gweithredu 1.1" in index and "20 Rhagfyr 2012" in index
    assert "Contents" not in index
    pdf = archive.read("index.pdf")
    assert language_of(pdf) == "cy" and "Fersiwn 1" in pdf_text(pdf) and "Tudalen 1 o" in pdf_text(pdf)
    document = docx.Document(io.BytesIO(archive.read("self-evaluation-draft.docx")))
    assert document.core_properties.title == "Hunanwerthusiad drafft: Strategic Improvement Plan"
    assert document.core_properties.language == "cy"
    assert "Sut ydych chi'n gwybod?" in [paragraph.text for paragraph in document.paragraphs]


def test_the_board_pack_command_writes_a_welsh_pack_when_asked(pack_meeting, tmp_path):
    output = tmp_path / "pecyn.pdf"
    out = io.StringIO()
    call_command("board_pack", meeting=pack_meeting.pk, output=str(output), language="cy", stdout=out)
    assert language_of(output.read_bytes()) == "cy" and "Drafft: heb ei ryddhau" in pdf_text(output.read_bytes())
    assert out.getvalue().startswith("Ysgrifennwyd")


def test_the_issue_and_evidence_pack_pages_in_welsh(pack_meeting, manager):
    client = client_for(manager)
    issue = client.get(reverse("reports:pack_issue", args=[pack_meeting.pk]), headers=WELSH).content.decode()
    assert "Rhyddhau fersiwn 1 o becyn y bwrdd ar gyfer 17 Rhagfyr 2012?" in issue
    assert "Caiff y pecyn ei ryddhau yn Gymraeg" in issue and "Issue the pack" not in issue
    packs = client.get(reverse("reports:evidence_packs", args=[pack_meeting.plan.pk]), headers=WELSH).content.decode()
    assert "Llunio pecyn tystiolaeth" in packs and "Dyddiad y pecyn" in packs
    assert "Build an evidence pack" not in packs and "What the pack holds" not in packs
