"""Turn the sheets of a council's plan into a preview of what will change, then apply it.

``preview(sheets, plan, mapping)`` reads every row and writes nothing; ``apply(result, plan,
by)`` writes everything in one transaction or nothing. Re-importing the same file changes
nothing: actions are matched by number and only fields that differ are updated; the RAG
history is only ever appended to.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from ..models import (
    Action,
    Milestone,
    Objective,
    Post,
    Recommendation,
    ReportedAction,
    Source,
    Theme,
    Update,
    UpdateEntry,
    number_sort_key,
    record_updates,
)
from ..versioning import StaleEdit, claim
from .parsers import clean_text, find_dates, parse_date, parse_section_heading, parse_status, read_timescale
from .readers import HEADER_AREA_ROWS, Sheet

# What a column can hold, with the label shown on the mapping page.
FIELDS = {
    "number": gettext_lazy("Action number"),
    "description": gettext_lazy("Action"),
    "recommendation": gettext_lazy("Recommendation (area for development)"),
    "recommendation_action": gettext_lazy("Recommendation, which is also the action"),
    "references": gettext_lazy("References (recommendations answered)"),
    "theme": gettext_lazy("Theme"),
    "theme_code": gettext_lazy("Theme code"),
    "objective": gettext_lazy("Objective"),
    "objective_code": gettext_lazy("Objective code"),
    "leads": gettext_lazy("Lead person(s) or post(s)"),
    "lead_agency": gettext_lazy("Lead agency"),
    "timescale": gettext_lazy("Timescale"),
    "measures": gettext_lazy("Measures of success"),
    "cost": gettext_lazy("Cost"),
    "note": gettext_lazy("Review note for this period"),
    "status": gettext_lazy("RAG status"),
    "achieved": gettext_lazy("Achieved (tick or yes): the plan's complete status"),
    "on_target": gettext_lazy("On target to achieve (tick or yes): the plan's on-target status"),
    "not_on_target": gettext_lazy("Not on target (tick or yes): the plan's not-on-target status"),
    "revised_date": gettext_lazy("Expected new achievement date"),
    "revised_date_reason": gettext_lazy("Reason for the new date"),
    "ofsted": gettext_lazy("Ofsted (yes or no)"),
    "ignore": gettext_lazy("Do not import"),
}

# Columns that each say one status by a tick, a cross or "Yes" (Southampton's "Achieved (tick)").
TICK_FIELDS = ("achieved", "on_target", "not_on_target")

# The headings councils actually use, normalised (lower case, letters and digits only).
HEADINGS = {
    "number": ["action no", "action number", "action ref", "no", "ref", "number", "ref no", "action no.", "ref number",
               "reference number", "item", "item no", "id", "action id", "rec no", "recommendation no",
               "recommendation number"],
    "description": ["action", "actions", "activity to be delivered", "activity", "activities", "objective text",
                    "what we will do", "what will we do", "action to be taken", "actions to be taken", "key actions",
                    "key action", "action required", "actions required", "improvement action", "improvement actions",
                    "task", "tasks", "how we will do it", "what are we going to do", "planned action"],
    "recommendation": ["area for development", "area for development ofsted report", "recommendation",
                       "recommendations", "ofsted recommendation", "ofsted recommendations", "requirement",
                       "areas for development", "area for improvement", "areas for improvement",
                       "what needs to improve", "inspection recommendation", "recommendation from ofsted"],
    "references": ["reference to", "references", "reference", "refs", "linked recommendations", "source", "sources",
                   "linked to", "link to recommendation", "ofsted reference", "report reference", "report ref"],
    "theme": ["theme", "priority", "improvement theme", "priority theme", "priority area", "workstream", "strand",
              "section"],
    "theme_code": ["theme code"],
    "objective": ["objective", "objectives", "strategic objective", "outcome we want"],
    "objective_code": ["objective code"],
    "leads": ["lead person s", "lead s", "lead persons", "lead person", "lead", "leads", "lead officer",
              "responsible officer", "responsible officers", "owner", "lead post", "lead officer s", "lead officers",
              "action owner", "responsible", "responsibility", "who", "accountable officer", "lead manager",
              "responsible lead", "who is responsible", "by whom"],
    "lead_agency": ["lead agency", "agency", "lead organisation", "organisation", "partner", "lead partner"],
    "timescale": ["timescale", "timescales", "due date", "deadline", "target date", "by when", "completion date",
                  "timeframe", "when", "date for completion", "target completion date", "due by", "target timescale"],
    "measures": ["outcome measure", "outcome measures", "measures", "measure", "measures of success",
                 "success criteria", "success measures", "evidence", "evidence of impact", "how will we know",
                 "how we will know", "impact", "expected impact", "expected outcome", "what will success look like"],
    "cost": ["cost if app", "cost", "costs", "resources", "resource implications", "resources required"],
    "note": ["update on progress", "review note for this period", "review note", "progress", "progress update",
             "update", "comments", "commentary", "progress to date", "narrative", "progress comments",
             "latest update", "progress made"],
    "status": ["rag", "rag status", "status", "r a g", "rag rating", "current rag", "rating", "rag rating current",
               "overall rag", "progress rag", "rag progress"],
    "achieved": ["achieved", "completed", "complete", "done", "achieved yes no"],
    "on_target": ["on target to achieve", "on target", "on track", "on track to achieve"],
    "not_on_target": ["not on target", "not on target to achieve", "off target", "not on track", "off track"],
    "revised_date": ["give expected new achievement date", "expected new achievement date", "revised date",
                     "new date", "revised due date", "revised timescale", "new target date", "revised target date"],
    "revised_date_reason": ["reason for new date", "reason for the new date", "reason for revised date",
                            "reason for delay", "reason for change of date"],
    "ofsted": ["ofsted", "ofsted action", "ofsted requirement"],
}
_HEADING_INDEX = {heading: name for name, headings in HEADINGS.items() for heading in headings}
# What a heading may end with that says how to fill the column, not what it holds: "Achieved
# (tick)", "On target? (Y/N)", "Completed (yes/no)".
_HEADING_SUFFIX = re.compile(r"\s+(?:please\s+)?(?:tick(?:\s+(?:box|one|if\s+\w+))?|y\s*n|yes\s*no|yes\s+or\s+no|x)$")
# When no column says "Action", the main description column is the action, in this order:
# objectives (Wiltshire), recommendations (which are then the recommendations answered too),
# then the words plans use for the thing to fix.
MAIN_TEXT_HEADINGS = ["target", "targets", "issue", "issues", "issue identified", "area of concern", "concern",
                      "improvement required", "improvement needed", "what needs to change", "priority action",
                      "development area", "finding", "findings", "description"]

SOURCE_KINDS = {"in": Source.Kind.IMPROVEMENT_NOTICE, "ois": Source.Kind.OFSTED_INSPECTION,
                "ofsted": Source.Kind.OFSTED_INSPECTION, "pr": Source.Kind.PEER_REVIEW}


def normalise(heading: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", heading.lower()).split())


def propose(heading: str) -> str | None:
    """The field a heading names, or None; instructions such as "(tick)" or "(Y/N)" after a
    heading do not change what it names."""
    text = normalise(heading)
    if text in _HEADING_INDEX:
        return _HEADING_INDEX[text]
    while (shorter := _HEADING_SUFFIX.sub("", text)) != text:
        text = shorter
        if text in _HEADING_INDEX:
            return _HEADING_INDEX[text]
    return None


# Numbers as councils write them: "1", "2 (i)", "4 (xxxv)", "1.2a", "IP3.1", "PA3", "CLA 1.4".
_NUMBER_LIKE = re.compile(r"(?:[A-Za-z]{1,4}\s?)?[0-9]+(?:\.[0-9]+)*[a-z]?(?:\s*\((?:[ivxlcdm]+|[a-z]|[0-9]+)\))?\.?",
                          re.IGNORECASE)


def looks_like_number(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= 15 and bool(_NUMBER_LIKE.fullmatch(text))


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None
    message: str
    blocking: bool = False

    def __str__(self):
        where = [_("sheet “%(sheet)s”") % {"sheet": self.sheet}]
        if self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return _("%(where)s: %(message)s") % {"where": ", ".join(where), "message": self.message}


@dataclass
class Row:
    """One action as read from the file."""

    sheet: str
    row: int
    number: str
    fields: dict
    theme: tuple[str, str]  # (code, title)
    objective: tuple[str, str] | None
    recommendation: tuple[str, str, str] | None  # (reference, text, urgency)
    references: list[tuple[str, str]]  # (source key, reference or "")
    leads: list[str]
    status: object = None
    note: str = ""
    revised_date: object = None
    milestones: list = field(default_factory=list)
    status_source: str = ""  # where the status came from, e.g. "column “RAG” (text “A”)"
    timescale_reading: str = ""  # how the timescale was read, e.g. "no due date: recurrence (kept as written)"
    revised_date_reason: str = ""


@dataclass
class Change:
    row: Row
    action: Action | None  # the existing action, when matched by number
    changed: dict  # field -> (old, new)
    new_update: bool  # a status update will be recorded
    leads: list = field(default_factory=list)  # (post title, is new, kept as one though it reads like a list)
    reason: str = ""  # the reason recorded with a revised date, and where it came from
    read: tuple | None = None  # the matched action as previewed: (version, last status update time)
    notes: list = field(default_factory=list)  # what will not be written for this row, and why

    @property
    def changes_shown(self) -> list[tuple[str, object, object]]:
        """(label, old, new) of each changed field, as the preview shows them."""
        return [(CHANGED_LABELS.get(name, name), old, new) for name, (old, new) in self.changed.items()]


CHANGED_LABELS = {"description": gettext_lazy("Action"), "measures": gettext_lazy("Measures"),
                  "cost": gettext_lazy("Cost"), "lead_agency": gettext_lazy("Lead agency"),
                  "timescale": gettext_lazy("Timescale"), "due_date": gettext_lazy("Due date"),
                  "leads": gettext_lazy("Leads")}


@dataclass
class Result:
    headers: dict  # sheet name -> list of header texts
    mapping: dict  # header text -> field
    rows: list[Row]
    problems: list[Problem]
    changes: list[Change] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    new_recommendations: list[str] = field(default_factory=list)
    new_posts: list[str] = field(default_factory=list)
    # [(column heading, what it says)] for the columns that give statuses (see status_columns).
    status_columns: list[tuple[str, str]] = field(default_factory=list)

    @property
    def blocking(self):
        return [p for p in self.problems if p.blocking]

    @property
    def created(self):
        return [c for c in self.changes if c.action is None]

    @property
    def updated(self):
        """Existing actions with at least one field changed."""
        return [c for c in self.changes if c.action is not None and c.changed]

    @property
    def unchanged(self):
        """Existing actions whose fields stay as they are (a status update may still be recorded)."""
        return [c for c in self.changes if c.action is not None and not c.changed]

    @property
    def counts(self) -> dict:
        """What confirming will write, counted as ``apply()`` counts what it wrote: the summary, the
        button and the result message all show these numbers."""
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged),
                "updates": sum(1 for c in self.changes if c.new_update), "themes": len(self.new_themes),
                "recommendations": len(self.new_recommendations), "posts": len(self.new_posts)}

    @property
    def button(self) -> str:
        return confirm_label(self.counts)

    def read_versions(self) -> dict:
        """{action id: (version, last status update)} of the matched actions as previewed, for the
        confirm form to carry back (see ``apply(expected=...)``)."""
        return {c.action.pk: c.read for c in self.changes if c.action is not None}


def _counted(text: str, n: int) -> str:
    """``text`` (an ngettext of n) with its count filled in."""
    return text % {"count": n}


def _new_things(key: str, n: int) -> str:
    """"2 new themes", "1 new recommendation", "3 new posts"."""
    if key == "themes":
        return _counted(ngettext("%(count)s new theme", "%(count)s new themes", n), n)
    if key == "recommendations":
        return _counted(ngettext("%(count)s new recommendation", "%(count)s new recommendations", n), n)
    return _counted(ngettext("%(count)s new post", "%(count)s new posts", n), n)


def confirm_label(counts: dict) -> str:
    """"Import: create 3 actions, change 1, record 2 status updates" (what confirming does)."""
    parts = []
    if created := counts.get("created"):
        parts.append(_counted(ngettext("create %(count)s action", "create %(count)s actions", created), created))
    if updated := counts.get("updated"):
        parts.append(_("change %(count)s") % {"count": updated} if parts else
                     _counted(ngettext("change %(count)s action", "change %(count)s actions", updated), updated))
    if updates := counts.get("updates"):
        parts.append(_counted(ngettext("record %(count)s status update", "record %(count)s status updates", updates),
                              updates))
    if not parts:
        if n := counts.get("themes"):
            parts.append(_counted(ngettext("add %(count)s new theme", "add %(count)s new themes", n), n))
        elif n := counts.get("recommendations"):
            parts.append(_counted(ngettext("add %(count)s new recommendation", "add %(count)s new recommendations",
                                           n), n))
        elif n := counts.get("posts"):
            parts.append(_counted(ngettext("add %(count)s new post", "add %(count)s new posts", n), n))
    return _("Import: %(what)s") % {"what": ", ".join(parts)} if parts else ""


def done_message(counts: dict) -> str:
    """The result of a confirmed import, with the same counts the preview and its button showed."""
    created, updates = counts.get("created", 0), counts.get("updates", 0)
    text = _("%(created)s, %(updated)s changed, %(unchanged)s unchanged, %(updates)s") % {
        "created": _counted(ngettext("%(count)s action created", "%(count)s actions created", created), created),
        "updated": counts.get("updated", 0), "unchanged": counts.get("unchanged", 0),
        "updates": _counted(ngettext("%(count)s status update recorded", "%(count)s status updates recorded", updates),
                            updates)}
    extra = [_new_things(key, counts[key]) for key in ("themes", "recommendations", "posts") if counts.get(key)]
    return text + ("; " + ", ".join(extra) if extra else "") + "."


class StaleImport(Exception):
    """An action changed between the preview and the confirm: nothing is written."""


def find_header(sheet: Sheet, mapping: dict | None) -> int | None:
    """Index of the header row: the first of the first 15 rows with two or more known headings."""
    known = {normalise(k) for k in (mapping or {})}
    for index, row in enumerate(sheet.rows[:HEADER_AREA_ROWS]):
        hits = sum(1 for cell in row if cell.text.strip() and (propose(cell.text) or normalise(cell.text) in known))
        if hits >= 2:
            return index
    return None


@dataclass
class Header:
    """Where a sheet's header is and what it calls each column: ``texts`` has one heading per
    column, a two-row header or a heading merged over several columns read as one heading each,
    and a column with content but no heading named by its place ("(no heading, column A)")."""

    first: int  # index of the (first) header row
    body: int  # index of the first row after the header
    texts: list[str]


def unheaded(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"(no heading, column {get_column_letter(index + 1)})"


def read_header(sheet: Sheet, mapping: dict | None) -> Header | None:
    index = find_header(sheet, mapping)
    if index is None:
        return None
    known = {normalise(k) for k in (mapping or {})}

    def maps(text: str) -> bool:
        return bool(text) and (propose(text) is not None or normalise(text) in known)

    texts = _spread(sheet, index)
    body = index + 1
    parent = None
    written = [clean_text(cell.text) for cell in sheet.rows[index]]
    if body < len(sheet.rows) and _is_sub_header(written, _spread(sheet, body), maps):
        parent, child, body = texts, _spread(sheet, body), body + 1
    elif index > 0 and any(top < index <= bottom or (top == index - 1 and right > left)
                           for top, left, bottom, right in sheet.merged):
        # A group row above the header, its headings merged over the columns they group.
        above = _spread(sheet, index - 1)
        if any(above):
            parent, child = above, texts
    if parent is not None:
        width = max(len(parent), len(child))
        parent, child = parent + [""] * (width - len(parent)), child + [""] * (width - len(child))
        texts = [_combined(p, c, maps) for p, c in zip(parent, child, strict=True)]
    width = max((len(row) for row in sheet.rows[body:]), default=0)
    texts += [""] * (width - len(texts))
    for column, text in enumerate(texts):
        if not text and any(column < len(row) and row[column].text.strip() for row in sheet.rows[body:body + 200]):
            texts[column] = unheaded(column)
    while texts and not texts[-1]:
        texts.pop()
    return Header(index, body, texts)


def _spread(sheet: Sheet, index: int) -> list[str]:
    """The texts of a header row, a merged cell's text in every column it covers."""
    texts = [clean_text(cell.text) for cell in sheet.rows[index]] if index < len(sheet.rows) else []
    for top, left, bottom, right in sheet.merged:
        if top <= index <= bottom and right > left:
            texts += [""] * (right + 1 - len(texts))
            source = sheet.rows[top][left].text if top < len(sheet.rows) and left < len(sheet.rows[top]) else ""
            for column in range(left, right + 1):
                texts[column] = clean_text(source)
    return texts


