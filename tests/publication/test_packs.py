"""Drift reaches the next board pack's key."""

import datetime

from boards.models import Meeting, UpdateRound
from reports.packs import pack_context
from tests.conftest import status


def test_the_board_packs_key_says_which_summaries_changed_since_published(plan, theme, action, lead, scheme, board,
                                                                         published):
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=datetime.date(2012, 12, 10))
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2012, 12, 17))
    assert pack_context(meeting)["key_notes"] == []
    action.record_update(status=status(scheme, "R"), note="Stalled", by=lead)
    [note] = pack_context(meeting)["key_notes"]
    assert note.startswith("Changed since published") and "Working with partners" in note


def test_no_note_while_the_plan_is_not_published(plan, theme, action, lead, scheme, board, published, pub_settings):
    pub_settings.is_published = False
    pub_settings.save()
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=datetime.date(2012, 12, 10))
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2012, 12, 17))
    action.record_update(status=status(scheme, "R"), note="Stalled", by=lead)
    assert pack_context(meeting)["key_notes"] == []
