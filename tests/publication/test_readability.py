"""The reading age shown to writers: Flesch reading ease and Flesch-Kincaid grade, by hand."""

import pytest

from publication.readability import TARGET_READING_AGE, score, syllables


@pytest.mark.parametrize(("word", "count"), [("cat", 1), ("children", 2), ("social", 2), ("improvement", 3),
                                             ("families", 3), ("the", 1), ("done", 1), ("organisation", 5),
                                             ("carefully", 3)])
def test_syllables_are_counted_as_the_usual_heuristic_does(word, count):
    assert syllables(word) == count


def test_the_scores_follow_the_formulas():
    result = score("The cat sat on the mat. The dog ran.")
    assert (result.words, result.sentences, result.syllables) == (9, 2, 9)
    assert result.reading_ease == pytest.approx(206.835 - 1.015 * 4.5 - 84.6 * 1.0)
    assert result.grade == pytest.approx(0.39 * 4.5 + 11.8 * 1.0 - 15.59)
    assert result.reading_age == 5  # never below 5


def test_plain_english_is_within_the_target_and_jargon_is_not():
    plain = score("We have more social workers now. They see children sooner. Families get help faster.")
    jargon = score("The implementation of comprehensive multi-agency safeguarding arrangements necessitates "
                   "considerable organisational transformation across partnership structures.")
    assert plain.is_within_target and plain.reading_age <= TARGET_READING_AGE
    assert not jargon.is_within_target and jargon.reading_age > 20


def test_no_words_no_score():
    assert score("") is None and score("   ...  ") is None