def _is_sub_header(above: list[str], texts: list[str], maps) -> bool:
    """A second header row (the row of "RAG" and "Update" under a "Progress" merged over both):
    short headings only, none a number or a date, at least one under an empty (or merged) cell of
    the row above, and two or more of them (or all) naming a field. ``above`` is the row above as
    written, a merged cell's text in its first column only."""
    filled = [(column, text) for column, text in enumerate(texts) if text]
    if not filled or any(len(text) > 40 or looks_like_number(text) or find_dates(text) for _c, text in filled):
        return False
    if not any(column >= len(above) or not above[column] for column, _text in filled):
        return False
    named = sum(1 for _column, text in filled if maps(text))
    return named == len(filled) or named >= 2


def _combined(parent: str, child: str, maps) -> str:
    if not child or child == parent:
        return parent
    if not parent:
        return child
    both = f"{parent} {child}"
    for text in (both, child, parent):
        if maps(text):
            return text
    return both


def proposed_mapping(sheets: list[Sheet]) -> tuple[dict, dict]:
    """({header text: proposed field}, {sheet: headers}) for the sheets that have a header row."""
    mapping, headers = {}, {}
    for sheet in sheets:
        header = read_header(sheet, None)
        if header is None:
            continue
        headers[sheet.name] = header.texts
        named_number = any(propose(text) == "number" for text in header.texts)
        for column, text in enumerate(header.texts):
            if not text or text in mapping:
                continue
            proposal = propose(text)
            if proposal is None and not named_number and _holds_numbers(sheet, header, column):
                # A column of short codes with no heading (or one naming nothing) is the number.
                proposal, named_number = "number", True
            mapping[text] = proposal or "ignore"
    if "description" not in mapping.values():
        # Plans listed by objective (Wiltshire) have no "Action" column: the objectives are the actions;
        # a plan of recommendations is a plan too, each recommendation both the action and what it answers.
        for wanted, field_name in (("objective", "description"), ("recommendation", "recommendation_action"),
                                   ("main", "description")):
            text = next((text for text, name in mapping.items()
                         if name == wanted or (wanted == "main" and name == "ignore"
                                               and normalise(text) in MAIN_TEXT_HEADINGS)), None)
            if text is not None:
                mapping[text] = field_name
                break
    return mapping, headers


