"""A long board pack is rendered in parts and joined: the joined PDF must read as one document."""

import datetime
import io
import re

import pikepdf
import pytest
from pypdf import PdfReader

from improvement.models import Theme
from reports import pdfparts
from reports.packs import pack_context, render_pack_pdf
from tests.conftest import make_action, status
from tests.reports.conftest import empty_spans


@pytest.fixture
def long_pack(pack_meeting, plan, theme, scheme, lead, monkeypatch):
    """The pack meeting's plan with 9 more actions over three themes (one empty), and parts
    small enough that themes are grouped, split and continued."""
    monkeypatch.setattr(pdfparts, "PART_ROWS", 4)
    monkeypatch.setattr(pdfparts, "MAX_PART_ROWS", 3)
    second = Theme.objects.create(plan=plan, code="2", title="Early help", position=2)
    Theme.objects.create(plan=plan, code="3", title="Theme without actions", position=3)
    for number in range(3, 8):
        action = make_action(theme, f"1.{number}", description=f"Action 1.{number} " + "words " * 60)
        action.record_update(status=status(scheme, "A"), note=f"Note for 1.{number}", by=lead)
    for number in range(1, 5):
        make_action(second, f"2.{number}", description=f"Action 2.{number}")
    return pack_meeting


def page_texts(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_long_packs_are_cut_into_parts_that_group_themes_and_continue_long_tables(long_pack):
    parts = pdfparts.pack_parts(pack_context(long_pack))
    plan_parts = [part.context["plan_pieces"] for part in parts if part.template.endswith("plan.html")]
    described = [[(str(piece.section.theme.code), len(piece.rows), piece.continued) for piece in pieces]
                 for pieces in plan_parts]
    # theme 1's 7 actions in tables of at most 3, each continuation starting a part; a part takes
    # the next theme while it holds at most 4 actions (the empty theme joins the last part)
    assert described == [[("1", 3, False)], [("1", 3, True)], [("1", 1, True), ("2", 3, False)],
                         [("2", 1, True), ("3", 0, False)]]
    assert plan_parts[0][0].first and not plan_parts[1][0].first
    assert parts[0].template.endswith("summary.html") and parts[-1].template.endswith("notes.html")


def test_a_pack_in_parts_numbers_every_page_of_the_whole(long_pack):
    pdf, pages = render_pack_pdf(long_pack)
    texts = page_texts(pdf)
    assert len(texts) == pages
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert ("Draft" in text) and (number == 1 or "Strategic Improvement Plan · Improvement Board" in text)
    whole = "\n".join(texts)
    for number in ["1.1", "1.2", "1.7", "2.1", "2.4"]:
        assert number in whole
    assert "1 Partnership and governance, continued." in whole
    assert "Theme “3 Theme without actions” has no actions." in whole
    assert "This theme has no actions." in whole


def test_the_plan_flows_on_from_one_part_to_the_next_as_in_one_document(long_pack, theme, scheme, lead, monkeypatch):
    for number in range(8, 30):  # theme 1: 27 actions of different lengths, more than a part holds
        action = make_action(theme, f"1.{number}", description=f"Action 1.{number} " + "words " * (number * 7 % 50))
        action.record_update(status=status(scheme, "A"), note=f"Note for 1.{number}", by=lead)
    monkeypatch.setattr(pdfparts, "PART_ROWS", 10)
    monkeypatch.setattr(pdfparts, "MAX_PART_ROWS", 250)
    in_parts, pages = render_pack_pdf(long_pack)
    monkeypatch.setattr(pdfparts, "PART_ROWS", 1000)
    _whole, whole_pages = render_pack_pdf(long_pack)

    assert pages == whole_pages  # no part-filled page where a part ends
    texts = page_texts(in_parts)
    (page,) = [text for text in texts[2:] if re.search("^2 Early help$", text, flags=re.MULTILINE)]  # the heading
    assert "1.29 Action 1.29" in page  # theme 2 starts on the page where theme 1 ends
    assert "continued." not in "".join(texts)
    assert all(f"1.{number}" in "".join(texts) for number in range(1, 30))


def test_the_contents_bookmarks_and_links_point_at_the_pages_their_headings_are_on(long_pack):
    pdf, _ = render_pack_pdf(long_pack)
    texts = page_texts(pdf)
    joined = pikepdf.open(io.BytesIO(pdf))

    def page_of(destination):
        return joined.pages.index(pikepdf.Page(destination[0]))

    # the contents laid out as on the page: each title, then (after its drawn leader) its page number
    layout = PdfReader(io.BytesIO(pdf)).pages[1].extract_text(extraction_mode="layout")
    contents = dict(re.findall(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", layout, flags=re.MULTILINE))
    titles = ["Summary", "For the board’s attention", "The plan by theme", "1 Partnership and governance",
              "2 Early help", "3 Theme without actions", "Review notes, challenges and decisions",
              "Key and abbreviations"]
    for title in titles:
        assert any(title in line for line in contents), title
    destinations = pikepdf.NameTree(joined.Root.Names.Dests)
    links = joined.pages[1].obj.Annots
    assert len({str(link.Dest) for link in links}) == len(titles)
    for link in links:
        assert page_of(destinations[str(link.Dest)]) + 1 in {int(page) for page in contents.values()}
    with joined.open_outline() as outline:
        flat = []

        def walk(items, depth):
            for item in items:
                flat.append((depth, item.title, page_of(item.destination)))
                walk(item.children, depth + 1)

        walk(outline.root, 0)
    by_title = {title: (depth, page) for depth, title, page in flat}
    for title in titles:
        depth, page = by_title[title]
        assert title in texts[page], title
        listed_page = next(int(number) for line, number in contents.items() if title in line)
        assert listed_page == page + 1, title
    assert by_title["2 Early help"][0] == by_title["The plan by theme"][0] + 1  # themes nest under the plan
    assert by_title["Summary"][0] == by_title["Contents"][0]


def test_a_pack_in_parts_has_one_consistent_structure_tree(long_pack):
    pdf, _ = render_pack_pdf(long_pack)
    joined = pikepdf.open(io.BytesIO(pdf))
    tree = joined.Root.StructTreeRoot
    numbers = list(tree.ParentTree.Nums)
    parent_tree = dict(zip((int(key) for key in numbers[::2]), numbers[1::2], strict=True))
    assert len(parent_tree) * 2 == len(numbers)  # no key used twice
    marks = 0
    for page in joined.pages:
        elements = parent_tree[int(page.obj.StructParents)]
        content = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page))
        for mcid in (int(found) for found in re.findall(rb"/MCID (\d+)", content)):
            element = elements[mcid]
            assert element.Pg.objgen == page.obj.objgen
            assert mcid in [int(kid) for kid in element.K if isinstance(kid, int)]
            marks += 1
        for annotation in page.obj.get("/Annots", ()):
            owner = parent_tree[int(annotation.StructParent)]
            assert any(isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj") == annotation for kid in owner.K)
        assert re.search(rb"/Artifact << /Type /Pagination >> BDC\nq\n/Margins\S+ Do\nQ\nEMC$", content)  # margins
    assert marks > 100

    def check(element):
        for kid in element.K:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                assert kid.P.objgen == element.objgen
                check(kid)

    document = tree.K[0]
    assert document.S == "/Document" and len(tree.K) == 1
    check(document)
    assert empty_spans(pdf) == []
    assert joined.Root.Lang == "en-GB" and joined.Root.MarkInfo.Marked


def test_parts_render_the_same_pack_in_worker_processes(long_pack, settings, time_machine):
    time_machine.move_to(datetime.datetime(2012, 12, 18, 9, 0, tzinfo=datetime.UTC), tick=False)
    one_by_one, pages = render_pack_pdf(long_pack)
    settings.PACK_RENDER_PROCESSES = 2
    try:
        in_workers, pages_in_workers = render_pack_pdf(long_pack)
    finally:
        pdfparts.stop_workers()
    assert pages_in_workers == pages
    assert page_texts(in_workers) == page_texts(one_by_one)


def test_a_plan_without_themes_still_has_the_plan_heading_in_its_parts(pack_meeting):
    context = pack_context(pack_meeting)
    context["sections"] = []
    plan_parts = [part for part in pdfparts.pack_parts(context) if part.template.endswith("plan.html")]
    assert [part.context["plan_pieces"] for part in plan_parts] == [[]]


def test_a_worker_process_that_dies_fails_the_render_with_a_message_and_is_replaced(monkeypatch, settings):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    class DeadPool:
        stopped = False

        def submit(self, *args):
            future = Future()
            future.set_exception(BrokenProcessPool("terminated abruptly"))
            return future

        def shutdown(self, **kwargs):
            DeadPool.stopped = True

    monkeypatch.setattr(pdfparts, "_pool", DeadPool())
    settings.PACK_RENDER_PROCESSES = 2
    with pytest.raises(RuntimeError, match="stopped before it finished.*PACK_RENDER_PROCESSES=1"):
        pdfparts.render_parts(["<p>one</p>", "<p>two</p>"], title="Pack")
    assert DeadPool.stopped and pdfparts._pool is None
