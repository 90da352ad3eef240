"""Statutory clocks: the deadlines that follow a plan's trigger date under the regime it answers
to (the action plan 70 working days after the inspection report, progress reports, monitoring
visits), computed from rules kept as data.

Each regime has one JSON file per version in ``improvement/regimes/`` (the format is in
docs/design.md): its dates of validity, its sources, and its rules. The version in force on the
plan's trigger date is the one used, so a plan keeps the rules it was set under when Ofsted's
framework changes. Files are checked as they load (``load_regimes``): an unknown rule kind, a
rule citing a source the file does not list, or two versions of a regime whose dates overlap is
refused with a message naming the file and the rule; ``manage.py check`` runs the same load, so
a bad file stops the site starting rather than showing wrong dates.

Working days are England and Wales's (``lib.dates``).
"""

import datetime
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from .lib.dates import add_months, add_working_days, on_or_after, working_days_before

REGIMES_DIR = Path(__file__).resolve().parent / "regimes"

# A trigger date further ahead than this is refused: it is almost certainly mistyped.
TRIGGER_MAX_DAYS_AHEAD = 365

KINDS = {
    "working_days_after": "a date a number of working days after another",
    "months_after": "a date a number of calendar months after another (moved to the next working day)",
    "recurring_months": "a date every few months after another, a number of times",
    "window": "a period that opens and closes a number of working days or months after another",
}
UNITS = ("working_days", "months")


class RegimeError(ValueError):
    """A regime file that cannot be used, with a message naming the file and what to fix."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: str
    start: str  # "trigger" or the id of an earlier rule (the file's "from")
    amount: int
    cites: tuple[Source, ...] = ()
    count: int = 1  # recurring_months: how many dates
    unit: str = ""  # window: "working_days" or "months"
    until: int = 0  # window: where it closes, in the same unit as amount
    example: bool = False  # not confirmed against the published guidance
    note: str = ""


@dataclass(frozen=True)
class RegimeVersion:
    regime: str
    title: str
    version: str
    version_title: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    trigger: str  # what the trigger date is, in words
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...]
    path: Path

    def __str__(self):
        return f"{self.title} ({self.version_title})"

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def period(self) -> str:
        ends = f"to {self.valid_to:%-d %B %Y}" if self.valid_to else "onwards"
        return f"from {self.valid_from:%-d %B %Y} {ends}"

    def deadlines(self, trigger: datetime.date) -> list["Deadline"]:
        """Every date that follows ``trigger`` under this version's rules, in date order."""
        single: dict[str, datetime.date] = {"trigger": trigger}
        found = []
        for rule in self.rules:
            base, why = single[rule.start], self.explain(rule)
            if rule.kind == "working_days_after":
                day = add_working_days(base, rule.amount)
                single[rule.id] = day
                found.append(Deadline(rule, day, explanation=why))
            elif rule.kind == "months_after":
                day = on_or_after(add_months(base, rule.amount))
                single[rule.id] = day
                found.append(Deadline(rule, day, explanation=why))
            elif rule.kind == "recurring_months":
                for number in range(1, rule.count + 1):
                    found.append(Deadline(rule, on_or_after(add_months(base, rule.amount * number)),
                                          occurrence=number, explanation=why))
            else:  # window
                opens, closes = (_offset(base, rule.unit, amount) for amount in (rule.amount, rule.until))
                single[rule.id] = opens
                found.append(Deadline(rule, opens, closes=closes, explanation=why))
        return sorted(found, key=lambda deadline: (deadline.date, deadline.key))

    def explain(self, rule: Rule) -> str:
        """How the rule's date is worked out, in words: "70 working days after the trigger date"."""
        titles = {other.id: f"“{other.title}”" for other in self.rules}
        start = gettext("the trigger date") if rule.start == "trigger" else titles[rule.start]
        if rule.kind == "working_days_after":
            return ngettext("%(count)s working day after %(start)s", "%(count)s working days after %(start)s",
                            rule.amount) % {"count": rule.amount, "start": start}
        if rule.kind == "months_after":
            return ngettext("%(count)s month after %(start)s (or the next working day)",
                            "%(count)s months after %(start)s (or the next working day)",
                            rule.amount) % {"count": rule.amount, "start": start}
        if rule.kind == "recurring_months":
            return ngettext(
                "every %(count)s month after %(start)s, %(times)s times (each on the next working day when it falls "
                "on a weekend or bank holiday)",
                "every %(count)s months after %(start)s, %(times)s times (each on the next working day when it falls "
                "on a weekend or bank holiday)", rule.amount) % {"count": rule.amount, "start": start,
                                                                "times": rule.count}

        def after(count):
            if rule.unit == "working_days":
                return ngettext("%(count)s working day after %(start)s", "%(count)s working days after %(start)s",
                                count) % {"count": count, "start": start}
            return ngettext("%(count)s month after %(start)s", "%(count)s months after %(start)s",
                            count) % {"count": count, "start": start}

        opens = start if rule.amount == 0 else after(rule.amount)
        return gettext("from %(opens)s until %(until)s") % {"opens": opens, "until": after(rule.until)}