def _holds_numbers(sheet: Sheet, header: Header, column: int) -> bool:
    """Whether a column with no heading (or one naming nothing) holds action numbers: most of its
    cells in the rows of two or more cells are short codes such as "2 (i)" or "IP3.1"."""
    if propose(header.texts[column]):
        return False
    values = [row[column].text for row in sheet.rows[header.body:header.body + 200]
              if column < len(row) and row[column].text.strip() and sum(1 for c in row if c.text.strip()) >= 2]
    return bool(values) and sum(looks_like_number(value) for value in values) >= 0.8 * len(values)


def _initials(title: str) -> str:
    return "".join(word[0] for word in re.findall(r"[A-Za-z]{3,}", title)).upper()[:4] or "T"


def _split_theme(text: str) -> tuple[str, str]:
    """"THEME 2 - CAPACITY, CAPABILITY AND CULTURE" -> ("2", "Capacity, capability and culture");
    "IP3 Knowing how well we are doing" -> ("IP3", "Knowing how well we are doing")."""
    text = clean_text(text)
    match = re.match(r"^(?:theme|priority|section|workstream|strand)\s+(\w+)\s*[-–:.]\s*(.+)$", text, re.I)
    if match:
        code, title = match[1], match[2]
    else:
        match = re.match(r"^((?:[A-Z]{1,4}\d*(?:\.\d+)*)|\d+(?:\.\d+)*)\.?\s+(.+)$", text)
        code, title = (match[1], match[2]) if match else ("", text)
    if title.isupper():
        title = title.capitalize()
    return code, title.strip()


