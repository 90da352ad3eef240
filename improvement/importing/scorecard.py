"""Read measure values in bulk: the council's performance scorecard (XLSX or CSV) and published
benchmarks (a CSV in the layout of DfE's Explore Education Statistics open data files).

``read_scorecard(sheets, plan)`` and ``read_benchmark(sheet, measure, ...)`` read sheets already
read by ``readers.read_upload`` and write nothing: they return a ``Preview`` of the values that
would be recorded, the ones skipped, and the problems, each with its sheet, row and column so
that the manager can fix the file. ``apply(preview, by=...)`` writes everything in one
transaction, through ``Measure.record_value(via="import")`` (the only way to create a value),
or nothing.

A scorecard comes in two layouts:

- wide: one row per measure, one column per month. A month heading may be "Apr 2012",
  "April 2012", "May-12", "2012-05", "05/2012" or a real Excel date; or a month alone ("Apr")
  under a year in the row above ("2012/13" for a financial year, "2012" for a calendar one),
  typically written once in cells merged across the months. openpyxl's read-only reader gives a
  merged cell's text to its first cell only, so a year is carried to the right until the next.
- long: one row per measure and period, with columns measure (or reference), period, value and,
  optionally, commentary.

Rows are matched to the plan's measures by reference or name, ignoring case and spacing. A blank
cell is no value for that month; a value equal to the one already counting for the period is
skipped; a different one supersedes it.
"""

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import ComparatorValue, Measure, MeasureValue, first_of_month, period_label
from .readers import Cell, Sheet

WIDE, LONG = "wide", "long"

_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_YEAR = re.compile(_MONTH + r"[\s\-/']*(\d{4}|\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[ t].*)?")
_MONTH_NUMBER_YEAR = re.compile(r"(\d{1,2})[-/](\d{4})")
_MONTH_ONLY = re.compile(_MONTH)
_FINANCIAL_YEAR = re.compile(r"(?:fy\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})")
_CALENDAR_YEAR = re.compile(r"(\d{4})")

# Headings of the columns that a wide scorecard keeps beside its months, which are not months.
_NOT_MONTHS = {"target", "targets", "commentary", "comment", "comments", "notes", "note", "rag", "trend", "direction",
               "direction of travel", "polarity", "unit", "baseline", "owner", "lead", "frequency", "good is",
               "data source", "source", "england", "region", "statistical neighbours", "ytd", "year to date"}
_MEASURE_HEADINGS = {"measure", "measure name", "name", "indicator", "indicator name", "performance indicator",
                     "description", "pi"}
_REFERENCE_HEADINGS = {"reference", "ref", "ref no", "measure reference", "pi ref", "code", "id", "indicator ref"}
_PERIOD_HEADINGS = {"period", "month", "reporting period", "date"}
_VALUE_HEADINGS = {"value", "actual", "result", "figure", "performance"}
_COMMENTARY_HEADINGS = {"commentary", "comment", "comments", "notes", "note"}

# Explore Education Statistics open data: the columns that say when and where, not what.
EES_COLUMNS = {"time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
               "region_name", "old_la_code", "new_la_code", "la_name", "lad_code", "lad_name", "pcon_code",
               "pcon_name", "opportunity_area_code", "opportunity_area_name", "ward_code", "ward_name",
               "local_enterprise_partnership_code", "local_enterprise_partnership_name", "english_devolved_area_code",
               "english_devolved_area_name", "school_laestab", "school_urn", "school_name"}
# EES symbols for a figure that is not given: c confidential, x not available, z not applicable,
# "." not applicable, "u" low reliability, ":" not available, "low" a count too small to show.
SUPPRESSED = {"c", "x", "z", ".", "u", ":", "low", "..", "-", "~"}


def _key(text: str) -> str:
    return " ".join(str(text or "").lower().split())


