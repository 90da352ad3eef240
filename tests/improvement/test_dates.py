"""Working days in England and Wales (improvement/lib/dates.py), against bank holidays as
GOV.UK publishes them: substitute days, Easter, one-off holidays and year ends."""

import datetime

import pytest

from improvement.lib.dates import (
    add_working_days,
    bank_holidays,
    is_working_day,
    on_or_after,
    working_days_before,
    working_days_between,
)

D = datetime.date


@pytest.mark.parametrize("day, name", [
    (D(2026, 12, 25), "Christmas Day"),  # a Friday
    (D(2026, 12, 28), "Boxing Day (observed)"),  # Boxing Day is a Saturday: Monday 28 is the substitute
    (D(2027, 3, 26), "Good Friday"),
    (D(2027, 3, 29), "Easter Monday"),
    (D(2027, 12, 27), "Christmas Day (observed)"),  # 25 and 26 December 2027 are a weekend
    (D(2027, 12, 28), "Boxing Day (observed)"),
    (D(2020, 5, 8), "May Day"),  # moved to the VE Day anniversary in 2020
    (D(2012, 6, 5), "Diamond Jubilee of Elizabeth II"),
    (D(2012, 6, 4), "Spring Bank Holiday"),  # moved from 28 May for the Jubilee
    (D(2023, 5, 8), "Coronation of Charles III"),
])
def test_known_bank_holidays_are_not_working_days(day, name):
    assert bank_holidays(day.year)[day] == name
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [D(2026, 5, 8), D(2012, 5, 28), D(2026, 12, 24), D(2026, 12, 29)])
def test_ordinary_weekdays_are_working_days(day):
    assert is_working_day(day)


def test_weekends_are_not_working_days():
    assert not is_working_day(D(2026, 12, 5)) and not is_working_day(D(2026, 12, 6))


def test_counting_starts_the_day_after_and_skips_the_weekend():
    friday = D(2026, 11, 27)
    assert add_working_days(friday, 1) == D(2026, 11, 30)
    assert add_working_days(friday, 0) == friday


def test_counting_across_christmas_and_the_year_end_skips_every_holiday():
    # Thursday 24 December 2026: then 25 (Fri, holiday), 28 (Mon, substitute), 29, 30, 31, 1 Jan (holiday), 4 Jan.
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    assert add_working_days(D(2026, 12, 24), 4) == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 4


def test_counting_across_easter_2027():
    # Thursday 25 March 2027; Good Friday 26, Easter Monday 29.
    assert add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)


def test_seventy_working_days_after_the_walsall_report():
    # 31 July 2012: August has the late summer holiday (27th), and no holiday until Christmas.
    assert add_working_days(D(2012, 7, 31), 30) == D(2012, 9, 12)
    assert add_working_days(D(2012, 7, 31), 70) == D(2012, 11, 7)


def test_counting_back_is_the_inverse_of_counting_forward():
    for start in (D(2026, 12, 20), D(2027, 3, 24), D(2012, 6, 1)):
        for count in (1, 5, 10, 70):
            later = add_working_days(start, count)
            assert working_days_before(later, count) <= start < later
            assert working_days_between(start, later) == count


def test_counting_back_across_the_new_year():
    assert working_days_before(D(2027, 1, 4), 2) == D(2026, 12, 30)


def test_a_date_on_a_holiday_moves_to_the_next_working_day():
    assert on_or_after(D(2026, 12, 25)) == D(2026, 12, 29)
    assert on_or_after(D(2026, 12, 29)) == D(2026, 12, 29)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        working_days_before(D(2026, 1, 5), -1)


def test_a_month_later_keeps_the_day_or_takes_the_month_end():
    from improvement.lib.dates import add_months

    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 7), 2) == D(2027, 1, 7)
    assert add_months(D(2027, 1, 7), -2) == D(2026, 11, 7)
