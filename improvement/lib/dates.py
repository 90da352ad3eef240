"""Calendar arithmetic: whole months (``add_months``, the project's one month rule), and
working days in England and Wales: Monday to Friday, less the bank and public holidays of
England and Wales (New Year's Day, Good Friday, Easter Monday, the May and August bank
holidays, Christmas Day, Boxing Day, their substitute days, and one-off days such as the 2012
Diamond Jubilee), as the Education and Inspections Act 2006 (Inspection of Local Authorities)
Regulations 2007 count a "working day".

The holidays come from the ``holidays`` package (``UnitedKingdom(subdiv="ENG")``, the same days
as Wales): it knows past years and works future ones out from the rules, so a one-off holiday
announced later arrives with an upgrade of the package (decision 0017).

"N working days after" a day counts the working days that follow it, the day itself not counted:
a letter received on a Friday has its first working day on the Monday.
"""

import calendar
import datetime
from functools import lru_cache

import holidays


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> dict[datetime.date, str]:
    """England and Wales's bank and public holidays of ``year``, with their names."""
    return dict(holidays.UnitedKingdom(subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``day`` (``count`` >= 0; 0 gives ``day`` itself)."""
    if count < 0:
        raise ValueError("count must not be negative: use working_days_before")
    while count:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day before ``day`` (``count`` >= 0; 0 gives ``day`` itself)."""
    if count < 0:
        raise ValueError("count must not be negative: use add_working_days")
    while count:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def on_or_after(day: datetime.date) -> datetime.date:
    """``day`` if it is a working day, else the next working day (a deadline on a bank holiday
    falls due on the next working day)."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days follow ``start`` up to and including ``end`` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
