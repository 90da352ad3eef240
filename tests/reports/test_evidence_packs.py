"""The evidence pack as built (reports/evidencepacks.py, reports/tasks.build_evidence_pack): what
its ZIP holds, that every checksum is right, "as at" a date, missing files and the size limit,
the draft self-evaluation, and that an issued pack never changes."""

import datetime
import hashlib
import io
import re
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from boards.models import Assessment, Board, ExternalReview, ScrutinyReview
from improvement.models import Evidence, Recommendation
from reports.evidencepacks import evidence_file_bytes, gather
from reports.models import EvidencePack
from reports.tasks import build_evidence_pack, request_evidence_pack
from tests.conftest import TODAY, make_action, make_measure, status
from tests.reports.conftest import pdf_text

AS_AT = TODAY  # 20 December 2012


def upload(name, data, by=None):
    return Evidence(title=f"Evidence {name}", file=SimpleUploadedFile(name, data), original_name=name,
                    content_type="application/pdf", size=len(data))


@pytest.fixture
def world(frozen_today, plan, theme, scheme, lead, manager, recommendation):
    """Three actions: 1.1 answers OIS 2012 1.2 (two updates, a file and a link), 1.2 answers it
    and IN 3.1 (a file), 1.3 answers none (a file); a scrutiny conclusion, an external finding on
    1.2 and on the theme, and a measure linked to 1.2 with two values."""
    second = Recommendation.objects.create(source=recommendation.source, reference="3.1", text="Audit core groups.")
    first = make_action(theme, "1.1", leads=[], description="Review thresholds")
    first.recommendations.add(recommendation)
    first.record_update(status=status(scheme, "A"), note="Started", by=lead, period=datetime.date(2012, 11, 1),
                        evidence=[upload("plan.pdf", b"%PDF-1.4 plan")])
    first.record_update(status=status(scheme, "G"), note="Thresholds agreed", by=lead,
                        evidence=[Evidence(title="Published thresholds", url="https://example.org/thresholds")])
    both = make_action(theme, "1.2", description="Audit core groups")
    both.recommendations.add(recommendation, second)
    both.record_update(status=status(scheme, "R"), note="Stalled", by=lead,
                       evidence=[upload("audit.pdf", b"%PDF-1.4 audit " * 50)])
    alone = make_action(theme, "1.3", description="Train staff")
    alone.record_update(status=status(scheme, "G"), note="Under way", by=lead,
                        evidence=[upload("register.pdf", b"%PDF-1.4 register")])
    panel = Board.objects.create(name="Scrutiny panel", kind="scrutiny_panel")
    review = ScrutinyReview.objects.create(board=panel, plan=plan, title="Task group", scope="All",
                                           date=datetime.date(2012, 12, 1))
    Assessment.objects.create(review=review, number="1", requirement="r", recommendation=recommendation,
                              conclusion="partially_complete", comment="Only some groups audited")
    visit = ExternalReview.objects.create(
        plan=plan, kind="monitoring_visit", title="Monitoring visit 1", date=datetime.date(2012, 12, 5),
        reviewer_organisation="Ofsted", source=recommendation.source,
        scale=[{"label": "Not yet met", "band": "not_met"}, {"label": "Met", "band": "met"}])
    visit.record_finding(recommendation=recommendation, judgement="Not yet met", comment="Plans unclear", by=manager)
    visit.record_finding(theme=theme, judgement="Met", comment="Governance is clear", by=manager)
    measure = make_measure(plan, data_source="Care First")
    measure.recommendations.add(recommendation)
    measure.themes.add(theme)
    measure.record_value(period=datetime.date(2012, 11, 1), value="50", by=lead)
    measure.record_value(period=datetime.date(2012, 12, 1), value="60", by=lead)
    return {"plan": plan, "first": first, "both": both, "alone": alone, "recommendation": recommendation,
            "second": second, "manager": manager, "lead": lead, "measure": measure, "theme": theme}


def build(plan, manager, *, as_at=AS_AT, contents=EvidencePack.Contents.FULL, with_self_evaluation=False):
    pack = request_evidence_pack(plan, as_at=as_at, contents=contents, with_self_evaluation=with_self_evaluation,
                                 by=manager)
    assert build_evidence_pack.call(pack.pk) in ("ready", "failed")
    pack.refresh_from_db()
    return pack


