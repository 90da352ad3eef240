"""The PDF board pack, rendered in parts and joined into one tagged PDF; parts that have not
changed since an earlier render are reused rather than rendered again.

WeasyPrint keeps every laid-out line of a document in memory until the PDF is written (about
1.3 MB a page of the plan's tables), so a 1,000-action pack laid out as one document peaks near
600 MB. The pack is therefore cut where it starts a new page anyway: cover and contents, summary,
attention list, the plan by theme, then notes and key; and the attention list and the plan are
cut again into parts of about ``PART_ROWS`` rows.

The attention list and the plan by theme each flow on from one part to the next as they would in
one document (a ``Flow``): a part's last page, which would end part-way down, is dropped and what
was on it (the rest of a table, the start of the next theme) begins the next part instead. So the
parts of a flow are laid out one after another; with ``PACK_RENDER_PROCESSES`` above 1 the two
flows and the other parts are laid out in that many worker processes at once.

Each part is stored (``reports.models.StoredPackPart``) under a key of everything that decides its
bytes (``part_key``: its HTML, which holds the data as the templates wrote it; the stylesheets and
fonts it loads; WeasyPrint and the libraries it uses; the title; how it is rendered). A part whose
key is stored is taken from the store, not rendered: re-rendering a pack after one action changed
renders the parts that show that action, and the parts after them in their flow whose start moved.
Where the attention list and the plan are cut is chosen by their rows' actions, not by counting,
so that an action added, removed or moved in the list changes its own part only
(docs/decisions/0011-stored-pack-parts.md).

Joining them (with pikepdf) keeps what a single document had:

- the structure tree: each part's tagged elements go under one Document element, and the
  parent tree's keys of each part's pages and links are renumbered to follow the earlier parts';
- bookmarks for every heading, nested by heading level, and the named destinations that the
  contents links point to, at their places in the joined pages;
- the contents page numbers, written once the other parts' page counts are known (the cover and
  contents part is rendered last, again if its own length changes);
- the running header and the "Page X of Y" footer, drawn over every page from
  ``pack_margins.html`` as pagination artifacts, in two layers: the title and status (two pages:
  the first page's and every other page's) and the page numbers (one page per page of the pack,
  the same for any pack of that length, so stored and reused while the length stays).
"""

import hashlib
import heapq
import io
import itertools
import logging
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .pdf import render_document, renderer_fingerprint, static_files_digest, write_document
from .rows import plan_rows

logger = logging.getLogger(__name__)

ONE_DOCUMENT_ACTIONS = 100  # a pack of up to this many actions is one WeasyPrint document (reports.packs)
PART_ROWS = 25  # rows of the attention list or the plan in one part, on average
POINTS_PER_PX = 0.75  # WeasyPrint's CSS pixels to PDF points
PART_TEMPLATE = "reports/pack_part.html"
MARGINS_TEMPLATE = "reports/pack_margins.html"
ROW_ANCHORS = ("plan-row-", "attention-row-")  # the ids of the tables' rows: found, never linked to


@dataclass
class Piece:
    """A theme's table, or the rows of it in one part of the PDF."""
    section: object  # a reports.packs.ThemeSection
    rows: list
    first: bool = False  # the first theme of the plan, under the "The plan by theme" heading
    continued: bool = False  # the rest of a table that an earlier part began: no theme heading

    @property
    def rows_html(self):
        return plan_rows(self.rows)


def contents(sections, pages=None, *, scorecard=False) -> list[dict]:
    """The contents list; ``pages`` maps anchors to page numbers once the PDF parts are laid out
    (without it, the PDF works them out itself with CSS target-counter)."""
    pages = pages or {}

    def entry(anchor, label, children=()):
        return {"anchor": anchor, "label": label, "page": pages.get(anchor), "children": list(children)}

    themes = [entry(f"theme-{section.theme.pk}", str(section.theme)) for section in sections]
    return [entry("summary", _("Summary")),
            *([entry("scorecard", _("Performance scorecard"))] if scorecard else []),
            entry("attention", _("For the board’s attention")),
            entry("plan", _("The plan by theme"), themes), entry("notes", _("Review notes, challenges and decisions")),
            entry("key", _("Key and abbreviations"))]


