"""The payload fields docs/webhooks.md lists for each event, read from its tables."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def _sections() -> dict[str, list[str]]:
    text = DOC.read_text().split("## What each event carries", 1)[1]
    sections, name = {}, None
    for line in text.splitlines():
        if heading := re.match(r"^### (?:`([a-z_.]+)`|(Every event))$", line):
            name = heading.group(1) or "every"
            sections[name] = []
        elif name and line.startswith("| `"):
            first_cell = line.split("|")[1]
            sections[name].extend(re.findall(r"`([a-z_.]+)`", first_cell))
    return sections


SAME_AS = {"status.red": ["update.recorded"], "challenge.answered": ["challenge.posted"],
           "round.closing_soon": ["round.opened"]}


def documented_fields(event: str) -> list[str]:
    sections = _sections()
    fields = set(sections["every"]) | set(sections.get(event, []))
    for other in SAME_AS.get(event, []):
        fields |= set(sections[other])
    return sorted(fields)