def _references(text: str) -> list[tuple[str, str]]:
    """Recommendation references as (source key, reference); "" is the whole report.

    Two ways plans write them: a list separated by ";" (as the export writes them, e.g.
    "OIS 2012 1.2; Ofsted 2012 CLA 1; OIS 2012 (whole report)"), or the Walsall shorthand where
    numbers follow their source ("IN 1.7, 3.1 OIS 2012").
    """
    text = clean_text(text)
    if not text:
        return []
    if ";" in text or "," not in text:
        result = []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            if part.endswith("(whole report)"):
                result.append((part.removesuffix("(whole report)").strip(), ""))
                continue
            match = re.match(r"^(.*?)\s+((?:[A-Z]{1,4}\s)?\(?\d+(?:\.\d+)*[a-z]?\)?)$", part)
            if match and not re.fullmatch(r"(19|20)\d\d", match[2]):
                result.append((match[1], match[2]))
            else:
                result.append((part, ""))
        return result
    result, source, had_number = [], None, False
    for token in re.findall(r"[A-Za-z][A-Za-z]*(?:\s+(?:19|20)\d\d)?|\d+(?:\.\d+)*", text):
        if token[0].isalpha():
            if source and not had_number:
                result.append((source, ""))
            source, had_number = token, False
        elif source:
            result.append((source, token))
            had_number = True
    if source and not had_number:
        result.append((source, ""))
    return result


# A lead cell is split into several posts only where the split is unambiguous: at ";" and line
# breaks always; at "and", "&", "/" and "," only when every part is a post of the organisation or
# names a post by itself (has one of these words, or starts with an abbreviation such as "DCS").
# So "Head of Assessment and Intervention" and "Corporate Lead, Partnerships and Governance" stay
# one post each ("Intervention" and "Governance" name no post), while "DCS and Head of Safeguarding"
# is two. An abbreviation alone after a comma qualifies the post before it ("Service Manager, CIN"
# is one post), so a list of commas alone splits only between parts that have a post's word.
# See docs/decisions/0020.
_POST_WORDS = frozenset({
    "head", "heads", "director", "directors", "manager", "managers", "chair", "chairs", "vice-chair", "lead", "leads",
    "officer", "officers", "coordinator", "co-ordinator", "coordinators", "adviser", "advisor", "advisers",
    "advisors", "commissioner", "commissioners", "principal", "executive", "chief", "deputy", "assistant", "member",
    "members", "nurse", "doctor", "paediatrician", "consultant", "inspector", "superintendent", "councillor",
    "holder", "worker", "practitioner", "administrator", "secretary", "clerk", "analyst", "supervisor", "president",
    "governor", "governors",
})
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9&]{1,7}s?")
_LEAD_LIST = re.compile(r"\s+and\s+|\s*[/&]\s*|\s*,\s*", re.I)


def _names_a_post(part: str, known_posts, *, abbreviation=True) -> bool:
    if part in known_posts:
        return True
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", part)
    return bool(words) and ((abbreviation and bool(_ABBREVIATION.fullmatch(words[0])))
                            or any(w.lower() in _POST_WORDS for w in words))


def _leads(text: str, known_posts=frozenset()) -> list[str]:
    """Lead posts in a cell (see the rule above)."""
    posts = []
    for line in re.split(r";|\n", clean_text(text)):
        line = line.strip(" ,.")
        if not line:
            continue
        parts = [part.strip(" ,.") for part in _LEAD_LIST.split(line)]
        parts = [part for part in parts if part]
        commas_only = not re.search(r"\s+and\s+|[/&]", line, re.I)
        if line not in known_posts and len(parts) > 1 and all(
                _names_a_post(p, known_posts, abbreviation=not commas_only) for p in parts):
            posts += parts
        else:
            posts.append(line)
    return list(dict.fromkeys(posts))


def kept_whole(title: str) -> bool:
    """Whether a lead post was kept as one although it reads like a list ("… and …", "… / …")."""
    return len([p for p in _LEAD_LIST.split(title) if p.strip(" ,.")]) > 1


def _is_yes(text: str) -> bool | None:
    value = normalise(text)
    if value in {"yes", "y", "true", "1", "done", "complete", "completed", "achieved"} or text.strip() in "✓✔√" \
            and text.strip():
        return True
    if value in {"no", "n", "false", "0", "x"} or text.strip() == "✗":
        return False
    return None


# A row of labels that belongs to the item above it: "Source: OIS 2012 para 12", "Evidence: audit".
_LABEL = re.compile(r"^(?P<label>sources?|references?|refs?|linked\s+to|links?|evidence|ofsted\s+ref(?:erence)?)"
                    r"\s*[:–—-]\s*(?P<text>\S.*)$", re.IGNORECASE | re.S)
_PARAGRAPH = re.compile(r"\b(?:para(?:graph)?s?\.?)\s+(?=\d)", re.IGNORECASE)
# What a row without action text may add to the action above it: it takes two rows.
_CONTINUED = ("references", "measures", "note", "leads", "lead_agency", "cost", "ofsted")
_TICKS = {"✓", "✔", "√", "☑", "✅", "x", "yes", "y", "true", "1", "done", "complete", "completed", "achieved", "*"}
_NOT_TICKED = {"no", "n", "false", "0", "✗", "✘", "×", "-", "–", "n a", "na"}
_DOCX_TABLE = re.compile(r"Table [0-9]+")


def tick_statuses(statuses) -> dict:
    """{tick field: the status of the scheme a tick in that column means, or None}."""
    statuses = list(statuses)
    return {
        "achieved": next((s for s in statuses if s.is_complete), None),
        "on_target": next((s for s in statuses if s.label.lower().startswith("on target")), None) or next(
            (s for s in statuses if s.colour == "green" and not s.is_complete), None),
        "not_on_target": next((s for s in statuses if s.label.lower().startswith("not on target")), None) or next(
            (s for s in statuses if s.colour == "red"), None),
    }


def status_columns(headers: dict, mapping: dict, statuses) -> list[tuple[str, str]]:
    """[(column heading, what it says)] for the columns that give statuses, for the preview to
    say where each status comes from ("Achieved (tick)" -> "a tick means Achieved")."""
    meaning = tick_statuses(statuses)
    wanted = {normalise(k): v for k, v in mapping.items()}
    result = []
    for texts in headers.values():
        for text in texts:
            name = wanted.get(normalise(text))
            if name in TICK_FIELDS:
                status = meaning[name]
                result.append((text, _("a tick means %(status)s") % {"status": status.label} if status else
                               _("a tick names no status of this plan’s scheme")))
            elif name == "status":
                result.append((text, _("the status written, or the cell’s fill colour when it has no text")))
    return list(dict.fromkeys(result))