@dataclass
class Part:
    """A part that is a whole section (the summary; the notes and key)."""
    template: str
    context: dict


@dataclass
class RenderedPart:
    pdf: bytes
    pages: int
    bookmarks: list  # (level, label, page index, x, y), x and y in PDF points from the bottom left
    anchors: dict  # anchor name: (page index, x, y)
    carried_from: str = ""  # a flow's part whose last page was dropped: the first point on that page


class Flow:
    """A section that flows on from part to part as in one document: ``groups`` holds the items
    (rows) of each part, in order; each part but the last, and those whose end is a page's (``ends``),
    ends where its last full page does, and what would have been on its last page is carried over
    to begin the next part."""

    template = ""

    def __init__(self, groups: list[list], ends: set[int] = frozenset()):
        self.groups = groups
        self.ends = {*ends, len(groups) - 1}  # the parts that end their flow or a page: nothing is carried on

    def context(self, items) -> dict:
        """The template's context for a part of these items."""
        raise NotImplementedError

    def points(self, items) -> list[str]:
        """The ids of the places where a part of these items may end, in order."""
        raise NotImplementedError

    def rest(self, items, index: int) -> list:
        """What begins the next part when this one ends before ``points(items)[index]``."""
        raise NotImplementedError

    def join(self, carried: list, items: list) -> list:
        """The items carried over from the part before, then a part's own."""
        return [*carried, *items]


class AttentionFlow(Flow):
    template = "reports/pack/attention.html"

    def __init__(self, attention):
        super().__init__(cut_into_parts(attention, [entry.action.pk for entry in attention]))
        self.first = attention[0] if attention else None

    def context(self, entries):
        return {"attention_rows": entries, "attention_continued": bool(entries) and entries[0] is not self.first}

    def points(self, entries):
        return [f"attention-row-{entry.action.pk}" for entry in entries]

    def rest(self, entries, index):
        return entries[index:]


class PlanFlow(Flow):
    template = "reports/pack/plan.html"

    def __init__(self, sections):
        rows = [(section, row) for section in sections for row in section.rows or [None]]
        # every theme after the first begins a page (pack.css): a part is cut where a theme begins,
        # and a part that ends a theme carries nothing on
        starts = {number for number, (section, _row) in enumerate(rows)
                  if number and section is not rows[number - 1][0]}
        groups = cut_into_parts(rows, [row.action.pk if row else None for _section, row in rows], starts=starts)
        ends = {number for number, group in enumerate(groups[:-1]) if group[-1][0] is not groups[number + 1][0][0]}
        super().__init__([self._pieces(group, sections) for group in groups], ends)

    @staticmethod
    def _pieces(group, sections) -> list[Piece]:
        pieces = []
        for section, row in group:
            if pieces and pieces[-1].section is section:
                pieces[-1].rows.append(row)
                continue
            continued = row is not None and row is not section.rows[0]
            pieces.append(Piece(section, [row] if row else [], first=section is sections[0] and not continued,
                                continued=continued))
        return pieces

    def context(self, pieces):
        return {"plan_pieces": pieces}

    def points(self, pieces):
        names = []
        for piece in pieces:
            if not piece.continued:
                names.append(f"theme-{piece.section.theme.pk}")
            names += [f"plan-row-{row.action.pk}" for row in piece.rows]
        return names

    def rest(self, pieces, index):
        for number, piece in enumerate(pieces):
            if not piece.continued:
                if not index:  # at the theme's heading
                    return pieces[number:]
                index -= 1
            if index < len(piece.rows):  # at one of its rows: the rest of its table, without the heading
                return [Piece(piece.section, piece.rows[index:], continued=True), *pieces[number + 1:]]
            index -= len(piece.rows)
        raise IndexError("No such point")

    def join(self, carried, pieces):
        """A theme's rows carried over join its rows in the part's own pieces."""
        if carried and pieces and pieces[0].section is carried[-1].section:
            last = carried[-1]
            return [*carried[:-1], replace(last, rows=[*last.rows, *pieces[0].rows]), *pieces[1:]]
        return [*carried, *pieces]


