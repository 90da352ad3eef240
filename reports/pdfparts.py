"""The PDF board pack, rendered in parts and joined into one tagged PDF.

WeasyPrint keeps every laid-out line of a document in memory until the PDF is written (about
1.3 MB a page of the plan's tables), so a 1,000-action pack laid out as one document peaks near
600 MB. The pack is therefore cut where it starts a new page anyway: cover and contents, summary,
attention list, the plan by theme in parts of about ``PART_ROWS`` actions (whole themes where they
fit; a table longer than ``MAX_PART_ROWS`` rows continues on a new page), then notes and key.

The plan by theme flows on from one part to the next as it would in one document: a plan part's
last page, which would end part-way down, is dropped and what was on it (the end of a theme's
table, the start of the next theme) begins the next plan part instead. So the plan's parts are
laid out one after another; with ``PACK_RENDER_PROCESSES`` above 1 the other parts are laid out
in worker processes meanwhile.

Joining them (with pikepdf) keeps what a single document had:

- the structure tree: each part's tagged elements go under one Document element, and the
  parent tree's keys of each part's pages and links are renumbered to follow the earlier parts';
- bookmarks for every heading, nested by heading level, and the named destinations that the
  contents links point to, at their places in the joined pages;
- the contents page numbers, written once the other parts' page counts are known (the cover and
  contents part is rendered last, again if its own length changes);
- the running header and the "Page X of Y" footer, drawn over every page from
  ``pack_margins.html`` (one empty page per page of the pack) and marked as pagination artifacts.
"""

import io
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from .pdf import render_document, write_document

PART_ROWS = 100
MAX_PART_ROWS = 250
POINTS_PER_PX = 0.75  # WeasyPrint's CSS pixels to PDF points


@dataclass
class Piece:
    """A theme's table, or part of it when a long table is split between parts of the PDF."""
    section: object  # a reports.packs.ThemeSection
    rows: list
    first: bool = False  # the first theme of the plan, under the "The plan by theme" heading
    continued: bool = False
    flows_on: bool = False  # continues the table of the page before, as one document would: no note


def contents(sections, pages=None) -> list[dict]:
    """The contents list; ``pages`` maps anchors to page numbers once the PDF parts are laid out
    (without it, the PDF works them out itself with CSS target-counter)."""
    pages = pages or {}

    def entry(anchor, label, children=()):
        return {"anchor": anchor, "label": label, "page": pages.get(anchor), "children": list(children)}

    themes = [entry(f"theme-{section.theme.pk}", str(section.theme)) for section in sections]
    return [entry("summary", "Summary"), entry("attention", "For the board’s attention"),
            entry("plan", "The plan by theme", themes), entry("notes", "Review notes, challenges and decisions"),
            entry("key", "Key and abbreviations")]


@dataclass
class Part:
    template: str
    context: dict


@dataclass
class RenderedPart:
    pdf: bytes
    pages: int
    bookmarks: list  # (level, label, page index, x, y), x and y in PDF points from the bottom left
    anchors: dict  # anchor name: (page index, x, y)


def pack_parts(context) -> list[Part]:
    """The pack after its cover and contents, as parts that each start on a new page."""
    parts = [Part("reports/pack/summary.html", {})]
    attention = context["attention"]
    for start in range(0, max(len(attention), 1), MAX_PART_ROWS):
        parts.append(Part("reports/pack/attention.html", {
            "attention_rows": attention[start:start + MAX_PART_ROWS], "attention_continued": start > 0}))
    groups, group, rows = [], [], 0
    for index, section in enumerate(context["sections"]):
        chunks = [section.rows[start:start + MAX_PART_ROWS]
                  for start in range(0, max(len(section.rows), 1), MAX_PART_ROWS)]
        for number, chunk in enumerate(chunks):
            if group and (number or rows + len(chunk) > PART_ROWS):
                groups.append(group)
                group, rows = [], 0
            group.append(Piece(section, chunk, first=not index and not number, continued=number > 0))
            rows += len(chunk)
    if group or not groups:  # a plan without themes still has its heading
        groups.append(group)
    parts += [Part("reports/pack/plan.html", {"plan_pieces": pieces}) for pieces in groups]
    parts.append(Part("reports/pack/notes.html", {}))
    return parts


