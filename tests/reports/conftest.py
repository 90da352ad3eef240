import datetime
import io

import pikepdf
import pytest
from pypdf import PdfReader

from boards.models import Meeting, UpdateRound
from improvement.models import Theme
from reports import pdfparts
from tests.conftest import PERIOD, make_action, status


@pytest.fixture
def pack_meeting(plan, theme, board, lead, lead_post, scheme, manager, recommendation):
    """A meeting on a small plan: one red action with a note, one with no update."""
    round_ = UpdateRound.objects.create(plan=plan, period=PERIOD, deadline=datetime.date(2012, 12, 10))
    red = make_action(theme, "1.1", leads=[lead_post], description="Review multi-agency thresholds")
    red.recommendations.add(recommendation)
    red.record_update(status=status(scheme, "G"), note="November note", by=lead, period=datetime.date(2012, 11, 1))
    red.record_update(status=status(scheme, "R"), note="Recruitment to the LADO post has stalled", by=lead)
    make_action(theme, "1.2", leads=[lead_post], description="Audit core groups")
    return Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2012, 12, 17))


@pytest.fixture
def long_pack(pack_meeting, plan, theme, scheme, lead, monkeypatch):
    """The pack meeting's plan with 9 more actions over three themes (one empty), rendered in
    parts small enough that themes are grouped, split and continued."""
    monkeypatch.setattr(pdfparts, "ONE_DOCUMENT_ACTIONS", 4)
    monkeypatch.setattr(pdfparts, "PART_ROWS", 4)
    second = Theme.objects.create(plan=plan, code="2", title="Early help", position=2)
    Theme.objects.create(plan=plan, code="3", title="Theme without actions", position=3)
    for number in range(3, 8):
        action = make_action(theme, f"1.{number}", description=f"Action 1.{number} " + "words " * 60)
        action.record_update(status=status(scheme, "A"), note=f"Note for 1.{number}", by=lead)
    for number in range(1, 5):
        make_action(second, f"2.{number}", description=f"Action 2.{number}")
    return pack_meeting


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


def marked_text(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    """The text shown inside each marked-content sequence, by (page index, MCID)."""
    found = {}
    for index, page in enumerate(pdf.pages):
        marks = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name == "BDC":
                properties = operands[1]
                mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                marks.append(None if mcid is None else int(mcid))
                if mcid is not None:
                    found.setdefault((index, int(mcid)), "")
            elif name == "BMC":
                marks.append(None)
            elif name == "EMC" and marks:
                marks.pop()
            elif name in TEXT_OPERATORS:
                mcid = next((mark for mark in reversed(marks) if mark is not None), None)
                if mcid is not None:
                    shown = operands[-1]
                    strings = shown if isinstance(shown, pikepdf.Array) else [shown]
                    found[(index, mcid)] += "".join(
                        bytes(item).hex() for item in strings if isinstance(item, pikepdf.String))
    return found


def empty_spans(data: bytes) -> list[str]:
    """Span structure elements with no text anywhere under them, as "page N: path"."""
    pdf = pikepdf.open(io.BytesIO(data))
    text = marked_text(pdf)
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    empty = []

    def kids(element):
        kid = element.get("/K")
        return [] if kid is None else list(kid) if isinstance(kid, pikepdf.Array) else [kid]

    def has_text(element, page, path):
        if "/Pg" in element:
            page = pages[element.Pg.objgen]
        shown = False
        for kid in kids(element):
            if isinstance(kid, int):
                shown |= bool(text.get((page, int(kid))))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                shown |= bool(text.get((pages[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID))))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                shown |= has_text(kid, page, [*path, str(kid.S).lstrip("/")])
        if element.get("/S") == "/Span" and not shown:
            empty.append(f"page {page + 1}: {'/'.join(path)}")
        return shown

    has_text(pdf.Root.StructTreeRoot, None, [])
    return empty
