"""Control characters pasted into text (Word's line break is a vertical tab) are normalised
before anything is stored, whoever writes it: forms, the admin, the import, record_update()."""

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings

from boards.models import ReviewNote
from improvement.importing import run
from improvement.lib.text import normalise_text
from improvement.models import Action, Update
from tests.conftest import ANY_TEXT, status


@pytest.mark.parametrize(("typed", "stored"), [
    ("First line\x0bsecond line", "First line\nsecond line"),  # Word's manual line break
    ("Page one\x0cpage two", "Page one\npage two"),
    ("Windows\r\nline\rends", "Windows\nline\nends"),
    ("Tab\tand\nline feed stay", "Tab\tand\nline feed stay"),
    ("Nul\x00 bell\x07 escape\x1b del\x7f", "Nul bell escape del"),
    ("C1\x80 controls\x85 go\x9f", "C1 controls go"),
    ("Half a character \ud83d goes", "Half a character  goes"),
    ("Ysgol Gymraeg ŵŷ – “quoted” 😀 ＝", "Ysgol Gymraeg ŵŷ – “quoted” 😀 ＝"),
])
def test_normalising_keeps_text_and_line_breaks_and_drops_control_characters(typed, stored):
    assert normalise_text(typed) == stored


@given(ANY_TEXT)
@hypothesis_settings(max_examples=300, deadline=None)
def test_normalised_text_has_no_control_character_and_keeps_every_other_character(text):
    normal = normalise_text(text)
    assert not any(ord(c) < 0x20 and c not in "\t\n" or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
                   for c in normal)
    normal.encode("utf-8")
    kept = [c for c in text if c not in "\r\x0b\x0c\n" and normalise_text(c) == c]
    assert [c for c in normal if c != "\n"] == kept
    assert normalise_text(normal) == normal


def test_saving_an_action_stores_its_text_normalised(theme):
    action = Action.objects.create(plan=theme.plan, theme=theme, number="2.1",
                                   description="Audit\x0bcore groups\x00", measures="Fewer\r\nrepeat plans")
    action.refresh_from_db()
    assert (action.description, action.measures) == ("Audit\ncore groups", "Fewer\nrepeat plans")
    assert action.history.first().description == "Audit\ncore groups"


def test_record_update_stores_the_note_normalised(action, lead, scheme):
    update = action.record_update(status=status(scheme, "G"), note="Done\x0bnext step\x1b", by=lead)
    assert Update.objects.get(pk=update.pk).note == "Done\nnext step"


def test_a_note_of_control_characters_alone_cannot_complete_an_action(action, lead, scheme):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="needs a review note"):
        action.record_update(status=status(scheme, "B"), note="\x01\x02", by=lead)


def test_board_models_are_normalised_too(meeting, chair, action):
    note = ReviewNote.objects.create(meeting=meeting, action=action, author=chair, kind="challenge",
                                     text="Why\x0bnow?")
    note.refresh_from_db()
    assert note.text == "Why\nnow?"


def test_an_imported_plan_is_stored_normalised(plan):
    csv = (b"Action No.,Action,Lead Person(s),Review note for this period,RAG\r\n"
           b'5.1,"Audit\x0bcore groups",Head of Service,"Line one\x0bline two\x7f",G\r\n')
    _mapping, result, _counts = run("plan.csv", csv, plan, {}, by=None)
    assert not result.blocking, result.blocking
    action = Action.objects.get(plan=plan, number="5.1")
    assert action.description == "Audit\ncore groups"
    assert action.updates.get().note == "Line one\nline two"


def test_loading_a_fixture_stores_what_it_is_given(theme):
    from improvement.signals import normalise_text_fields

    action = Action(plan=theme.plan, theme=theme, number="2.2", description="As\x0bgiven",
                    due_date=datetime.date(2013, 1, 1))
    normalise_text_fields(Action, action, raw=True)
    assert action.description == "As\x0bgiven"


def test_every_workbook_is_written_by_the_shared_safe_writer():
    """Exports stay safe for any stored text only while they all write through safe_cell()."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # Word boundaries: a model named WorkbookUpload is not openpyxl's Workbook.
    made_here = re.compile(r"\bWorkbook\(|\bimport Workbook\b")
    writers = [str(path.relative_to(root)) for folder in ("improvement", "boards", "reports", "scripts")
               for path in (root / folder).rglob("*.py") if made_here.search(path.read_text(encoding="utf-8"))]
    assert writers == ["improvement/lib/spreadsheets.py"]