def _tick(text: str) -> bool | None:
    """True for a tick, "x" or "Yes"; False for "No" or a cross; None for anything else."""
    value = text.strip().lower()
    if value in _TICKS or normalise(value) in _TICKS:
        return True
    if value in _NOT_TICKED or normalise(value) in _NOT_TICKED:
        return False
    return None


def _label_row(texts: list[str]) -> dict | None:
    """{field: text} for a row whose every cell is a label ("Source: OIS 2012 para 12"), else None."""
    filled = [text for text in texts if text]
    found: dict = {}
    for text in filled:
        match = _LABEL.match(text)
        if not match:
            return None
        name = "measures" if match["label"].lower() == "evidence" else "references"
        value = _PARAGRAPH.sub("", match["text"]) if name == "references" else match["text"]
        found[name] = f"{found[name]}; {value}" if name in found else value
    return found or None


def _continue(row: "Row", values: dict, known_posts) -> None:
    """Add a row that holds only an item's references, evidence or other labels to that item."""
    for name, value in values.items():
        value = str(value)
        if name == "references":
            row.references += [r for r in _references(value) if r not in row.references]
        elif name == "leads":
            row.leads += [lead for lead in _leads(value, known_posts) if lead not in row.leads]
        elif name == "note":
            row.note = f"{row.note}\n{value}".strip()
        elif name == "ofsted":
            if _is_yes(value) and ("Ofsted", "") not in row.references:
                row.references.append(("Ofsted", ""))
        else:
            old = row.fields.get(name, "")
            row.fields[name] = f"{old}\n{value}".strip() if old and value not in old.split("\n") else old or value


def read_rows(sheets: list[Sheet], plan, mapping: dict) -> tuple[list[Row], list[Problem], dict]:
    statuses = list(plan.rag_scheme.statuses.order_by("position"))
    ticks = tick_statuses(statuses)
    wanted = {normalise(k): v for k, v in mapping.items()}
    known_posts = frozenset(Post.objects.filter(organisation_id=plan.organisation_id).values_list("title", flat=True)) \
        if plan.organisation_id else frozenset()
    rows, problems, headers = [], [], {}
    carried = None  # (theme, urgency) carried from one Word table to the next
    for sheet in sheets:
        found = read_header(sheet, mapping)
        if found is None:
            if any(any(c.text.strip() for c in row) for row in sheet.rows):
                problems.append(Problem(sheet.name, None, None,
                                        _("no header row found (a row naming columns such as “Action” or "
                                          "“Timescale”); the sheet was not read")))
            continue
        header_index, header = found.first, found.texts
        headers[sheet.name] = header
        columns = {i: wanted.get(normalise(h), "ignore") for i, h in enumerate(header) if h}
        if not {"description", "recommendation_action"} & set(columns.values()):
            problems.append(Problem(sheet.name, header_index + 1, None,
                                    _("no column is mapped to “Action”: choose which column holds the actions"),
                                    blocking=True))
            continue
        is_table = bool(_DOCX_TABLE.fullmatch(sheet.name))
        if is_table and carried:
            theme, urgency = carried
        else:
            theme = _split_theme(sheet.name) if len(sheets) > 1 and not is_table else ("", "Imported actions")
            urgency = "other"
        for text in sheet.preamble:  # headings written above a Word table
            heading = parse_section_heading([text])
            if heading is not None and heading.kind == "urgency":
                urgency = heading.urgency
                if heading.theme:
                    theme = _split_theme(heading.theme)
            elif heading is not None and heading.kind == "theme":
                theme = _split_theme(heading.text)
        recommendation, objective = None, None
        previous: Row | None = None  # the action above, which a row of labels continues
        counters: dict = {}
        used_references: dict = {}  # reference -> recommendation text, across the whole sheet
        restarted_themes: set = set()  # themes whose recommendation numbering starts again at 1
        for index in range(found.body, len(sheet.rows)):
            number_in_sheet = index + 1
            cells = sheet.rows[index]
            texts = [clean_text(c.text) for c in cells]
            if not any(texts) and not any(c.fill for c in cells) \
                    or [normalise(t) for t in texts] == [normalise(h) for h in header[:len(texts)]]:
                continue
            if not any(texts):
                continue
            labels = _label_row(texts)
            if labels is not None:
                if previous is not None:
                    _continue(previous, labels, known_posts)
                else:
                    problems.append(Problem(sheet.name, number_in_sheet, None,
                                            _("the row holds only labels and there is no action above it to "
                                              "attach them to, so it was skipped")))
                continue
            filled = [i for i, text in enumerate(texts) if text]
            if previous is not None and len(filled) == 1 and filled[0] > 0 \
                    and columns.get(filled[0]) in _CONTINUED and not cells[filled[0]].is_formula:
                # One cell under "Reference" or "Evidence", not a heading (those start the row): the
                # item above takes two rows.
                _continue(previous, {columns[filled[0]]: texts[filled[0]]}, known_posts)
                continue
            heading = parse_section_heading(texts)
            if heading is not None:
                if heading.kind == "urgency":
                    urgency = heading.urgency
                    if heading.theme:
                        theme = _split_theme(heading.theme)
                elif heading.kind == "theme":
                    theme = _split_theme(heading.text)
                if heading.kind != "skip":
                    previous = None
                continue
            values, sources = {}, {}
            for i, name in columns.items():
                if i >= len(cells) or name == "ignore":
                    continue
                if cells[i].is_formula:
                    problems.append(Problem(sheet.name, number_in_sheet, header[i],
                                            _("the cell holds a formula with no saved value; the importer never "
                                              "calculates formulas: type the value instead (the cell was left "
                                              "empty)")))
                    continue
                value = cells[i].value if cells[i].value is not None and name in ("timescale", "revised_date") \
                    else texts[i]
                if value not in ("", None):
                    if name in TICK_FIELDS:
                        values.setdefault("ticks", []).append((name, header[i], str(value)))
                    else:
                        values[name] = value
                        sources[name] = header[i]
                elif name == "status" and cells[i].fill:
                    values["status_fill"] = cells[i].fill
                    sources["status"] = header[i]
            if "recommendation_action" in values:
                values.setdefault("recommendation", values["recommendation_action"])
                match = re.match(r"^\s*(\d+)[.)]\s+(.*)$", str(values["recommendation_action"]), re.S)
                values.setdefault("description", match[2] if match else values["recommendation_action"])
            if values.get("theme"):
                code = values.get("theme_code")
                theme = (str(code), str(values["theme"])) if code else _split_theme(str(values["theme"]))
            if values.get("recommendation"):
                text = str(values["recommendation"])
                match = re.match(r"^\s*(\d+)[.)]\s+(.*)$", text, re.S)
                reference = match[1] if match else str(len(used_references) + 1)
                text = match[2] if match else text
                if "recommendation_action" in values and values.get("number") and not match:
                    reference = str(values["number"]).strip()
                if used_references.get(reference, text) != text:
                    # A second table restarts its numbering (Southampton's "Children looked after"):
                    # from there on, that theme's recommendations carry its initials, e.g. "CLA 1".
                    restarted_themes.add(theme)
                if theme in restarted_themes:
                    reference = f"{_initials(theme[1])} {reference}"
                used_references[reference] = text
                recommendation = (reference, text, urgency)
                objective = (reference, recommendation[1])
            elif not {"recommendation", "recommendation_action"} & set(columns.values()):
                recommendation = None
            if values.get("objective"):
                objective = (str(values.get("objective_code", "")), str(values["objective"]))
            number = str(values.get("number", "")).strip()
            same_item = (previous is not None and number and number == previous.number[:30]
                         and str(values.get("description", "")) in ("", previous.fields.get("description")))
            if not values.get("description") or same_item:
                rest = {k: v for k, v in values.items() if k not in ("number", "description")}
                if previous is not None and rest and (same_item or not number) and set(rest) <= set(_CONTINUED):
                    # The item takes two rows: the second holds its references, evidence or sources.
                    _continue(previous, rest, known_posts)
                elif values:
                    problems.append(Problem(sheet.name, number_in_sheet, None,
                                            _("the row has no action text, so it was skipped")))
                continue
            if not number:
                if "recommendation_action" in values and recommendation:
                    number = recommendation[0]
                else:
                    key = recommendation[0] if recommendation else theme[0] or _initials(theme[1])
                    counters[key] = counters.get(key, 0) + 1
                    number = f"{key}.{counters[key]}"
            row = Row(sheet.name, number_in_sheet, number[:30], {}, theme,
                      objective if recommendation or values.get("objective") else None,
                      recommendation, _references(str(values.get("references", ""))),
                      _leads(str(values.get("leads", "")), known_posts))
            for name in ("description", "measures", "cost", "lead_agency"):
                row.fields[name] = str(values.get(name, ""))
            _read_timescale(row, values.get("timescale"), problems, _column(header, columns, "timescale"))
            values["tick_columns"] = [(name, header[i]) for i, name in columns.items() if name in TICK_FIELDS]
            found_problems: list = []
            row.status, row.status_source = _row_status(values, sources, statuses, ticks, found_problems)
            problems += [Problem(sheet.name, number_in_sheet, column, message) for message, column in found_problems]
            if values.get("ofsted") and _is_yes(str(values["ofsted"])):
                row.references.append(("Ofsted", ""))
            row.note = str(values.get("note", ""))
            row.revised_date_reason = str(values.get("revised_date_reason", ""))
            if values.get("revised_date"):
                parsed = parse_date(values["revised_date"])
                row.revised_date = parsed.date
                if parsed.problem or not parsed.date:
                    problems.append(Problem(sheet.name, number_in_sheet, _column(header, columns, "revised_date"),
                                            _("%(problem)s: no new date is recorded") % {
                                                "problem": parsed.problem or _("“%(written)s” is not a date") % {
                                                    "written": clean_text(values["revised_date"])}}))
            rows.append(row)
            previous = row
        if is_table:
            carried = (theme, urgency)
    seen: dict = {}
    for row in rows:
        if row.number in seen:
            first = seen[row.number]
            problems.append(Problem(row.sheet, row.row, _column(headers.get(row.sheet, []), {}, "number"),
                                    _("action number %(number)s is used twice in the file (also %(sheet)s row "
                                      "%(row)s): give each action its own number")
                                    % {"number": row.number, "sheet": first.sheet, "row": first.row}, blocking=True))
        else:
            seen[row.number] = row
    if not rows and not any(p.blocking for p in problems):
        problems.append(Problem(_("file"), None, None, _("no actions were found in the file"), blocking=True))
    return rows, problems, headers