def cut_into_parts(items: list, ids: list, *, starts=frozenset()) -> list[list]:
    """``items`` in parts of about ``PART_ROWS``, cut where the items themselves say rather than by
    counting: before an item whose id (its action's) hashes to 0 modulo half of ``PART_ROWS``, once
    the part holds that many, and at twice ``PART_ROWS`` at most; and before each item whose index
    is in ``starts`` (where a page begins anyway). So adding, removing or moving an item moves the
    cuts of its own part only, and the other parts stay the same (and stay stored). Always at
    least one part, if only an empty one."""
    least = max(PART_ROWS // 2, 1)
    parts, part = [], []
    for number, (item, item_id) in enumerate(zip(items, ids, strict=True)):
        if part and number in starts or len(part) >= 2 * PART_ROWS or (
                len(part) >= least and item_id is not None and _spread(item_id) % least == 0):
            parts.append(part)
            part = []
        part.append(item)
    parts.append(part)
    return parts


def _spread(item_id) -> int:
    return int.from_bytes(hashlib.blake2b(str(item_id).encode(), digest_size=4).digest(), "big")


def pack_parts(context) -> list[Part | Flow]:
    """The pack after its cover and contents: its sections, each starting on a new page."""
    scorecard = [Part("reports/pack/scorecard.html", {})] if context["measures"] else []
    return [Part("reports/pack/summary.html", {}), *scorecard, AttentionFlow(context["attention"]),
            PlanFlow(context["sections"]), Part("reports/pack/notes.html", {})]


def part_key(html: str, *, title: str, mode: str, language: str | None = None) -> str:
    """The key a rendered part is stored under: a digest of everything that decides its bytes.
    The HTML holds the data and what the templates made of it; the files it loads (stylesheets,
    fonts) and the renderer (WeasyPrint, the libraries it uses, this code) are digested
    separately; the title is written into the PDF; ``mode`` says how it is rendered; ``language``
    (the active one when not given) is the pack's, so that a part written in Welsh is never
    reused in an English pack, nor the other way round, even where their HTML is the same."""
    digest = hashlib.sha256()
    language = language or get_language() or settings.LANGUAGE_CODE
    for value in (renderer_fingerprint(), static_files_digest(html), title, mode, language, html):
        data = value.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data) + data)
    return digest.hexdigest()


def render_in_parts(context, *, title, store=None) -> tuple[bytes, int]:
    """Render the pack's parts, then its cover and contents, and join them: (pdf, pages).

    ``store`` (``StoredPackPart.objects``) keeps rendered parts by key: ``find(key)`` gives a
    stored ``RenderedPart`` or None, ``keep(key, part)`` stores one, ``forget(key)`` drops one found
    unfit. Without it every part is rendered. The cover and contents are always rendered: they
    hold the time the pack was produced."""
    def html(template, part_context):
        return render_to_string(PART_TEMPLATE, {**context, **part_context, "title": title, "part_template": template})

    def margins(layer, pages):
        return render_to_string(MARGINS_TEMPLATE, {**context, "title": title, "layer": layer, "pages": range(pages)})

    work = _Work(store, title)
    sections = []
    for section in pack_parts(context):
        if isinstance(section, Flow):
            sections.append(_FlowParts(section, html, work).parts)
        else:
            sections.append(work.part(html(section.template, section.context)))
    status = work.part(margins("status", 2), margins=True)
    work.finish()
    rendered = [part for parts in sections for part in parts if part.pages]
    front_pages = 2  # the cover, then the contents (each section starts a new page)
    for _attempt in range(3):
        anchors = _joined_anchors(rendered, first_page=front_pages)
        total = front_pages + sum(part.pages for part in rendered)
        numbers = work.part(margins("numbers", total), margins=True)
        work.start()
        pages = {name: index + 1 for name, (index, _x, _y) in anchors.items()}
        cover_html = html("reports/pack/cover.html", {"contents": contents(context["sections"], pages,
                                                                        scorecard=bool(context["measures"]))})
        front = render_part(cover_html, title, extra_anchors=tuple(anchors))
        work.finish()
        if front.pages == front_pages:
            break
        front_pages = front.pages
    else:
        raise RuntimeError("The contents' page numbers did not settle")
    logger.info("%s: %d parts reused, %d rendered", title, work.reused, work.rendered)
    return join_parts(front, rendered, status[0].pdf, numbers[0].pdf, anchors={**front.anchors, **anchors}), total