def read_zip(pack) -> zipfile.ZipFile:
    with pack.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def manifest(archive) -> dict[str, str]:
    lines = archive.read("manifest-sha256.txt").decode().splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def test_the_pack_holds_an_index_as_html_and_pdf_the_files_per_recommendation_and_a_manifest(world):
    pack = build(world["plan"], world["manager"])
    assert pack.status == "ready", pack.error
    archive = read_zip(pack)
    names = set(archive.namelist())
    assert {"index.html", "index.pdf", "manifest-sha256.txt"} <= names
    files = sorted(name for name in names if name.startswith("evidence/"))
    assert sorted(name.split("/")[1] for name in files) == ["OIS-2012-1.2", "OIS-2012-1.2", "OIS-2012-3.1",
                                                            "no-recommendation"]
    assert pack.version == 1 and pack.recommendations == 2 and pack.evidence_files == 4 and pack.missing == []


def test_every_checksum_in_the_index_and_the_manifest_matches_the_file_in_the_zip(world):
    pack = build(world["plan"], world["manager"])
    archive = read_zip(pack)
    index = archive.read("index.html").decode()
    listed = manifest(archive)
    assert set(listed) == set(archive.namelist()) - {"manifest-sha256.txt"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    for name in (n for n in archive.namelist() if n.startswith("evidence/")):
        digest = hashlib.sha256(archive.read(name)).hexdigest()
        assert re.search(rf'<a href="{re.escape(name)}">.*?</a></td>\s*<td><code>{digest}</code>', index), name
    # and each file in the ZIP is the one stored as evidence
    stored = {e.pk: hashlib.sha256(e.file.read()).hexdigest() for e in Evidence.objects.exclude(file="")}
    for name in (n for n in archive.namelist() if n.startswith("evidence/")):
        evidence_id = int(name.rsplit("/", 1)[1].split("_")[1])
        assert hashlib.sha256(archive.read(name)).hexdigest() == stored[evidence_id]
    assert hashlib.sha256(pack.file.open("rb").read()).hexdigest() == pack.checksum


def test_the_index_lists_every_item_per_recommendation(world):
    archive = read_zip(build(world["plan"], world["manager"]))
    index = archive.read("index.html").decode()
    for text in ["Recommendation OIS 2012 1.2", "Recommendation OIS 2012 3.1", "Actions answering no recommendation",
                 "Action 1.1", "Action 1.2", "Action 1.3", "Thresholds agreed", "Started", "Stalled",
                 "Partially complete", "Only some groups audited", "Not yet met", "Plans unclear",
                 "Governance is clear", "Children seen within timescale", "60%", "50%",
                 "Link, not fetched: https://example.org/thresholds", "Evidence plan.pdf", "Evidence audit.pdf",
                 "Evidence register.pdf"]:
        assert text in index, text
    assert index.count("Evidence audit.pdf") == 2  # 1.2 answers both recommendations: in both folders
    assert "by Lead" in index  # who added it
    text = pdf_text(archive.read("index.pdf"))
    assert "Action 1.3" in text and "OIS 2012 3.1" in text


def test_the_pdf_index_is_tagged(world):
    import pikepdf

    archive = read_zip(build(world["plan"], world["manager"]))
    pdf = pikepdf.open(io.BytesIO(archive.read("index.pdf")))
    assert "/StructTreeRoot" in pdf.Root and pdf.Root.Lang == "en-GB"
    assert str(pdf.open_metadata().get("dc:title")).startswith("Evidence pack: Strategic Improvement Plan")


def test_as_at_a_date_the_pack_leaves_out_what_was_recorded_after_it(world, scheme):
    first, lead = world["first"], world["lead"]
    with time_machine.travel(datetime.datetime(2013, 1, 8, 12, tzinfo=datetime.UTC), tick=False):
        first.record_update(status=status(scheme, "B"), note="Completed in January", by=lead,
                            period=datetime.date(2012, 12, 1), evidence=[upload("late.pdf", b"%PDF late")])
        pack = build(world["plan"], world["manager"], as_at=AS_AT)
    index = read_zip(pack).read("index.html").decode()
    assert "Completed in January" not in index and "late.pdf" not in index
    assert "Thresholds agreed" in index


def test_a_file_missing_from_storage_is_listed_as_missing_and_the_pack_still_builds(world):
    gone = Evidence.objects.get(original_name="register.pdf")
    gone.file.storage.delete(gone.file.name)
    pack = build(world["plan"], world["manager"])
    assert pack.status == "ready"
    assert pack.missing == ["1.3: Evidence register.pdf"]
    archive = read_zip(pack)
    assert not any("register" in name for name in archive.namelist())
    index = archive.read("index.html").decode()
    assert "Missing from storage" in index and "could not be found in storage" in index
    assert len([n for n in archive.namelist() if n.startswith("evidence/")]) == 3


def test_a_pack_over_the_size_limit_fails_saying_so_and_stores_nothing(world, settings):
    settings.EVIDENCE_PACK_MAX_BYTES = 100
    pack = build(world["plan"], world["manager"])
    assert pack.status == "failed"
    assert "more than the 100\xa0bytes an evidence pack may hold" in pack.error
    assert "The index alone" in pack.error
    assert not pack.file and pack.version is None


def test_the_index_alone_lists_every_checksum_without_the_files(world, settings):
    settings.EVIDENCE_PACK_MAX_BYTES = 100
    pack = build(world["plan"], world["manager"], contents=EvidencePack.Contents.INDEX_ONLY)
    assert pack.status == "ready", pack.error
    archive = read_zip(pack)
    assert not any(name.startswith("evidence/") for name in archive.namelist())
    index = archive.read("index.html").decode()
    for evidence in Evidence.objects.exclude(file=""):
        assert hashlib.sha256(evidence.file.read()).hexdigest() in index
    assert "Not included (index alone)" in index


def test_the_size_counts_a_file_once_for_each_folder_it_goes_in(world):
    sizes = [len(b"%PDF-1.4 plan"), 2 * len(b"%PDF-1.4 audit " * 50), len(b"%PDF-1.4 register")]
    assert evidence_file_bytes(world["plan"], AS_AT) == sum(sizes)


def test_an_issued_packs_checksum_and_file_never_change_after_later_updates(world, scheme):
    pack = build(world["plan"], world["manager"])
    checksum, name = pack.checksum, pack.file.name
    world["both"].record_update(status=status(scheme, "B"), note="Done", by=world["lead"],
                                evidence=[upload("more.pdf", b"%PDF more")])
    world["first"].description = "Reworded"
    world["first"].save()
    again = build(world["plan"], world["manager"])
    pack.refresh_from_db()
    assert (pack.checksum, pack.file.name) == (checksum, name)
    assert pack.verify()
    assert again.version == 2 and again.checksum != checksum
    assert "more.pdf" not in read_zip(pack).read("index.html").decode()


def test_an_issued_pack_cannot_be_changed_or_deleted(world):
    pack = build(world["plan"], world["manager"])
    pack.checksum = "0" * 64
    with pytest.raises(ValueError, match="never changed"):
        pack.save()
    with pytest.raises(ValueError, match="never deleted"):
        pack.delete()


def test_a_tampered_file_fails_verification(world):
    pack = build(world["plan"], world["manager"])
    with open(pack.file.path, "ab") as handle:
        handle.write(b"tampered")
    assert not pack.verify()


def test_versions_count_per_plan_and_date(world):
    assert [build(world["plan"], world["manager"]).version for _ in range(2)] == [1, 2]
    assert build(world["plan"], world["manager"], as_at=datetime.date(2012, 12, 1)).version == 1


def test_a_pack_is_built_once_however_many_workers_take_it(world):
    pack = build(world["plan"], world["manager"])
    assert build_evidence_pack.call(pack.pk) == f"evidence pack {pack.pk} was already taken"


def test_the_draft_self_evaluation_answers_the_three_questions_per_theme(world):
    import docx

    pack = build(world["plan"], world["manager"], with_self_evaluation=True)
    archive = read_zip(pack)
    assert "self-evaluation-draft.docx" in manifest(archive)
    document = docx.Document(io.BytesIO(archive.read("self-evaluation-draft.docx")))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    for question in ("What do you know about the quality and impact of practice?", "How do you know?",
                     "What are your plans for the next 12 months?"):
        assert text.count(question) == 1
    assert "1 Partnership and governance" in text
    assert "3 actions" in text and "Children seen within timescale: 60% for December 2012" in text
    assert "Governance is clear" in text and "Monitoring visit 1" in text
    assert "1.2 Audit core groups" in text  # open and due within the year: the plans ahead
    assert "has not been sent to anyone" in text


def _gather_queries(plan) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        gather(plan, AS_AT)
    return len(context.captured_queries)


def test_gathering_costs_the_same_queries_whatever_the_plan_holds(world, scheme, theme):
    before = _gather_queries(world["plan"])
    for number in range(10):
        action = make_action(theme, f"5.{number}")
        action.recommendations.add(world["recommendation"] if number % 2 else world["second"])
        action.record_update(status=status(scheme, "G"), note="ok", by=world["lead"],
                             evidence=[upload(f"file{number}.pdf", b"%PDF-1.4 more")])
    assert _gather_queries(world["plan"]) == before == 15