@dataclass(frozen=True)
class Regime:
    key: str
    title: str
    versions: tuple[RegimeVersion, ...]  # by valid_from

    def version_on(self, day: datetime.date) -> RegimeVersion | None:
        return next((version for version in self.versions if version.covers(day)), None)

    @property
    def period(self) -> str:
        first, last = self.versions[0], self.versions[-1]
        if last.valid_to:
            return gettext("from %(first)s to %(last)s") % {"first": date_format(first.valid_from, "j F Y"),
                                                            "last": date_format(last.valid_to, "j F Y")}
        return gettext("from %(first)s onwards") % {"first": date_format(first.valid_from, "j F Y")}


@dataclass(frozen=True)
class Deadline:
    """One date on a plan's clock: a deadline, an expected visit, or a window (``closes`` set)."""

    rule: Rule
    date: datetime.date  # the deadline, or the day a window opens
    closes: datetime.date | None = None
    occurrence: int | None = None  # which of a recurring rule's dates
    explanation: str = ""  # how the date is worked out, in words

    @property
    def key(self) -> str:
        """Names this date within the plan's clock, for the record of reminders sent."""
        return f"{self.rule.id}#{self.occurrence}" if self.occurrence else self.rule.id

    @property
    def title(self) -> str:
        return f"{self.rule.title} ({_ordinal(self.occurrence)})" if self.occurrence else self.rule.title

    @property
    def last_day(self) -> datetime.date:
        return self.closes or self.date

    def state(self, as_of: datetime.date, *, soon_working_days: int) -> str:
        """"past", "due soon" (within the reminder lead, or a window open now) or "upcoming"."""
        if self.last_day < as_of:
            return "past"
        if self.date <= as_of or working_days_before(self.date, soon_working_days) <= as_of:
            return "due soon"
        return "upcoming"


def pluralize(number: int) -> str:
    return "" if number == 1 else "s"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _offset(day, unit, amount):
    return add_working_days(day, amount) if unit == "working_days" else add_months(day, amount)


# Loading and checking the files


def _date(value, where):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RegimeError(f"{where}: {value!r} is not a date written as YYYY-MM-DD") from None


def _text(data, name, where, *, required=True):
    value = data.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise RegimeError(f"{where}: “{name}” must be {'a non-empty' if required else 'a'} text")
    return value.strip()


def _whole(data, name, where, *, minimum):
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise RegimeError(f"{where}: “{name}” must be a whole number of at least {minimum}, not {value!r}")
    return value


