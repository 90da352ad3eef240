"""The rules of a measure's impact, as plain functions of its figures: the target on a date
(interpolated along the trajectory of dated targets), the RAG of a value against that target
and the measure's tolerance, the direction of travel between two values, and reading a value
typed in the measure's unit. The models (``Measure``, ``MeasureValue``) and every page, export
and pack call these, so that one definition decides them all. Nothing here touches the database.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

PERCENTAGE = "percentage"
NUMBER = "number"
DAYS = "days"
RATE = "rate_per_10000"

HIGHER = "higher"
LOWER = "lower"


@dataclass(frozen=True)
class Rag:
    """A measure's RAG: computed from its target and tolerance, never typed."""

    code: str
    label: str
    colour: str  # a govuk-tag colour, as RAG statuses use
    severity: int  # higher is worse; 0 where nothing is judged

    @property
    def is_judged(self) -> bool:
        return self.severity > 0

    @property
    def css_class(self) -> str:
        return f"app-rag--{self.colour}"


ON_TARGET = Rag("on_target", _("On target"), "green", 1)
WITHIN_TOLERANCE = Rag("within_tolerance", _("Within tolerance"), "amber", 2)
OFF_TARGET = Rag("off_target", _("Off target"), "red", 3)
NO_TARGET = Rag("no_target", _("No target set"), "grey", 0)
NO_VALUE = Rag("no_value", _("No value"), "grey", 0)
RAGS = {rag.code: rag for rag in (ON_TARGET, WITHIN_TOLERANCE, OFF_TARGET, NO_TARGET, NO_VALUE)}


def period_end(period: datetime.date) -> datetime.date:
    """A value for a period is judged against the target on the period's last day."""
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def target_on(day: datetime.date, targets, baseline=None) -> Decimal | None:
    """The target on ``day`` along the trajectory.

    ``targets`` are (date, value) pairs. Between two dated targets the target moves in a
    straight line from one to the next; from the baseline (a (date, value) pair, if set) to the
    first target likewise; after the last target its value holds. Before the first target, with
    no baseline to start the line from, there is no target yet (None): the measure has no RAG.

    A target between two points is rounded to the precision the trajectory is written in (targets
    of 36% and 60% give whole per cents, 93.5% gives tenths): the board is shown the target the
    value is judged against, not "58.36%", which nobody set.
    """
    points = sorted(targets)
    if not points:
        return None
    if baseline is not None and baseline[0] is not None and baseline[1] is not None and baseline[0] < points[0][0]:
        points.insert(0, baseline)
    elif day < points[0][0]:
        return None
    if day <= points[0][0]:
        return points[0][1] if day == points[0][0] or len(points) == 1 else None
    for (start, start_value), (end, end_value) in zip(points, points[1:], strict=False):
        if start <= day <= end:
            fraction = Decimal((day - start).days) / Decimal((end - start).days)
            return _to_places(start_value + (end_value - start_value) * fraction, _places(points))
    return points[-1][1]


def _places(points) -> int:
    """Decimal places the trajectory is written in: the most any of its points has."""
    return max((-min(0, Decimal(value).normalize().as_tuple().exponent) for _day, value in points), default=0)