PLAN_TEMPLATE = "reports/pack/plan.html"
ROW_ANCHOR = "plan-row-"  # the id of each row of the plan's tables (reports/pack/plan.html)


def render_in_parts(context, *, title) -> tuple[bytes, int]:
    """Render the pack's parts, then its cover and contents, and join them: (pdf, pages)."""
    def html(part):
        return render_to_string("reports/pack_part.html", {**context, **part.context, "title": title,
                                                           "part_template": part.template})

    parts = pack_parts(context)
    others = [html(part) for part in parts if part.template != PLAN_TEMPLATE]
    pending = start_parts(others, title=title)
    plan = render_plan_parts([part.context["plan_pieces"] for part in parts if part.template == PLAN_TEMPLATE],
                             lambda pieces: html(Part(PLAN_TEMPLATE, {"plan_pieces": pieces})), title=title)
    done = iter(finish_parts(pending))
    rendered = [plan.pop(0) if part.template == PLAN_TEMPLATE else next(done) for part in parts]
    pool = _worker_pool()
    front_pages = 2  # the cover, then the contents (each section starts a new page)
    for _attempt in range(3):
        anchors = _joined_anchors(rendered, first_page=front_pages)
        total = front_pages + sum(part.pages for part in rendered)
        margins_html = render_to_string("reports/pack_margins.html", {**context, "title": title,
                                                                      "pages": range(total)})
        margins = pool.submit(render_margins, margins_html) if pool else None
        numbers = {name: index + 1 for name, (index, _x, _y) in anchors.items()}
        cover_html = html(Part("reports/pack/cover.html", {"contents": contents(context["sections"], numbers)}))
        front = render_part(cover_html, title, extra_anchors=tuple(anchors))
        if front.pages == front_pages:
            break
        front_pages = front.pages
    else:
        raise RuntimeError("The contents' page numbers did not settle")
    margins_pdf = margins.result() if margins else render_margins(margins_html)
    return join_parts(front, rendered, margins_pdf, anchors={**front.anchors, **anchors}), total


def render_margins(html: str) -> bytes:
    """The margins PDF: untagged, as it is drawn over the pack's pages as an artifact."""
    return render_document(html).write_pdf()


def render_plan_parts(groups: list[list[Piece]], html, *, title: str) -> list[RenderedPart]:
    """The plan's parts, one after another, each carrying what would have been its last,
    part-filled page over to the start of the next (``html`` makes a part's HTML from pieces)."""
    rendered, carried = [], []
    for number, pieces in enumerate(groups):
        pieces = _continued(carried, pieces)
        part, carried = _render_plan_part(html(pieces), pieces, title, last=number == len(groups) - 1)
        rendered.append(part)
    return rendered


def _render_plan_part(html: str, pieces: list[Piece], title: str, *, last: bool) -> tuple[RenderedPart, list]:
    """One plan part and what it carries over to the next (its own function, so that each laid-out
    document is freed before the next is laid out)."""
    document = render_document(html)
    carried = [] if last else _pieces_on_last_page(document, pieces)
    if carried:
        document = document.copy(document.pages[:-1])
    return _written(document, title), carried


def _pieces_on_last_page(document, pieces: list[Piece]) -> list[Piece]:
    """What the last page of a plan part holds, as pieces that can start the next part: the
    rest of a theme's table (continued) and the themes after it. Nothing when the part has one
    page or its last page holds all of it."""
    if len(document.pages) < 2:
        return []
    on_last_page = set(document.pages[-1].anchors)
    for index, piece in enumerate(pieces):
        if not piece.continued and f"theme-{piece.section.theme.pk}" in on_last_page:
            return pieces[index:] if index else []
        for row_index, row in enumerate(piece.rows):
            if f"{ROW_ANCHOR}{row.action.pk}" in on_last_page:
                if not index and not row_index:
                    return []
                rest = Piece(piece.section, piece.rows[row_index:], continued=True, flows_on=True)
                return [rest, *pieces[index + 1:]]
    return []


