"""Shortening text for places with little room (email lines, table cells, option labels)."""

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