def _to_places(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rag_of(value: Decimal | None, target: Decimal | None, *, tolerance: Decimal, polarity: str) -> Rag:
    """On or better than target is On target (Green); worse by no more than the tolerance is
    Within tolerance (Amber); worse still is Off target (Red). No target, no RAG."""
    if target is None:
        return NO_TARGET
    if value is None:
        return NO_VALUE
    shortfall = (target - value) if polarity == HIGHER else (value - target)
    if shortfall <= 0:
        return ON_TARGET
    if shortfall <= tolerance:
        return WITHIN_TOLERANCE
    return OFF_TARGET


@dataclass(frozen=True)
class Direction:
    """How a measure moved between two values, in words: "improving: 36% to 52% since
    September 2012"."""

    code: str  # improving, worsening, no_change, not_enough_data
    words: str
    arrow: str

    @property
    def detail(self) -> str:
        """The figures alone ("36% to 52% since September 2012"), for beside the label."""
        return self.words.split(": ", 1)[1] if ": " in self.words else ""

    @property
    def label(self) -> str:
        return {"improving": gettext("Improving"), "worsening": gettext("Worsening"),
                "no_change": gettext("No change")}.get(self.code, gettext("Not enough data"))


def direction_of(earlier, latest, *, polarity: str, unit: str) -> Direction:
    """``earlier`` and ``latest`` are (period, value) pairs, or None."""
    if earlier is None or latest is None:
        return Direction("not_enough_data", gettext("not enough values yet to show a direction"), "")
    (since, before), (_latest_period, now) = earlier, latest
    month = date_format(since, "F Y")
    figures = {"before": format_value(before, unit), "now": format_value(now, unit), "since": month}
    if now == before:
        return Direction("no_change", gettext("no change: %(now)s since %(since)s") % figures, "→")
    better = now > before if polarity == HIGHER else now < before
    if better:
        return Direction("improving", gettext("improving: %(before)s to %(now)s since %(since)s") % figures,
                         "↑" if now > before else "↓")
    return Direction("worsening", gettext("worsening: %(before)s to %(now)s since %(since)s") % figures,
                     "↑" if now > before else "↓")


UNIT_WORDS = {PERCENTAGE: _("a percentage"), NUMBER: _("a number"), DAYS: _("a number of days"),
              RATE: _("a rate per 10,000 children")}


def format_value(value: Decimal | None, unit: str) -> str:
    """A value as pages and packs show it: "52.3%", "14 days", "38.5 per 10,000", "120"."""
    if value is None:
        return "–"
    text = f"{value.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    if unit == PERCENTAGE:
        return f"{text}%"
    if unit == DAYS:
        return ngettext("%(value)s day", "%(value)s days", 1 if value == 1 else 2) % {"value": text}
    if unit == RATE:
        return gettext("%(value)s per 10,000") % {"value": text}
    return text


# English and Welsh (what format_value writes in Welsh reads back): "14 diwrnod", "38.5 fesul 10,000".
_SUFFIXES = {PERCENTAGE: ("%", "per cent", "percent", "y cant"), DAYS: ("days", "day", "diwrnod"),
             RATE: ("per 10,000", "per 10000", "per 10k", "fesul 10,000", "fesul 10000")}
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")


def parse_value(text, unit: str) -> Decimal:
    """Read a value typed in the measure's unit, or raise ValueError with a message that says
    what to fix: "52", "52%" and "52.5 per cent" for a percentage; "14" or "14 days" for days.
    A unit other than the measure's own ("52%" for a number of days) is refused, as is a
    percentage outside 0 to 100 or a negative figure."""
    if isinstance(text, (int, float, Decimal)):
        number, written = Decimal(str(text)), str(text)
    else:
        written = " ".join(str(text or "").split())
        if not written:
            raise ValueError(gettext("Enter a value"))
        lowered = written.lower().replace(",", "")
        suffix = next((s for s in _SUFFIXES.get(unit, ()) if lowered.endswith(s.replace(",", ""))), None)
        figure = lowered[: -len(suffix.replace(",", ""))].strip() if suffix else lowered
        if not _NUMBER.fullmatch(figure):
            other = next((u for u, suffixes in _SUFFIXES.items() if u != unit
                          and any(lowered.endswith(s.replace(",", "")) for s in suffixes)), None)
            if other:
                raise ValueError(gettext("“%(written)s” is %(other)s, but this measure is counted as %(unit)s: "
                                         "enter %(unit)s") % {"written": written, "other": UNIT_WORDS[other],
                                                              "unit": UNIT_WORDS[unit]})
            raise ValueError(gettext("“%(written)s” is not %(unit)s: enter a figure such as %(example)s") % {
                "written": written, "unit": UNIT_WORDS[unit], "example": _EXAMPLES[unit]})
        try:
            number = Decimal(figure)
        except InvalidOperation:
            raise ValueError(gettext("“%(written)s” is not %(unit)s") % {
                "written": written, "unit": UNIT_WORDS[unit]}) from None
    check_value(number, unit, written=written)
    return number


_EXAMPLES = {PERCENTAGE: _("52.5 or 52.5%"), NUMBER: "120", DAYS: "14", RATE: "38.5"}


def check_value(number: Decimal, unit: str, *, written: str | None = None) -> None:
    """Raise ValueError if ``number`` cannot be a value in ``unit``."""
    shown = written or f"{number}"
    if not number.is_finite():
        raise ValueError(gettext("“%(value)s” is not a figure") % {"value": shown})
    if number < 0:
        raise ValueError(gettext("“%(value)s” is below zero: %(unit)s cannot be negative") % {
            "value": shown, "unit": UNIT_WORDS[unit]})
    if unit == PERCENTAGE and number > 100:
        raise ValueError(gettext("“%(value)s” is more than 100: a percentage is between 0 and 100") % {"value": shown})
    if abs(number.as_tuple().exponent) > 4 or number >= Decimal("1e12"):
        raise ValueError(gettext("“%(value)s” has more digits than a value can hold (at most 4 after the point)")
                         % {"value": shown})


def check_tolerance(tolerance: Decimal, unit: str) -> None:
    """A tolerance is how far worse than target a value may be and still be Within tolerance:
    below zero the Amber band would overlap Green; for a percentage, more than 100 points
    would reach past any possible value."""
    if tolerance < 0:
        raise ValueError(gettext("The tolerance is below zero, which would make the Within tolerance band overlap "
                                 "On target: enter 0 or more"))
    if unit == PERCENTAGE and tolerance > 100:
        raise ValueError(gettext("The tolerance is more than 100 percentage points, which no percentage can fall "
                                 "short by: enter 100 or less"))