def column_letter(index: int) -> str:
    """A (0-based) column index as a spreadsheet names it: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: int | None  # 0-based
    message: str

    @property
    def where(self) -> str:
        parts = [_("Sheet “%(sheet)s”") % {"sheet": self.sheet}]
        if self.row is not None:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column is not None:
            parts.append(_("column %(column)s") % {"column": column_letter(self.column)})
        return ", ".join(parts)

    def __str__(self):
        return _("%(where)s: %(message)s") % {"where": self.where, "message": self.message}


class _Shown:
    """How an entry of the preview reads: its period, its figure and the one it replaces, in the
    measure's unit."""

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @property
    def value_text(self) -> str:
        return self.measure.format(self.value)

    @property
    def previous_text(self) -> str:
        return self.measure.format(self.previous.value) if self.previous else ""


@dataclass
class Entry(_Shown):
    """One value that the import will record."""

    measure: Measure
    period: datetime.date
    value: Decimal
    commentary: str = ""
    previous: MeasureValue | None = None  # the value it supersedes


@dataclass
class ComparatorEntry(_Shown):
    """One benchmark figure that the import will store (or replace)."""

    measure: Measure
    period: datetime.date
    comparator: str
    area: str
    value: Decimal
    source: str
    previous: ComparatorValue | None = None


@dataclass
class Preview:
    entries: list[Entry] = field(default_factory=list)
    comparators: list[ComparatorEntry] = field(default_factory=list)
    unchanged: int = 0  # values equal to what already counts, skipped
    notes: list[Problem] = field(default_factory=list)  # skipped, not blocking
    problems: list[Problem] = field(default_factory=list)  # blocking: nothing is written while there are any

    @property
    def new(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.previous is None]

    @property
    def superseding(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.previous is not None]

    @property
    def has_changes(self) -> bool:
        return bool(self.entries or self.comparators)

    @property
    def button_label(self) -> str:
        """"Record 3 values and 2 comparator figures": what confirming does."""
        values, figures = len(self.entries), len(self.comparators)
        text = ngettext("Record %(count)s value", "Record %(count)s values", values) % {"count": values}
        if not figures:
            return text
        return ngettext("%(values)s and %(count)s comparator figure", "%(values)s and %(count)s comparator figures",
                        figures) % {"values": text, "count": figures}


# --- periods ---------------------------------------------------------------------------------------

def _full_year(digits: str) -> int:
    year = int(digits)
    return year + 2000 if year < 100 else year


def parse_period(cell: Cell | str) -> datetime.date | None:
    """The month a heading or cell names ("Apr 2012", "May-12", "2012-05", a real date), or None."""
    value = cell.value if isinstance(cell, Cell) else None
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = _key(cell.text if isinstance(cell, Cell) else cell)
    if match := _MONTH_YEAR.fullmatch(text):
        return datetime.date(_full_year(match[2]), _MONTHS[match[1]], 1)
    if match := _YEAR_MONTH.fullmatch(text):
        month = int(match[2])
        return datetime.date(int(match[1]), month, 1) if 1 <= month <= 12 else None
    if match := _MONTH_NUMBER_YEAR.fullmatch(text):
        month = int(match[1])
        return datetime.date(int(match[2]), month, 1) if 1 <= month <= 12 else None
    return None


def _year_of(text: str) -> tuple[int, bool] | None:
    """(first year, is a financial year) of a year heading: "2012/13" → (2012, True), "2012" → (2012, False)."""
    text = _key(text)
    if match := _FINANCIAL_YEAR.fullmatch(text):
        start, end = int(match[1]), _full_year(match[2]) if len(match[2]) == 2 else int(match[2])
        if end == start + 1:
            return start, True
        return None
    if match := _CALENDAR_YEAR.fullmatch(text):
        return int(match[1]), False
    return None


def _month_under(text: str, year: tuple[int, bool] | None) -> datetime.date | None:
    """A month alone ("Apr") under its year heading."""
    match = _MONTH_ONLY.fullmatch(_key(text))
    if not match or year is None:
        return None
    month = _MONTHS[match[1]]
    start, financial = year
    return datetime.date(start + 1 if financial and month < 4 else start, month, 1)


# --- the plan's measures and their values ------------------------------------------------------------