RULE_FIELDS = {"id", "title", "kind", "from", "amount", "cite", "count", "unit", "until", "example", "note"}
FILE_FIELDS = {"regime", "title", "version", "version_title", "valid_from", "valid_to", "trigger", "notes",
               "sources", "rules"}


def _rule(data, where, sources, earlier) -> Rule:
    if not isinstance(data, dict):
        raise RegimeError(f"{where}: each rule must be an object with id, title, kind, from and amount")
    rule_id = _text(data, "id", where)
    where = f"{where.rsplit(' ', 1)[0]} “{rule_id}”"
    if unknown := sorted(set(data) - RULE_FIELDS):
        raise RegimeError(f"{where}: unknown field {', '.join(unknown)} "
                          f"(a rule may have {', '.join(sorted(RULE_FIELDS))})")
    if rule_id in earlier or rule_id == "trigger":
        raise RegimeError(f"{where}: the id is used twice (or is “trigger”, which names the plan’s trigger date)")
    kind = data.get("kind")
    if kind not in KINDS:
        raise RegimeError(f"{where}: unknown rule kind {kind!r}; use one of {', '.join(KINDS)}")
    start = _text(data, "from", where)
    if start != "trigger":
        if start not in earlier:
            raise RegimeError(f"{where}: “from” is {start!r}, which is neither “trigger” nor a rule above this one")
        if earlier[start].kind == "recurring_months":
            raise RegimeError(f"{where}: “from” is {start!r}, a recurring rule, which has no single date to count from")
    cites = data.get("cite", [])
    if not isinstance(cites, list) or any(cite not in sources for cite in cites):
        missing = [cite for cite in cites if cite not in sources] if isinstance(cites, list) else cites
        raise RegimeError(f"{where}: “cite” must list ids of the file’s sources; not found: {missing!r}")
    example = data.get("example", False)
    if not isinstance(example, bool):
        raise RegimeError(f"{where}: “example” must be true or false")
    if not cites and not example:
        raise RegimeError(f"{where}: a rule must cite a source, or be marked \"example\": true")
    amount = _whole(data, "amount", where, minimum=0 if kind == "window" else 1)
    extra = {}
    if kind == "recurring_months":
        extra["count"] = _whole(data, "count", where, minimum=1)
    if kind == "window":
        unit = data.get("unit")
        if unit not in UNITS:
            raise RegimeError(f"{where}: a window’s “unit” must be one of {', '.join(UNITS)}, not {unit!r}")
        extra["unit"] = unit
        extra["until"] = _whole(data, "until", where, minimum=1)
        if extra["until"] <= amount:
            raise RegimeError(f"{where}: a window’s “until” must be after its “amount” (where it opens)")
    return Rule(id=rule_id, title=_text(data, "title", where), kind=kind, start=start,
                amount=amount,
                cites=tuple(sources[cite] for cite in cites), example=example,
                note=_text(data, "note", where, required=False), **extra)


def load_version(path: Path) -> RegimeVersion:
    """Read and check one regime file; raise RegimeError naming the file and what is wrong."""
    name = _display(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RegimeError(f"{name}: cannot be read as JSON ({error})") from None
    if not isinstance(data, dict):
        raise RegimeError(f"{name}: must hold one object with regime, version, valid_from, sources and rules")
    if unknown := sorted(set(data) - FILE_FIELDS):
        raise RegimeError(f"{name}: unknown field {', '.join(unknown)}")
    valid_from = _date(data.get("valid_from"), f"{name}: valid_from")
    valid_to = None if data.get("valid_to") is None else _date(data["valid_to"], f"{name}: valid_to")
    if valid_to and valid_to < valid_from:
        raise RegimeError(f"{name}: valid_to ({valid_to}) is before valid_from ({valid_from})")
    sources = {}
    for item in data.get("sources") or []:
        if not isinstance(item, dict):
            raise RegimeError(f"{name}: each source must be an object with id, title and url")
        where = f"{name}, source {item.get('id')!r}"
        url = _text(item, "url", where)
        if not url.startswith("https://"):
            raise RegimeError(f"{where}: the url must be a https:// address")
        source = Source(id=_text(item, "id", where), title=_text(item, "title", where), url=url)
        sources[source.id] = source
    rules = {}
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RegimeError(f"{name}: “rules” must be a list of at least one rule")
    for number, item in enumerate(raw_rules, start=1):
        rule = _rule(item, f"{name}, rule {number}", sources, rules)
        rules[rule.id] = rule
    return RegimeVersion(
        regime=_text(data, "regime", name), title=_text(data, "title", name), version=_text(data, "version", name),
        version_title=_text(data, "version_title", name), valid_from=valid_from, valid_to=valid_to,
        trigger=_text(data, "trigger", name), sources=tuple(sources.values()), rules=tuple(rules.values()),
        path=path)


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(REGIMES_DIR.parent.parent))
    except ValueError:
        return str(path)