def _read_timescale(row: Row, timescale, problems: list, column: str | None) -> None:
    """The timescale as written, the due date it gives (none for a recurrence or open-ended work; the
    end of a range) and its dated steps as milestones."""
    reading = read_timescale(timescale)
    if isinstance(timescale, datetime.date):  # a date cell: write it as people do
        row.fields["timescale"] = f"{reading.due_date:%-d %b %Y}" if reading.due_date else ""
    else:
        row.fields["timescale"] = clean_text(timescale)
    row.fields["due_date"] = reading.due_date
    row.timescale_reading = reading.reading
    if reading.problem:
        problems.append(Problem(row.sheet, row.row, column,
                                _("%(problem)s; kept as written with no due date") % {"problem": reading.problem}))
    if len(reading.steps) > 1:
        row.milestones = [(f"Step {n}", day) for n, day in enumerate(reading.steps, start=1)]


def _row_status(values: dict, sources: dict, statuses: list, ticks: dict, problems: list) -> tuple[object, str]:
    """(status, where it came from) for one row: the status column's text, else its fill colour,
    else the one tick column ticked (an "On target" column answered "No" means not on target).
    What cannot be read is added to ``problems`` as (message, column)."""

    def problem(message, column=None):
        problems.append((message, column))

    if values.get("status"):
        parsed = parse_status(str(values["status"]), statuses)
        if parsed.problem:
            problem(parsed.problem, sources["status"])
        return parsed.status, _("column “%(column)s”") % {"column": sources["status"]} if parsed.status else ""
    if values.get("status_fill"):
        colour = values["status_fill"]
        parsed = parse_status(colour, statuses)
        if parsed.status is None:
            problem(_("the cell is filled %(colour)s, which is no status of this plan’s scheme")
                    % {"colour": _colour_name(colour)}, sources["status"])
            return None, ""
        return parsed.status, _("fill colour of “%(column)s” (%(colour)s)") % {"column": sources["status"],
                                                                                "colour": _colour_name(colour)}
    ticked, answered_no = [], []
    for name, column, text in values.get("ticks", []):
        answer = _tick(text)
        if answer is True:
            ticked.append((name, column))
        elif answer is False:
            answered_no.append((name, column))
        else:
            problem(_("“%(text)s” is not a tick: tick the column (✓, x or Yes) or leave it empty")
                    % {"text": text[:60]}, column)
    if len(ticked) > 1:
        problem(_("more than one status column is ticked (%(columns)s): tick one, so the status is not a guess; "
                  "no status was taken") % {"columns": ", ".join(f"“{c}”" for _n, c in ticked)})
        return None, ""
    if ticked:
        name, column = ticked[0]
        if ticks[name] is None:
            problem(_("a tick in “%(column)s” names no status of this plan’s scheme: choose a scheme with one")
                    % {"column": column}, column)
            return None, ""
        return ticks[name], _("column “%(column)s” (ticked)") % {"column": column}
    for name, column in answered_no:
        if name == "on_target" and ticks["not_on_target"] is not None:
            return ticks["not_on_target"], _("column “%(column)s” (answered no)") % {"column": column}
    tick_columns = values.get("tick_columns", [])
    columns = [column for _name, column in tick_columns]
    if not values.get("ticks") and values.get("revised_date") and ticks.get("not_on_target") is not None and \
            {name for name, _column in tick_columns} >= {"achieved", "on_target"}:
        # Southampton's template: neither "Achieved" nor "On target to achieve" ticked, and an
        # expected new achievement date given, is how such a plan says an action is not on target.
        return ticks["not_on_target"], _("no tick in %(columns)s, and a new achievement date given") % {
            "columns": _(" or ").join(f"“{c}”" for c in columns)}
    return None, ""


