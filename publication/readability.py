"""How hard a text is to read: the Flesch reading ease and the Flesch-Kincaid grade, and the
reading age that follows (grade + 5, the age of a child in that US school grade).

Written here rather than taken from a library so that the formula is in plain sight and nothing
is downloaded at run time. Syllables are counted by the usual English heuristic (groups of
vowels, less a silent final "e", at least one a word); it is an estimate, as every such score
is. Plain English guidance (GOV.UK, the Plain English Campaign) aims at a reading age of 9 for
the public; ``TARGET_READING_AGE`` is the most this product asks of a public summary.
"""

import re
from dataclasses import dataclass

TARGET_READING_AGE = 12
IDEAL_READING_AGE = 9

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n\s*[-*•]\s")
_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    word = word.lower().replace("’", "'").split("'")[0]
    if not word:
        return 0
    if len(word) <= 3:
        return 1
    word = re.sub(r"([^aeiouy])e(ment|ful|less|ness|ly)", r"\1\2", word)  # improvement, careful: a silent e
    trimmed = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", "", word)
    trimmed = re.sub(r"^y", "", trimmed)
    count = len(_VOWELS.findall(trimmed))
    return max(1, count)


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def reading_ease(self) -> float:
        """Flesch reading ease: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word
        (higher is easier; 60 to 70 is plain English)."""
        return 206.835 - 1.015 * (self.words / self.sentences) - 84.6 * (self.syllables / self.words)

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade: 0.39 × words per sentence + 11.8 × syllables per word − 15.59."""
        return 0.39 * (self.words / self.sentences) + 11.8 * (self.syllables / self.words) - 15.59

    @property
    def reading_age(self) -> int:
        return max(5, round(self.grade + 5))

    @property
    def is_within_target(self) -> bool:
        return self.reading_age <= TARGET_READING_AGE


def score(text: str) -> Readability | None:
    """The text's counts, or None when it has no words."""
    words = _WORD.findall(text or "")
    if not words:
        return None
    sentences = max(1, len([part for part in _SENTENCE_END.split(text.strip()) if _WORD.search(part)]))
    return Readability(words=len(words), sentences=sentences, syllables=sum(syllables(word) for word in words))