def _continued(carried: list[Piece], pieces: list[Piece]) -> list[Piece]:
    """The carried pieces, then the part's own; a theme's rows carried over join its next rows."""
    if carried and pieces and pieces[0].section is carried[-1].section:
        last = carried[-1]
        joined = Piece(last.section, last.rows + pieces[0].rows, continued=last.continued, flows_on=last.flows_on)
        return [*carried[:-1], joined, *pieces[1:]]
    return [*carried, *pieces]


def render_part(html: str, title: str, extra_anchors=()) -> RenderedPart:
    """Lay out and write one part; ``extra_anchors`` are link targets in other parts (WeasyPrint
    drops links to anchors it cannot see, so they are noted on the first page and moved when the
    parts are joined)."""
    return _written(render_document(html), title, extra_anchors)


def _written(document, title: str, extra_anchors=()) -> RenderedPart:
    bookmarks, anchors = [], {}
    for index, page in enumerate(document.pages):
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append((level, label, index, x * POINTS_PER_PX, (page.height - y) * POINTS_PER_PX))
        for name, (x, y, *_size) in page.anchors.items():
            if not name.startswith(ROW_ANCHOR):  # rows are only found, never linked to
                anchors.setdefault(name, (index, x * POINTS_PER_PX, (page.height - y) * POINTS_PER_PX))
    first_page_anchors = document.pages[0].anchors
    for name in extra_anchors:
        first_page_anchors.setdefault(name, (0, 0, 0, 0))
    return RenderedPart(write_document(document, title=title), len(document.pages), bookmarks, anchors)


def start_parts(htmls: list[str], *, title: str):
    """Start rendering parts in ``PACK_RENDER_PROCESSES`` worker processes (kept for the next
    pack: starting one costs about a second), longest first so that they finish together; or,
    without workers, note them to be rendered in this process by ``finish_parts``."""
    pool = _worker_pool()
    if pool is None:
        return [_InThisProcess(html, title) for html in htmls]
    longest_first = sorted(range(len(htmls)), key=lambda index: -len(htmls[index]))
    futures = {index: pool.submit(render_part, htmls[index], title) for index in longest_first}
    return [futures[index] for index in range(len(htmls))]


@dataclass
class _InThisProcess:
    """A part to render in this process when its result is asked for, as a future would give it."""
    html: str
    title: str

    def result(self) -> RenderedPart:
        return render_part(self.html, self.title)


def render_parts(htmls: list[str], *, title: str) -> list[RenderedPart]:
    return finish_parts(start_parts(htmls, title=title))


def finish_parts(pending) -> list[RenderedPart]:
    """The rendered parts that ``start_parts`` started, in order."""
    try:
        return [future.result() for future in pending]
    except BrokenProcessPool as error:
        stop_workers()  # a worker died (out of memory, killed): the retry starts new ones
        raise RuntimeError("A process rendering part of the pack stopped before it finished, perhaps for lack "
                           "of memory. Try again; if it fails again, set PACK_RENDER_PROCESSES=1.") from error


_pool = None


def _worker_pool():
    global _pool
    processes = settings.PACK_RENDER_PROCESSES
    if processes <= 1:
        return None
    if _pool is None:
        import multiprocessing

        import django

        # spawn, not fork: the task worker has threads and database connections. The initializer
        # is django.setup itself: unpickling one of this module's functions would import models first.
        _pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=django.setup)
    return _pool


def stop_workers():
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None


