"""Control characters in text people paste.

Word's manual line break is a vertical tab, and a page break a form feed; text copied from other
systems brings carriage returns, stray C0 and C1 control characters and, now and then, half of a
character (a lone surrogate). None of them means anything in a note, and several break what is
made from the note later: openpyxl refuses to write a workbook that holds one, and a lone
surrogate cannot be encoded as UTF-8 at all. Since an update is never changed once written, such
a note would break its period's exports for good, so text is normalised before it is stored.

Also: shortening text for places with little room (``shorten``), at a word with an ellipsis.
"""

import re

# Anything normalise_text() changes: CR, VT and FF (line breaks), other C0 controls but tab and
# line feed, DEL, C1 controls and surrogates.
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c]")
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def normalise_text(value: str) -> str:
    """``value`` with tab and line feed kept; CR LF, CR, vertical tab and form feed made line feeds;
    every other control character (C0, DEL, C1) and any lone surrogate dropped; all else kept."""
    if _UNCLEAN.search(value) is None:
        return value
    return _DROPPED.sub("", _LINE_BREAKS.sub("\n", value))


# Shortening text for places with little room (email lines, table cells, option labels).
ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, whole if it fits in ``limit`` characters, else cut after the last
    whole word that fits, with an ellipsis (the result, ellipsis included, fits in ``limit``).
    Only a single word longer than the limit is cut inside the word."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    room = text[:limit - len(ELLIPSIS) + 1]  # one more character: is the cut at a word's end?
    words = room.rsplit(" ", 1)
    kept = words[0] if len(words) == 2 else room[:-1]
    return kept.rstrip(" ,;:.–-") + ELLIPSIS