def _column(header, columns, name):
    for index, value in columns.items():
        if value == name and index < len(header):
            return header[index]
    return None


def preview(sheets: list[Sheet], plan, mapping: dict) -> Result:
    rows, problems, headers = read_rows(sheets, plan, mapping)
    result = Result(headers, mapping, rows, problems,
                    status_columns=status_columns(headers, mapping, plan.rag_scheme.statuses.order_by("position")))
    saved = plan.pk is not None  # a new plan is previewed unsaved: nothing exists in it yet
    existing = {a.number: a for a in Action.objects.filter(plan=plan).prefetch_related("lead_posts")
                .select_related("theme", "current_status")} if saved else {}
    themes = {(t.code, t.title.lower()) for t in plan.themes.all()} if saved else set()
    latest_notes = {u.action_id: u for u in Update.objects.filter(action__plan=plan, period=plan.current_period)
                    .reporting().select_related("status")} if saved else {}
    posts = set(Post.objects.filter(organisation_id=plan.organisation_id).values_list("title", flat=True)) \
        if plan.organisation_id else set()
    seen_themes, new_posts = [], []
    for row in rows:
        if (row.theme[0], row.theme[1].lower()) not in themes and row.theme not in seen_themes:
            seen_themes.append(row.theme)
        action = existing.get(row.number)
        changed = {}
        if action is not None:
            for name, new in row.fields.items():
                old = getattr(action, name)
                if (old or "") != (new or ""):
                    changed[name] = (old, new)
            old_leads = sorted(p.title for p in action.lead_posts.all())
            if row.leads and sorted(row.leads) != old_leads:
                changed["leads"] = ("; ".join(old_leads), "; ".join(row.leads))
        leads = []
        for title in row.leads:
            leads.append((title, title[:200] not in posts and title not in new_posts, kept_whole(title)))
            if leads[-1][1]:
                new_posts.append(title)
        change = Change(row, action, changed, False, leads)
        if action is not None:
            change.read = _read_state(action)
        _plan_update(change, latest_notes.get(action.pk) if action else None, result)
        result.changes.append(change)
    result.new_themes = [f"{code} {title}".strip() for code, title in seen_themes]
    result.new_posts = new_posts
    known = {(r.source.key, r.reference) for r in
             Recommendation.objects.filter(source__plan=plan).select_related("source")} if saved else set()
    new_recs = []
    for row in rows:
        if row.recommendation and ("Ofsted", row.recommendation[0]) not in known:
            new_recs.append(f"Ofsted {row.recommendation[0]}")
        for key, reference in row.references:
            if (key, reference or "(whole report)") not in known:
                new_recs.append(f"{key} {reference or '(whole report)'}")
    result.new_recommendations = list(dict.fromkeys(new_recs))
    return result


def _read_state(action) -> tuple:
    """What an edit or a status update changes on an action: compared at confirm with the preview's."""
    return (action.version, action.last_updated_at.isoformat() if action.last_updated_at else "")


def _plan_update(change: Change, update, result: Result) -> None:
    """Whether the row's status, note and new date are recorded as a status update, and if not
    why not. Nothing is made up: an empty note stays empty, so a completed status with no note
    (which ``record_update`` refuses) and a new date with no reason are not recorded, and say so."""
    row = change.row

    def note(message):
        change.notes.append(message)
        result.problems.append(Problem(row.sheet, row.row, None,
                                       _("action %(number)s: %(message)s") % {"number": row.number,
                                                                              "message": message}))

    if row.status is None:
        if row.note and row.revised_date:
            note(_("the review note and new date is not recorded: the row has no status, and a status update needs "
                   "one"))
        elif row.note:
            note(_("the review note is not recorded: the row has no status, and a status update needs one"))
        elif row.revised_date:
            note(_("the new date is not recorded: the row has no status, and a status update needs one"))
        return
    differs = (update is None or update.status_id != row.status.pk or (row.note and update.note != row.note)
               or (row.revised_date and update.revised_due_date != row.revised_date))
    if not differs:
        return
    if row.status.is_complete and not row.note.strip():
        note(_("the status “%(status)s” is not recorded: a completed action needs a review note and the row has "
               "none; add the note in the file and import again, or record the update on the action’s page")
             % {"status": row.status.label})
        return
    if row.revised_date:
        if row.revised_date_reason.strip():
            change.reason = row.revised_date_reason
        elif row.note.strip():
            change.reason = row.note
        else:
            note(_("the new date %(day)s is not recorded: a new date needs a reason and the row gives none (no "
                   "reason and no review note); the status is recorded without it")
                 % {"day": date_format(row.revised_date, "j M Y")})
    change.new_update = True