class _FlowParts:
    """The rendered parts of one flow (``parts``, in order; a part carried over whole has no
    pages), each found or rendered once the part before it says what it carries over."""

    def __init__(self, flow: Flow, html, work: "_Work"):
        self.flow, self.html, self.work = flow, html, work
        self.parts, self.carried = [], []
        self._next()

    def _next(self):
        while len(self.parts) < len(self.flow.groups):
            items = self.flow.join(self.carried, self.flow.groups[len(self.parts)])
            last = len(self.parts) in self.flow.ends
            points = self.flow.points(items)
            html = self.html(self.flow.template, self.flow.context(items))
            key = part_key(html, title=self.work.title, mode=f"{'last ' if last else ''}flow: {' '.join(points)}")
            part = self.work.stored(key, fits=lambda part, points=points: part.carried_from in ("", *points))
            if part is None:
                self.work.render(key, render_flowing_part, (html, self.work.title, points, last),
                                 then=partial(self._laid_out, items, points, go_on=True), first=True)
                return
            self._laid_out(items, points, part)

    def _laid_out(self, items, points, part, *, go_on=False):
        self.parts.append(part)
        self.carried = self.flow.rest(items, points.index(part.carried_from)) if part.carried_from else []
        if go_on:
            self._next()


class _Work:
    """The parts of one pack: each looked up in the store first; the others rendered in the worker
    processes, as many at once as there are (or here, one by one), the flows' parts first as each
    waits on the one before it."""

    def __init__(self, store, title: str):
        self.store, self.title = store, title
        self.pool = _worker_pool()
        self.width = settings.PACK_RENDER_PROCESSES if self.pool else 1
        self.queue, self.running, self.order = [], {}, itertools.count()
        self.reused = self.rendered = 0

    def stored(self, key: str, fits=lambda part: True) -> RenderedPart | None:
        part = self.store.find(key) if self.store is not None else None
        if part is not None and not fits(part):
            self.store.forget(key)
            part = None
        self.reused += part is not None
        return part

    def part(self, html: str, *, margins=False) -> list:
        """A part that does not flow on (or a layer of the margins): a list that holds it once it
        is found or rendered."""
        key, found = part_key(html, title=self.title, mode="margins" if margins else "part"), []
        part = self.stored(key)
        if part is not None:
            found.append(part)
        else:
            function, args = (render_margins, (html,)) if margins else (render_part, (html, self.title))
            self.render(key, function, args, then=found.append)
        return found

    def render(self, key, function, args, *, then, first=False):
        """Render a part (the flows' parts ``first``, then the longest first), and pass it to
        ``then``."""
        priority = (0, 0) if first else (1, -len(args[0]))
        heapq.heappush(self.queue, (priority, next(self.order), key, function, args, then))

    def start(self):
        while self.queue and len(self.running) < self.width:
            _priority, _order, key, function, args, then = heapq.heappop(self.queue)
            future = self.pool.submit(function, *args) if self.pool else _here(function, args)
            self.running[future] = (key, then)

    def finish(self):
        try:
            while self.queue or self.running:
                self.start()
                done, _running = wait(self.running, return_when=FIRST_COMPLETED)
                for future in done:
                    key, then = self.running.pop(future)
                    part = future.result()
                    self.rendered += 1
                    if self.store is not None:
                        self.store.keep(key, part)
                    then(part)
        except BrokenProcessPool as error:
            stop_workers()  # a worker died (out of memory, killed): the retry starts new ones
            message = _("A process rendering part of the pack stopped before it finished, perhaps for lack of "
                        "memory. Try again; if it fails again, set PACK_RENDER_PROCESSES=1.")
            raise RuntimeError(message) from error


