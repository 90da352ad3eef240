"""Shortening text at a word (improvement/lib/text.py)."""

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from improvement.lib.text import shorten


def test_text_that_fits_is_left_whole_on_one_line():
    assert shorten("Review the  threshold\ndocument", 30) == "Review the threshold document"


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("Review the threshold document with partners", 20, "Review the…"),
    ("Review the threshold document", 21, "Review the threshold…"),
    ("Review, then publish", 12, "Review…"),
    ("Supercalifragilistic", 10, "Supercali…"),
])
def test_longer_text_is_cut_after_the_last_whole_word_that_fits(text, limit, expected):
    assert shorten(text, limit) == expected


@given(st.text(alphabet=st.sampled_from("ab ,.\n"), max_size=60), st.integers(min_value=2, max_value=40))
@hypothesis_settings(max_examples=300, deadline=None)
def test_shortened_text_fits_and_ends_at_a_word_or_is_whole(text, limit):
    one_line = " ".join(text.split())
    shown = shorten(text, limit)
    assert len(shown) <= limit
    if shown != one_line:
        kept = shown.removesuffix("…")
        assert shown.endswith("…") and one_line.startswith(kept)
        assert " " not in one_line[:limit] or one_line[len(kept)] in " ,.;:–-"