@transaction.atomic
def apply(result: Result, plan, *, by, expected: dict | None = None) -> dict:
    """Write the preview: everything or nothing. Returns counts (as ``Result.counts``).

    ``expected`` is ``Result.read_versions()`` of the preview the person confirmed (by default,
    this one's): if any matched action has been edited or had a status update since, or an action
    with one of the file's numbers has been added, StaleImport is raised and nothing is written.
    """
    if result.blocking:
        raise ValueError("The file has problems to fix first: " + "; ".join(str(p) for p in result.blocking))
    _check_unchanged(result, plan, result.read_versions() if expected is None else expected)
    themes = {(t.code, t.title.lower()): t for t in plan.themes.all()}
    sources = {s.key: s for s in plan.sources.all()}
    recommendations = {(r.source.key, r.reference): r
                       for r in Recommendation.objects.filter(source__plan=plan).select_related("source")}
    objectives = {(o.theme_id, o.code, o.title): o for o in Objective.objects.filter(theme__plan=plan)}
    posts = {p.title: p for p in Post.objects.filter(organisation=plan.organisation)}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "updates": 0}
    position = (plan.actions.order_by("-position").values_list("position", flat=True).first() or 0)

    def source(key):
        if key not in sources:
            kind = SOURCE_KINDS.get(key.split()[0].lower(), Source.Kind.OTHER)
            sources[key] = Source.objects.create(plan=plan, key=key, kind=kind, title=f"{key} (imported)")
        return sources[key]

    def recommendation(key, reference, text="", urgency="other"):
        reference = reference or "(whole report)"
        if (key, reference) not in recommendations:
            recommendations[(key, reference)] = Recommendation.objects.create(
                source=source(key), reference=reference, text=text, urgency=urgency)
        return recommendations[(key, reference)]

    def post(title):
        if title not in posts:
            posts[title], _ = Post.objects.get_or_create(organisation=plan.organisation, title=title[:200])
        return posts[title]

    # Resolve themes, objectives and recommendations first (a handful of rows, created once).
    planned = []
    for change in result.changes:
        row = change.row
        theme_key = (row.theme[0], row.theme[1].lower())
        if theme_key not in themes:
            themes[theme_key] = Theme.objects.create(plan=plan, code=row.theme[0][:20], title=row.theme[1][:300],
                                                     position=len(themes) + 1)
        theme = themes[theme_key]
        objective = None
        if row.objective:
            key = (theme.pk, row.objective[0][:20], row.objective[1])
            if key not in objectives:
                objectives[key] = Objective.objects.create(theme=theme, code=key[1], title=key[2],
                                                           position=len(objectives) + 1)
            objective = objectives[key]
        linked = [recommendation(key, ref) for key, ref in row.references]
        if row.recommendation:
            linked.append(recommendation("Ofsted", row.recommendation[0], row.recommendation[1], row.recommendation[2]))
        planned.append((change, theme, objective, linked, [post(title) for title in row.leads]))

    # New actions in bulk, each with its "created" audit record.
    new_actions = []
    for change, theme, objective, _linked, _leads in planned:
        if change.action is None:
            position += 1
            action = Action(plan=plan, theme=theme, objective=objective, number=change.row.number,
                            number_sort=number_sort_key(change.row.number), position=position, **change.row.fields)
            change.action = action
            new_actions.append(action)
    if new_actions:
        bulk_create_with_history(new_actions, Action, batch_size=500, default_user=by)
        if any(action.pk is None for action in new_actions):  # a backend that returns no ids
            ids = dict(Action.objects.filter(plan=plan, number__in=[a.number for a in new_actions])
                       .values_list("number", "pk"))
            for action in new_actions:
                action.pk = action.id = ids[action.number]
    created = {action.pk for action in new_actions}
    counts["created"] = len(created)
    lead_links, recommendation_links, milestones = [], [], []
    existing_links = set(Action.recommendations.through.objects.filter(action__plan=plan)
                         .values_list("action_id", "recommendation_id"))
    for change, _theme, _objective, linked, leads in planned:
        action, row = change.action, change.row
        if action.pk in created:
            lead_links += [Action.lead_posts.through(action_id=action.pk, post_id=p.pk) for p in dict.fromkeys(leads)]
            milestones += [Milestone(action=action, title=title, due_date=day, position=n)
                           for n, (title, day) in enumerate(row.milestones, start=1)]
        elif change.changed:
            # The shared optimistic-concurrency claim, from the version the preview showed.
            claim(action, change.read[0])
            for name, (_old, new) in change.changed.items():
                if name != "leads":
                    setattr(action, name, new)
            action._history_user = by
            action.save()
            if "leads" in change.changed:
                action.lead_posts.set(leads)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        recommendation_links += [Action.recommendations.through(action_id=action.pk, recommendation_id=r.pk)
                                 for r in dict.fromkeys(linked) if (action.pk, r.pk) not in existing_links]
    Action.lead_posts.through.objects.bulk_create(lead_links, batch_size=1000)
    Action.recommendations.through.objects.bulk_create(recommendation_links, batch_size=1000)
    Milestone.objects.bulk_create(milestones, batch_size=1000)
    if new_actions:  # bulk_create() skips Action.save(): give the new actions their period view rows
        ReportedAction.objects.rebuild(plan)

    # Statuses go into the RAG history through its one door, record_updates(), with the file's own
    # words: nothing is made up (see _plan_update for what is not recorded, and why).
    entries = []
    for change, *_rest in planned:
        if change.new_update:
            row = change.row
            change.action.plan = plan
            entries.append(UpdateEntry(change.action, status=row.status, note=row.note,
                                       revised_due_date=row.revised_date if change.reason else None,
                                       revised_date_reason=change.reason))
    counts["updates"] = len(record_updates(entries, by=by))
    counts.update(themes=len(result.new_themes), recommendations=len(result.new_recommendations),
                  posts=len(result.new_posts))
    return counts


def _check_unchanged(result: Result, plan, expected: dict) -> None:
    """Raise StaleImport, naming the action and who changed it, if any action the file matches is
    not as the preview showed it. The actions are locked until the import is written."""
    expected = {str(pk): tuple(state) if state else None for pk, state in expected.items()}
    matched = [c.action.pk for c in result.changes if c.action is not None]
    now = {str(a.pk): a for a in Action.objects.select_for_update().filter(pk__in=matched).order_by("pk")}
    for change in result.changes:
        if change.action is None:
            continue
        action = now.get(str(change.action.pk), change.action)
        read = expected.get(str(action.pk))
        if read is None:
            raise StaleImport(_("Action %(number)s was added to the plan since the preview, so nothing was "
                                "imported: preview again to see it matched.") % {"number": action.number})
        if read[0] != action.version:
            stale = StaleEdit(action)
            raise StaleImport(_("Action %(number)s was changed by %(who)s%(when)s since the preview, so nothing was "
                                "imported: preview again to see their change.")
                              % {"number": action.number, "who": stale.by, "when": _at(stale.at)})
        if read[1] != _read_state(action)[1]:
            update = action.updates.select_related("created_by").order_by("-created_at", "-pk").first()
            who = update.created_by if update and update.created_by else _("someone else")
            raise StaleImport(_("Action %(number)s had a status update recorded by %(who)s%(when)s since the "
                                "preview, so nothing was imported: preview again to see it.")
                              % {"number": action.number, "who": who,
                                 "when": _at(timezone.localtime(update.created_at) if update else None)})
        change.read = read


def _at(moment) -> str:
    """" at 14:05 on 3 December 2026" (with its leading space), or "" when not known."""
    if not moment:
        return ""
    return _(" at %(time)s on %(day)s") % {"time": date_format(moment, "H:i"), "day": date_format(moment, "j F Y")}


def _colour_name(colour: str) -> str:
    """A fill colour's name (readers.FILL_COLOURS) in the reader's language."""
    names = {"red": _("red"), "amber": _("amber"), "green": _("green"), "blue": _("blue"), "grey": _("grey")}
    return names.get(colour, colour)