def _here(function, args) -> Future:
    """Call ``function`` in this process, as a finished future."""
    future = Future()
    try:
        future.set_result(function(*args))
    except Exception as error:  # noqa: BLE001 (raised again by future.result())
        future.set_exception(error)
    return future


def render_flowing_part(html: str, title: str, points: list[str], last: bool) -> RenderedPart:
    """Lay out and write one part of a flow. Unless it is ``last`` (it ends the flow, or ends where a
    page begins anyway), its last page is dropped when it holds one of ``points`` (the places, in
    order, where the part may end) other than the first, and ``carried_from`` names the first on
    it: from there the next part begins. A part of one page is carried over whole, and none of it
    written."""
    document = render_document(html)
    if not last and points:
        if len(document.pages) == 1:
            return RenderedPart(b"", 0, [], {}, carried_from=points[0])
        on_last_page = document.pages[-1].anchors
        first = next((index for index, name in enumerate(points) if name in on_last_page), 0)
        if first:
            part = _written(document.copy(document.pages[:-1]), title)
            part.carried_from = points[first]
            return part
    return _written(document, title)


def render_margins(html: str) -> RenderedPart:
    """A layer of the margins: untagged, as it is drawn over the pack's pages as an artifact."""
    document = render_document(html)
    return RenderedPart(document.write_pdf(), len(document.pages), [], {})


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
            if not name.startswith(ROW_ANCHORS):
                anchors.setdefault(name, (index, x * POINTS_PER_PX, (page.height - y) * POINTS_PER_PX))
    first_page_anchors = document.pages[0].anchors
    for name in extra_anchors:
        first_page_anchors.setdefault(name, (0, 0, 0, 0))
    return RenderedPart(write_document(document, title=title), len(document.pages), bookmarks, anchors)


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


def join_parts(front: RenderedPart, parts: list[RenderedPart], status_pdf: bytes, numbers_pdf: bytes, *,
               anchors: dict) -> bytes:
    """One tagged PDF from the front part (whose catalogue, metadata and language it keeps) and
    the other parts, with the margins' two layers drawn over them and ``anchors`` (name: joined
    page index, x, y) as named destinations. The same parts give the same bytes: the file's
    identifier is a digest of its content, not of the time."""
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

    _draw_margins(joined, pikepdf.open(io.BytesIO(status_pdf)), pikepdf.open(io.BytesIO(numbers_pdf)), sources)
    _write_bookmarks(joined, bookmarks)
    destinations = pikepdf.NameTree.new(joined)
    for name, (index, x, y) in sorted(anchors.items()):
        destinations[name] = pikepdf.Array([joined.pages[index].obj, pikepdf.Name.XYZ, x, y, 0])
    if "/Names" not in joined.Root:
        joined.Root.Names = pikepdf.Dictionary()
    joined.Root.Names.Dests = destinations.obj
    output = io.BytesIO()
    joined.save(output, deterministic_id=True)
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


def _draw_margins(joined, status, numbers, sources):
    """Draw the margins over each page, as a pagination artifact: the status layer's first page
    over the first page and its second over every other (one form, shared), and the page's number.
    (Each form has a name of its own: the pages of a part may share one resource dictionary.)"""
    import pikepdf

    sources += [status, numbers]
    status_forms = [joined.copy_foreign(page.as_form_xobject()) for page in status.pages]
    for index, (page, numbers_page) in enumerate(zip(joined.pages, numbers.pages, strict=True)):
        status_name = pikepdf.Name("/MarginsStatusFirst" if index == 0 else "/MarginsStatus")
        number_name = pikepdf.Name(f"/MarginsPage{index + 1}")
        page.add_resource(status_forms[min(index, 1)], pikepdf.Name.XObject, status_name)
        page.add_resource(joined.copy_foreign(numbers_page.as_form_xobject()), pikepdf.Name.XObject, number_name)
        page.contents_add(pikepdf.Stream(joined, b"q\n"), prepend=True)
        drawn = b"q %s Do Q q %s Do Q" % (bytes(str(status_name), "ascii"), bytes(str(number_name), "ascii"))
        page.contents_add(pikepdf.Stream(joined, b"\nQ\n/Artifact <</Type /Pagination>> BDC %s EMC\n" % drawn))


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