class _Plan:
    """What the import checks against: the plan's measures by reference and name, and the value that
    counts now for each measure and period."""

    def __init__(self, plan, measures=None):
        self.plan = plan
        self.measures = list(measures if measures is not None else Measure.objects.filter(plan=plan))
        self.by_key = {}
        for measure in self.measures:
            self.by_key.setdefault(_key(measure.name), measure)
        for measure in self.measures:
            if measure.reference:
                self.by_key[_key(measure.reference)] = measure
        self.counting = {(value.measure_id, value.period): value for value in
                         MeasureValue.objects.reporting().filter(measure__in=self.measures)}

    def find(self, cells: list[Cell]) -> Measure | None:
        for cell in cells:
            if measure := self.by_key.get(_key(cell.text)):
                return measure
        return None


def _number_text(cell: Cell) -> str:
    """A value cell as text for ``Measure.parse``: a spreadsheet's float without its binary noise
    (0.1 + 0.2 is 0.30000000000000004)."""
    if isinstance(cell.value, float) and math.isfinite(cell.value) and abs(cell.value) < 1e12:
        return format(Decimal(repr(cell.value)).quantize(Decimal("0.0001")).normalize(), "f")
    return cell.text


def _check(plan: _Plan, measure: Measure, period: datetime.date, cell: Cell) -> Decimal:
    """The value of ``cell`` for ``measure`` and ``period``, or ValueError saying what is wrong, with
    the same rules as ``Measure.record_value``."""
    value = measure.parse(_number_text(cell))
    if measure.baseline_date and period < first_of_month(measure.baseline_date):
        raise ValueError(_("%(period)s is before the baseline of “%(measure)s” (%(baseline)s): values start from "
                           "the baseline") % {"period": period_label(period), "measure": measure.name,
                                              "baseline": date_format(measure.baseline_date, "F Y")})
    if period > plan.plan.current_period:
        raise ValueError(_("%(period)s is after the plan's current period (%(current)s): values are for periods that "
                           "have started") % {"period": period_label(period),
                                              "current": period_label(plan.plan.current_period)})
    return value


def _add(preview: Preview, plan: _Plan, seen: dict, measure, period, value, commentary, problem_at) -> None:
    key = (measure.pk, period)
    if key in seen:
        preview.problems.append(problem_at(_("“%(measure)s” has a second value for %(period)s (the first is at "
                                             "%(first)s): keep one") % {"measure": measure.name,
                                                                        "period": period_label(period),
                                                                        "first": seen[key]}))
        return
    seen[key] = problem_at("").where
    previous = plan.counting.get(key)
    if previous is not None and previous.value == value:
        preview.unchanged += 1
        return
    preview.entries.append(Entry(measure, period, value, commentary, previous))


# --- scorecards --------------------------------------------------------------------------------------

def read_scorecard(sheets: list[Sheet], plan, layout: str | None = None) -> Preview:
    """What a scorecard would record, sheet by sheet; ``layout`` (wide or long) is found from the
    headings when not given."""
    preview = Preview()
    context = _Plan(plan)
    seen: dict = {}
    read_any = False
    for sheet in sheets:
        if not any(cell.text.strip() for row in sheet.rows for cell in row):
            continue
        found = layout or _layout_of(sheet)
        if found == LONG:
            read_any |= _read_long(sheet, context, preview, seen)
        else:
            read_any |= _read_wide(sheet, context, preview, seen)
    if not read_any:
        name = sheets[0].name if sheets else _("file")
        preview.problems.append(Problem(name, None, None, _("No measures and months were found. A scorecard has "
                                                            "either a row per measure with a column per month (“Apr "
                                                            "2012”, “May 2012”…) or columns measure, period and "
                                                            "value")))
    return preview


def _layout_of(sheet: Sheet) -> str:
    for row in sheet.rows[:10]:
        headings = {_key(cell.text) for cell in row}
        if headings & _PERIOD_HEADINGS and headings & _VALUE_HEADINGS:
            return LONG
    return WIDE