def _joined_anchors(parts, *, first_page):
    anchors, offset = {}, first_page
    for part in parts:
        for name, (index, x, y) in part.anchors.items():
            anchors.setdefault(name, (index + offset, x, y))
        offset += part.pages
    return anchors


def join_parts(front: RenderedPart, parts: list[RenderedPart], margins_pdf: bytes, *, anchors: dict) -> bytes:
    """One tagged PDF from the front part (whose catalogue, metadata and language it keeps) and
    the other parts, with ``anchors`` (name: joined page index, x, y) as named destinations."""
    import pikepdf

    joined = pikepdf.open(io.BytesIO(front.pdf))
    sources = []  # kept open until saved: copied streams are read from them then
    tree = joined.Root.StructTreeRoot
    document = tree.K[0]
    numbers = tree.ParentTree.Nums
    next_key = _next_key(numbers)
    bookmarks = list(front.bookmarks)
    for part in parts:
        source = pikepdf.open(io.BytesIO(part.pdf))
        sources.append(source)
        source_tree = source.Root.StructTreeRoot
        source_document = source_tree.K[0]
        del source_document["/P"]  # copy the part's elements, not its whole catalogue
        first = len(joined.pages)
        bookmarks += [(level, label, index + first, x, y) for level, label, index, x, y in part.bookmarks]
        joined.pages.extend(source.pages)
        for page in joined.pages[first:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + next_key
            for annotation in page.obj.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + next_key
        for element in joined.copy_foreign(source_document).K:
            element.P = document
            document.K.append(element)
        source_numbers = list(source_tree.ParentTree.Nums)
        for key, value in zip(source_numbers[::2], source_numbers[1::2], strict=True):
            numbers.append(int(key) + next_key)
            numbers.append(_copy(joined, value))
        next_key = _next_key(numbers)

    _draw_margins(joined, pikepdf.open(io.BytesIO(margins_pdf)), sources)
    _write_bookmarks(joined, bookmarks)
    destinations = pikepdf.NameTree.new(joined)
    for name, (index, x, y) in sorted(anchors.items()):
        destinations[name] = pikepdf.Array([joined.pages[index].obj, pikepdf.Name.XYZ, x, y, 0])
    if "/Names" not in joined.Root:
        joined.Root.Names = pikepdf.Dictionary()
    joined.Root.Names.Dests = destinations.obj
    output = io.BytesIO()
    joined.save(output)
    return output.getvalue()


def _next_key(numbers) -> int:
    keys = [int(key) for key in list(numbers)[::2]]
    return max(keys, default=-1) + 1


def _copy(pdf, value):
    """Copy a parent-tree value: an element, or an array of the elements of a page's marks."""
    import pikepdf

    if isinstance(value, pikepdf.Array) and not value.is_indirect:
        return pikepdf.Array([_copy(pdf, item) for item in value])
    return pdf.copy_foreign(value) if value.is_indirect else value


def _draw_margins(joined, margins, sources):
    """Draw each margins page over the matching page, as a pagination artifact."""
    import pikepdf

    sources.append(margins)
    for page, margins_page in zip(joined.pages, margins.pages, strict=True):
        form = joined.copy_foreign(margins_page.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Margins")
        page.contents_add(pikepdf.Stream(joined, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(
            joined, b"\nQ\n/Artifact <</Type /Pagination>> BDC q %s Do Q EMC\n" % bytes(str(name), "ascii")))


def _write_bookmarks(joined, bookmarks):
    """Bookmarks nested by heading level, as WeasyPrint makes them for one document."""
    import pikepdf

    if "/Outlines" in joined.Root:
        del joined.Root.Outlines
    with joined.open_outline() as outline:
        stack = [(0, outline.root)]
        for level, label, index, x, y in bookmarks:
            while stack[-1][0] >= level:
                stack.pop()
            item = pikepdf.OutlineItem(label, index, "XYZ", left=x, top=y)
            stack[-1][1].append(item)
            stack.append((level, item.children))