def load_regimes(directory: Path = REGIMES_DIR) -> dict[str, Regime]:
    """Every regime in ``directory`` (one ``*.json`` file per version), checked; raises
    RegimeError on the first bad file, or on two versions of one regime whose dates overlap."""
    by_regime: dict[str, list[RegimeVersion]] = {}
    for path in sorted(directory.glob("*.json")):
        version = load_version(path)
        by_regime.setdefault(version.regime, []).append(version)
    regimes = {}
    for key, versions in by_regime.items():
        versions.sort(key=lambda version: version.valid_from)
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                raise RegimeError(
                    f"{_display(later.path)}: version {later.version} of “{key}” starts on {later.valid_from}, "
                    f"while version {earlier.version} ({_display(earlier.path)}) is still in force "
                    f"({earlier.period}); end the earlier version (valid_to) the day before.")
            if earlier.version == later.version:
                raise RegimeError(f"{_display(later.path)}: version {later.version} of “{key}” is also in "
                                  f"{_display(earlier.path)}")
        titles = {version.title for version in versions}
        if len(titles) > 1:
            raise RegimeError(f"regime “{key}”: its files give different titles ({', '.join(sorted(titles))})")
        regimes[key] = Regime(key=key, title=versions[0].title, versions=tuple(versions))
    return regimes


@cache
def regimes() -> dict[str, Regime]:
    """The regimes shipped with the project, loaded once per process."""
    return load_regimes()


def regime_choices() -> list[tuple[str, str]]:
    return [(key, regime.title) for key, regime in sorted(regimes().items(), key=lambda item: item[1].title)]


@dataclass
class Clock:
    """A plan's clock: its regime's version in force on the trigger date, and the dates that follow."""

    version: RegimeVersion
    trigger: datetime.date
    deadlines: list[Deadline] = field(default_factory=list)

    def with_states(self, as_of: datetime.date, *, soon_working_days: int) -> list[tuple[Deadline, str]]:
        return [(deadline, deadline.state(as_of, soon_working_days=soon_working_days)) for deadline in self.deadlines]


def clock_for(regime_key: str, trigger: datetime.date | None) -> Clock | None:
    """The clock a plan with this regime and trigger date runs, or None when it has none (or
    no version of the regime is in force on that date, which the plan form refuses)."""
    regime = regimes().get(regime_key or "")
    if regime is None or trigger is None:
        return None
    version = regime.version_on(trigger)
    if version is None:
        return None
    return Clock(version=version, trigger=trigger, deadlines=version.deadlines(trigger))


def check_regime_files(app_configs=None, **kwargs):
    """A system check (``manage.py check``, migrate, runserver): a bad regime file stops the site
    with the file's message, rather than showing wrong deadlines."""
    from django.core.checks import Error

    try:
        load_regimes()
    except RegimeError as error:
        return [Error(str(error), hint="Fix the file in improvement/regimes/ (docs/design.md, statutory clocks).",
                      id="improvement.E001")]
    return []