def _periods_of(sheet: Sheet):
    """(row index of the month headings, {column: period}, [(column, heading) not read]) of a wide
    sheet, or None when no row of month headings is found in its first ten rows."""
    for index, row in enumerate(sheet.rows[:10]):
        periods = {column: period for column, cell in enumerate(row) if (period := parse_period(cell))}
        if not periods and index > 0:
            years, year = {}, None
            above = sheet.rows[index - 1]
            for column in range(len(row)):
                text = above[column].text if column < len(above) else ""
                if text.strip():
                    year = _year_of(text)
                years[column] = year
            periods = {column: period for column, cell in enumerate(row)
                       if (period := _month_under(cell.text, years.get(column)))}
        if periods:
            first = min(periods)
            unread = [(column, cell.text) for column, cell in enumerate(row)
                      if column > first and column not in periods and cell.text.strip()
                      and _key(cell.text) not in _NOT_MONTHS]
            return index, periods, unread, first
    return None


def _read_wide(sheet: Sheet, plan: _Plan, preview: Preview, seen: dict) -> bool:
    found = _periods_of(sheet)
    if found is None:
        return False
    header, periods, unread, first = found
    for column, text in unread:
        preview.problems.append(Problem(sheet.name, header + 1, column,
                                        _("The heading “%(text)s” is not a month: write it as “Apr 2012” or "
                                          "“2012-04”, or as a month under its year") % {"text": text}))
    for index, row in enumerate(sheet.rows[header + 1:], start=header + 2):
        labels = row[:first]
        values = [(column, row[column]) for column in sorted(periods)
                  if column < len(row) and row[column].text.strip()]
        if not values:
            continue  # a blank row, or a heading such as "Early help"
        measure = plan.find(labels)
        if measure is None:
            shown = " ".join(cell.text.strip() for cell in labels if cell.text.strip()) or _("(blank)")
            preview.problems.append(Problem(sheet.name, index, 0, _not_a_measure(shown)))
            continue
        for column, cell in values:
            def at(message, column=column, index=index):
                return Problem(sheet.name, index, column, message)
            try:
                value = _check(plan, measure, periods[column], cell)
            except ValueError as error:
                preview.problems.append(at(_value_problem(measure, periods[column], error)))
                continue
            _add(preview, plan, seen, measure, periods[column], value, "", at)
    return True


def _not_a_measure(shown: str) -> str:
    return _("“%(shown)s” is not a measure of this plan: write its reference or name as on the plan's measures") % {
        "shown": shown}


def _value_problem(measure: Measure, period: datetime.date, error) -> str:
    return _("%(measure)s, %(period)s: %(problem)s") % {"measure": measure.name, "period": period_label(period),
                                                        "problem": error}


def _column(headings: list[str], names: set) -> int | None:
    return next((index for index, heading in enumerate(headings) if heading in names), None)


def _read_long(sheet: Sheet, plan: _Plan, preview: Preview, seen: dict) -> bool:
    header = next((index for index, row in enumerate(sheet.rows[:10])
                   if {_key(cell.text) for cell in row} & _PERIOD_HEADINGS
                   and {_key(cell.text) for cell in row} & _VALUE_HEADINGS), None)
    if header is None:
        return False
    headings = [_key(cell.text) for cell in sheet.rows[header]]
    period_at, value_at = _column(headings, _PERIOD_HEADINGS), _column(headings, _VALUE_HEADINGS)
    label_columns = [i for i in (_column(headings, _REFERENCE_HEADINGS), _column(headings, _MEASURE_HEADINGS))
                     if i is not None]
    if not label_columns:
        preview.problems.append(Problem(sheet.name, header + 1, None,
                                        _("There is no measure column: add a column headed “measure” with each "
                                          "measure's reference or name")))
        return True
    commentary_at = _column(headings, _COMMENTARY_HEADINGS)

    def cell_at(row, column):
        return row[column] if column is not None and column < len(row) else Cell("")

    for index, row in enumerate(sheet.rows[header + 1:], start=header + 2):
        if not any(cell.text.strip() for cell in row):
            continue
        value_cell = cell_at(row, value_at)
        if not value_cell.text.strip():
            continue  # no value for that period
        measure = plan.find([cell_at(row, column) for column in label_columns])
        if measure is None:
            shown = " ".join(cell_at(row, c).text.strip() for c in label_columns if cell_at(row, c).text.strip())
            preview.problems.append(Problem(sheet.name, index, label_columns[0], _not_a_measure(shown or _("(blank)"))))
            continue
        period = parse_period(cell_at(row, period_at))
        if period is None:
            preview.problems.append(Problem(sheet.name, index, period_at,
                                            _("“%(text)s” is not a month: write it as “Apr 2012” or “2012-04”")
                                            % {"text": cell_at(row, period_at).text}))
            continue

        def at(message, column=value_at, index=index):
            return Problem(sheet.name, index, column, message)
        try:
            value = _check(plan, measure, period, value_cell)
        except ValueError as error:
            preview.problems.append(at(_value_problem(measure, period, error)))
            continue
        _add(preview, plan, seen, measure, period, value, cell_at(row, commentary_at).text.strip(), at)
    return True


