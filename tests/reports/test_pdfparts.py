"""A long board pack is rendered in parts and joined: the joined PDF must read as one document."""

import datetime
import io
import re

import pikepdf
import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from reports import pdfparts
from reports.models import StoredPackPart
from reports.packs import pack_context, render_pack_pdf
from tests.conftest import make_action, status
from tests.reports.conftest import empty_spans


def page_texts(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_long_packs_are_cut_into_the_summary_the_attention_list_the_plan_and_the_notes(long_pack):
    sections = pdfparts.pack_parts(pack_context(long_pack))
    assert [type(section).__name__ for section in sections] == ["Part", "AttentionFlow", "PlanFlow", "Part"]
    assert sections[0].template.endswith("summary.html") and sections[-1].template.endswith("notes.html")
    plan = sections[2]
    described = [[(str(piece.section.theme.code), [row.action.number for row in piece.rows], piece.continued)
                  for piece in pieces] for pieces in plan.groups]
    # every action once, in order, a theme's rows split between parts where a part ends
    numbers = [number for pieces in described for _code, rows, _continued in pieces for number in rows]
    assert numbers == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "2.2", "2.3", "2.4"]
    assert len(plan.groups) > 1 and all(1 <= len(pieces) <= 3 for pieces in plan.groups)
    for pieces in described:  # a part that begins part-way through a theme's table continues it
        for _code, rows, continued in pieces:
            assert continued == (bool(rows) and rows[0] not in ("1.1", "2.1"))
    assert described[-1][-1] == ("3", [], False)  # the theme without actions ends the plan
    assert plan.groups[0][0].first and not any(piece.first for pieces in plan.groups[1:] for piece in pieces)


def test_parts_are_cut_by_their_rows_own_ids_so_one_row_more_or_less_changes_a_part_or_two(monkeypatch):
    monkeypatch.setattr(pdfparts, "PART_ROWS", 25)
    ids = list(range(1, 301))
    parts = pdfparts.cut_into_parts(ids, ids)
    assert [row for part in parts for row in part] == ids
    assert all(12 <= len(part) <= 50 for part in parts[:-1]) and 9 <= len(parts) <= 16

    for changed_ids in ([*ids[:150], 1000, *ids[150:]], [row for row in ids if row != 150], [1000, *ids]):
        changed = [part for part in pdfparts.cut_into_parts(changed_ids, changed_ids) if part not in parts]
        assert 1 <= len(changed) <= 2, changed_ids  # the part with the change, and the next one at most
        assert sum(len(part) for part in changed) <= 100


def test_parts_are_also_cut_where_a_page_begins_anyway(monkeypatch):
    monkeypatch.setattr(pdfparts, "PART_ROWS", 25)
    ids = list(range(1, 301))
    parts = pdfparts.cut_into_parts(ids, ids, starts={100, 101, 203})
    assert [row for part in parts for row in part] == ids
    assert {101, 102, 204} <= {part[0] for part in parts}  # a part begins at each start, if only of one row
    assert all(len(part) <= 50 for part in parts)


def test_the_plans_parts_end_with_their_themes_and_carry_nothing_into_the_next(long_pack):
    plan = pdfparts.PlanFlow(pack_context(long_pack)["sections"])
    themes = [{piece.section.theme.code for piece in pieces} for pieces in plan.groups]
    assert all(len(codes) == 1 for codes in themes)  # a part holds rows of one theme: each theme begins a page
    ends = {number for number in range(len(themes) - 1) if themes[number] != themes[number + 1]}
    assert ends and plan.ends == {*ends, len(themes) - 1}


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
    assert "continued." not in whole  # a table goes on from part to part as over a page break
    assert "Theme “3 Theme without actions” has no actions." in whole
    assert "This theme has no actions." in whole


def rows_by_page(pdf) -> list[list[str]]:
    """The action numbers at the start of the attention list's and the plan's rows, page by page."""
    return [re.findall(r"^(\d\.\d+) Action \d\.\d+", text, flags=re.MULTILINE) for text in page_texts(pdf)]


def test_the_attention_list_and_the_plan_flow_on_from_part_to_part_as_in_one_document(
        long_pack, theme, scheme, lead, monkeypatch):
    for number in range(8, 30):  # theme 1: 27 actions of different lengths, all on the attention list (red)
        action = make_action(theme, f"1.{number}", description=f"Action 1.{number} " + "words " * (number * 7 % 50))
        action.record_update(status=status(scheme, "R"), note=f"Note for 1.{number}", by=lead)
    in_parts, pages = render_pack_pdf(long_pack)
    monkeypatch.setattr(pdfparts, "ONE_DOCUMENT_ACTIONS", 1000)
    whole, whole_pages = render_pack_pdf(long_pack)

    assert pages == whole_pages  # no part-filled page where a part ends
    assert rows_by_page(in_parts) == rows_by_page(whole)  # the same rows on the same pages
    texts = page_texts(in_parts)
    (number,) = [number for number, text in enumerate(texts) if number > 1  # the heading, not the contents
                 and re.search("^2 Early help$", text, flags=re.MULTILINE)]
    assert texts[number].startswith("2 Early help")  # theme 2 begins a page of its own
    assert "1.29 Action 1.29" in texts[number - 1] and "Action 1." not in texts[number]
    assert "continued." not in "".join(texts)
    assert all(f"1.{number}" in "".join(texts) for number in range(1, 30))
    context = pack_context(long_pack)
    assert len(pdfparts.AttentionFlow(context["attention"]).groups) > 3
    assert len(pdfparts.PlanFlow(context["sections"]).groups) > 3


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
        assert re.search(rb"/Artifact << /Type /Pagination >> BDC\nq\n/MarginsStatus\S* Do\nQ\nq\n/MarginsPage\d+ Do\nQ\n"
                         rb"EMC$", content)  # the margins' two layers
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
    StoredPackPart.objects.all().delete()  # so that the workers render every part again
    settings.PACK_RENDER_PROCESSES = 2
    try:
        in_workers, pages_in_workers = render_pack_pdf(long_pack)
    finally:
        pdfparts.stop_workers()
    assert pages_in_workers == pages
    assert in_workers == one_by_one


def test_a_plan_without_themes_still_has_the_plan_heading_in_its_parts(pack_meeting):
    context = pack_context(pack_meeting)
    context["sections"] = []
    (plan,) = [section for section in pdfparts.pack_parts(context) if isinstance(section, pdfparts.PlanFlow)]
    assert plan.groups == [[]]
    assert 'id="plan"' in render_to_string(pdfparts.PART_TEMPLATE, {
        **context, **plan.context([]), "title": "Pack", "part_template": plan.template})


def test_a_worker_process_that_dies_fails_the_render_with_a_message_and_is_replaced(long_pack, monkeypatch, settings):
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
        render_pack_pdf(long_pack)
    assert DeadPool.stopped and pdfparts._pool is None
