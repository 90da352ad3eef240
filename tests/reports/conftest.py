import datetime
import io

import pytest
from pypdf import PdfReader

from boards.models import Meeting, UpdateRound
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


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