# --- benchmarks (Explore Education Statistics) --------------------------------------------------------

def _headings(sheet: Sheet) -> list[str]:
    return [_key(cell.text) for cell in sheet.rows[0]] if sheet.rows else []


def benchmark_columns(sheet: Sheet) -> list[str]:
    """The indicator columns of an EES open data file: every column that is not time or geography."""
    headings = _headings(sheet)
    if "time_period" not in headings or "geographic_level" not in headings:
        return []
    return [cell.text.strip() for cell in sheet.rows[0] if _key(cell.text) not in EES_COLUMNS and cell.text.strip()]


def annual_period(time_period: str, time_identifier: str) -> datetime.date:
    """The period that holds an annual figure: its year's last month. A calendar year 2012 → December
    2012; a financial or reporting year 201213 → March 2013 (and a reporting year 2013, the year to
    March 2013, → March 2013). ValueError otherwise."""
    text, identifier = time_period.strip(), _key(time_identifier)
    if identifier == "calendar year" and re.fullmatch(r"\d{4}", text):
        return datetime.date(int(text), 12, 1)
    if identifier in {"financial year", "reporting year"}:
        if re.fullmatch(r"\d{6}", text) and int(text[4:]) == (int(text[:4]) + 1) % 100:
            return datetime.date(int(text[:4]) + 1, 3, 1)
        if identifier == "reporting year" and re.fullmatch(r"\d{4}", text):
            return datetime.date(int(text), 3, 1)
    raise ValueError(_("“%(period)s” (%(identifier)s) is not a year the importer reads: a calendar year such as "
                       "2012, or a financial or reporting year such as 201213")
                     % {"period": time_period, "identifier": time_identifier or _("no time identifier")})


def read_benchmark(sheet: Sheet, measure: Measure, *, column: str, la_code: str, source: str = "") -> Preview:
    """What an EES file would store for ``measure``: the council's own values (the Local authority
    rows with its LA code) and the comparators England (the National rows) and the council's region
    (the Regional rows named as the council's rows name it)."""
    preview = Preview()
    headings = _headings(sheet)
    name = sheet.name
    missing = [heading for heading in ("time_period", "time_identifier", "geographic_level") if heading not in headings]
    if missing:
        preview.problems.append(Problem(name, 1, None, _("This is not an Explore Education Statistics open data "
                                                         "file: it has no column %(columns)s")
                                        % {"columns": ", ".join(missing)}))
        return preview
    if _key(column) not in headings:
        preview.problems.append(Problem(name, 1, None, _("There is no column “%(column)s”: choose one of %(columns)s")
                                        % {"column": column, "columns": ", ".join(benchmark_columns(sheet))}))
        return preview
    at = {heading: index for index, heading in reversed(list(enumerate(headings)))}
    value_at = at[_key(column)]
    code = _key(la_code)

    def text(row, heading):
        index = at.get(heading)
        return row[index].text.strip() if index is not None and index < len(row) else ""

    rows = list(enumerate(sheet.rows[1:], start=2))
    council = [(i, row) for i, row in rows if _key(text(row, "geographic_level")) == "local authority"
               and code in {_key(text(row, "new_la_code")), _key(text(row, "old_la_code"))}]
    if not council:
        preview.problems.append(Problem(name, None, None, _("No Local authority row has the LA code “%(code)s”: "
                                                            "check the code (e.g. E08000030) against the file's "
                                                            "new_la_code column") % {"code": la_code}))
        return preview
    region = next((text(row, "region_name") for _i, row in council if text(row, "region_name")), "")
    context = _Plan(measure.plan, [measure])
    existing = {(c.period, c.comparator): c for c in ComparatorValue.objects.filter(measure=measure)}
    seen: dict = {}
    where = source or name

    chosen = [(i, row, None) for i, row in council]
    for i, row in rows:
        level = _key(text(row, "geographic_level"))
        if level == "national" and _key(text(row, "country_name")) in {"england", ""}:
            chosen.append((i, row, ("england", "England")))
        elif level == "regional" and region and _key(text(row, "region_name")) == _key(region):
            chosen.append((i, row, ("region", region)))
    for i, row, comparator in chosen:
        cell = row[value_at] if value_at < len(row) else Cell("")
        if not cell.text.strip() or _key(cell.text) in SUPPRESSED:
            continue

        def problem(message, i=i, column=value_at):
            return Problem(name, i, column, message)
        try:
            period = annual_period(text(row, "time_period"), text(row, "time_identifier"))
        except ValueError as error:
            preview.problems.append(problem(str(error), column=at["time_period"]))
            continue
        try:
            value = measure.parse(_number_text(cell))
        except ValueError as error:
            preview.problems.append(problem(_value_problem(measure, period, error)))
            continue
        if comparator is None:
            try:
                _check(context, measure, period, cell)
            except ValueError as error:  # a published series reaches back before the plan: not an error
                preview.notes.append(problem(_("Not recorded as the council's value: %(reason)s") % {"reason": error}))
                continue
            _add(preview, context, seen, measure, period, value, "", problem)
            continue
        kind, area = comparator
        if (period, kind) in seen:
            preview.problems.append(problem(_("A second %(area)s figure for %(period)s: keep one")
                                            % {"area": area, "period": period_label(period)}))
            continue
        seen[(period, kind)] = True
        previous = existing.get((period, kind))
        if previous is not None and previous.value == value and previous.area == area:
            preview.unchanged += 1
            continue
        preview.comparators.append(ComparatorEntry(measure, period, kind, area, value,
                                                   f"{where}, column {column}"[:300], previous))
    return preview


def preview_import(record) -> Preview:
    """What confirming a ``MeasureImport`` would record, read again from its stored sheets against
    the plan as it is now."""
    sheets = record.read_sheets()
    if record.kind == record.Kind.BENCHMARK:
        return read_benchmark(sheets[0], record.measure, column=record.indicator, la_code=record.la_code,
                              source=record.filename)
    return read_scorecard(sheets, record.plan)


# --- writing -----------------------------------------------------------------------------------------

@transaction.atomic
def apply(preview: Preview, *, by) -> dict:
    """Record every value and store every comparator of a preview without problems, all or nothing.
    A value ``record_value`` refuses (the plan changed since the preview) raises ValidationError
    and writes nothing."""
    if preview.problems:
        raise ValidationError(_("The import has problems to fix first; nothing was recorded."))
    for entry in preview.entries:
        try:
            entry.measure.record_value(period=entry.period, value=entry.value, by=by, commentary=entry.commentary,
                                       via=MeasureValue.Via.IMPORT)
        except ValidationError as error:
            messages = "; ".join(message for messages in error.message_dict.values() for message in messages)
            raise ValidationError(_("%(measure)s, %(period)s: %(problem)s") % {
                "measure": entry.measure.name, "period": entry.period_label, "problem": messages}) from None
    for entry in preview.comparators:
        ComparatorValue.objects.update_or_create(
            measure=entry.measure, period=entry.period, comparator=entry.comparator,
            defaults={"area": entry.area, "value": entry.value, "source": entry.source})
    return {"new": len(preview.new), "superseding": len(preview.superseding), "unchanged": preview.unchanged,
            "comparators": len(preview.comparators)}
