"""Statutory clocks' rules (improvement/clocks.py): the regime files shipped with the project
pass the checks, a bad file is refused with a message naming the file and the rule, the version
in force on the trigger date is used, and the dates follow in working days."""

import copy
import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from improvement import clocks
from improvement.clocks import RegimeError, load_regimes

D = datetime.date

VERSION = {
    "regime": "test-regime",
    "title": "Test regime",
    "version": "1",
    "version_title": "First version",
    "valid_from": "2018-01-01",
    "valid_to": "2026-03-31",
    "trigger": "the date the report was received",
    "sources": [{"id": "guide", "title": "The guidance", "url": "https://www.gov.uk/guidance"}],
    "rules": [
        {"id": "plan", "title": "Action plan", "kind": "working_days_after", "from": "trigger", "amount": 70,
         "cite": ["guide"]},
        {"id": "review", "title": "Review", "kind": "months_after", "from": "plan", "amount": 1, "cite": ["guide"]},
        {"id": "report", "title": "Progress report", "kind": "recurring_months", "from": "plan", "amount": 6,
         "count": 2, "cite": [], "example": True},
        {"id": "visit", "title": "First visit", "kind": "window", "from": "plan", "unit": "working_days",
         "amount": 0, "until": 20, "cite": ["guide"]},
    ],
}


def write(directory, name, data):
    (directory / name).write_text(json.dumps(data), encoding="utf-8")


def version(**changes):
    data = copy.deepcopy(VERSION)
    data.update(changes)
    return data


def with_rule(index, **changes):
    data = version()
    data["rules"][index].update(changes)
    return data


def refused(tmp_path, *files):
    for name, data in files:
        write(tmp_path, name, data)
    with pytest.raises(RegimeError) as error:
        load_regimes(tmp_path)
    return str(error.value)


# The files shipped


def test_every_regime_file_shipped_passes_the_checks():
    regimes = load_regimes()
    assert {"ofsted-inadequate", "ofsted-priority-action"} <= set(regimes)
    for regime in regimes.values():
        for one in regime.versions:
            assert one.rules and one.sources
            for rule in one.rules:
                assert rule.cites or rule.example, f"{one.path.name} {rule.id} cites nothing and is not an example"
            assert all(source.url.startswith("https://") for source in one.sources)


def test_the_shipped_versions_of_a_regime_follow_each_other_without_a_gap():
    for regime in load_regimes().values():
        for earlier, later in zip(regime.versions, regime.versions[1:], strict=False):
            assert earlier.valid_to + datetime.timedelta(days=1) == later.valid_from


def test_the_system_check_passes_with_the_shipped_files(db):
    call_command("check")


def test_the_system_check_names_a_bad_file(db, tmp_path, monkeypatch):
    write(tmp_path, "bad.json", with_rule(0, kind="weeks_after"))
    monkeypatch.setattr(clocks, "REGIMES_DIR", tmp_path)
    monkeypatch.setattr(clocks.load_regimes, "__defaults__", (tmp_path,))
    with pytest.raises(SystemCheckError, match=r"bad\.json, rule “plan”: unknown rule kind 'weeks_after'"):
        call_command("check")


# Bad files


def test_an_unknown_rule_kind_is_refused_naming_the_file_and_the_rule(tmp_path):
    message = refused(tmp_path, ("test-1.json", with_rule(1, kind="weeks_after")))
    assert "test-1.json, rule “review”: unknown rule kind 'weeks_after'" in message
    assert "working_days_after" in message  # says what it may be


def test_overlapping_versions_are_refused_naming_both_files(tmp_path):
    message = refused(tmp_path, ("test-1.json", version()),
                      ("test-2.json", version(version="2", valid_from="2026-03-01", valid_to=None)))
    assert "test-2.json: version 2 of “test-regime” starts on 2026-03-01" in message
    assert "test-1.json) is still in force (from 1 January 2018 to 31 March 2026)" in message


def test_a_version_without_an_end_overlaps_any_later_one(tmp_path):
    message = refused(tmp_path, ("a.json", version(valid_to=None)),
                      ("b.json", version(version="2", valid_from="2030-01-01", valid_to=None)))
    assert "b.json" in message and "still in force" in message


def test_versions_that_meet_are_accepted_and_the_one_in_force_is_used(tmp_path):
    write(tmp_path, "a.json", version())
    second = version(version="2", valid_from="2026-04-01", valid_to=None)
    second["rules"][0]["amount"] = 20
    write(tmp_path, "b.json", second)
    regime = load_regimes(tmp_path)["test-regime"]
    assert regime.version_on(D(2026, 3, 31)).version == "1"
    assert regime.version_on(D(2026, 4, 1)).version == "2"
    assert regime.version_on(D(2017, 12, 31)) is None


@pytest.mark.parametrize("changes, says", [
    ({"from": "later"}, "rule “plan”: “from” is 'later', which is neither “trigger” nor a rule above this one"),
    ({"cite": ["nowhere"]}, "rule “plan”: “cite” must list ids of the file’s sources; not found: ['nowhere']"),
    ({"cite": []}, "rule “plan”: a rule must cite a source, or be marked \"example\": true"),
    ({"amount": "70"}, "rule “plan”: “amount” must be a whole number of at least 1, not '70'"),
    ({"amount": 0}, "rule “plan”: “amount” must be a whole number of at least 1, not 0"),
    ({"colour": "red"}, "rule “plan”: unknown field colour"),
    ({"id": "trigger"}, "the id is used twice (or is “trigger”"),
])
def test_a_bad_rule_is_refused_with_what_to_fix(tmp_path, changes, says):
    assert says in refused(tmp_path, ("test-1.json", with_rule(0, **changes)))


def test_a_rule_counting_from_a_recurring_rule_is_refused(tmp_path):
    data = version()
    data["rules"].append({"id": "after", "title": "After", "kind": "months_after", "from": "report", "amount": 1,
                          "cite": ["guide"]})
    assert "a recurring rule, which has no single date" in refused(tmp_path, ("t.json", data))


def test_a_window_must_close_after_it_opens(tmp_path):
    assert "“until” must be after its “amount”" in refused(tmp_path, ("t.json", with_rule(3, amount=20, until=20)))


def test_a_window_needs_a_unit(tmp_path):
    assert "“unit” must be one of working_days, months" in refused(tmp_path, ("u.json", with_rule(3, unit="weeks")))


def test_a_recurring_rule_needs_a_count(tmp_path):
    data = version()
    del data["rules"][2]["count"]
    assert "rule “report”: “count” must be a whole number" in refused(tmp_path, ("t.json", data))


@pytest.mark.parametrize("changes, says", [
    ({"valid_from": "1 April 2018"}, "valid_from: '1 April 2018' is not a date written as YYYY-MM-DD"),
    ({"valid_to": "2017-01-01"}, "valid_to (2017-01-01) is before valid_from (2018-01-01)"),
    ({"rules": []}, "“rules” must be a list of at least one rule"),
    ({"sources": [{"id": "guide", "title": "Guide", "url": "http://example.org"}]}, "must be a https:// address"),
    ({"trigger": ""}, "“trigger” must be a non-empty text"),
    ({"extra": 1}, "unknown field extra"),
])
def test_a_bad_file_is_refused_with_what_to_fix(tmp_path, changes, says):
    message = refused(tmp_path, ("test-1.json", version(**changes)))
    assert message.startswith(str(tmp_path / "test-1.json")) and says in message


def test_a_file_that_is_not_json_is_refused(tmp_path):
    (tmp_path / "broken.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(RegimeError, match=r"broken\.json: cannot be read as JSON"):
        load_regimes(tmp_path)


def test_nothing_is_loaded_when_one_file_is_bad(tmp_path):
    write(tmp_path, "a-good.json", version())
    write(tmp_path, "b-bad.json", version(regime="other", rules=[{"id": "x"}]))
    with pytest.raises(RegimeError):
        load_regimes(tmp_path)


# The dates


def test_the_dates_follow_in_working_days_months_and_windows(tmp_path):
    write(tmp_path, "a.json", version())
    one = load_regimes(tmp_path)["test-regime"].version_on(D(2026, 1, 9))
    dates = {deadline.key: (deadline.date, deadline.closes) for deadline in one.deadlines(D(2026, 1, 9))}
    # 70 working days after Friday 9 January 2026, across Good Friday (3 April) and Easter Monday (6 April).
    assert dates["plan"] == (D(2026, 4, 21), None)
    assert dates["review"] == (D(2026, 5, 21), None)
    # Six months after 21 April is Wednesday 21 October; twelve is Wednesday 21 April 2027.
    assert dates["report#1"] == (D(2026, 10, 21), None) and dates["report#2"] == (D(2027, 4, 21), None)
    assert dates["visit"] == (D(2026, 4, 21), D(2026, 5, 20))  # 20 working days, over the 4 May holiday


def test_a_month_rule_landing_on_a_bank_holiday_falls_due_the_next_working_day(tmp_path):
    write(tmp_path, "a.json", version())
    one = load_regimes(tmp_path)["test-regime"].versions[0]
    # 70 working days after 18 August 2026 is 25 November; a month on is Friday 25 December, then
    # Monday 28 (the Boxing Day substitute): due Tuesday 29 December.
    dates = {deadline.key: deadline.date for deadline in one.deadlines(D(2026, 8, 18))}
    assert dates["plan"] == D(2026, 11, 25)
    assert dates["review"] == D(2026, 12, 29)


def test_the_dates_are_listed_in_order_with_how_each_is_worked_out(tmp_path):
    write(tmp_path, "a.json", version())
    deadlines = load_regimes(tmp_path)["test-regime"].versions[0].deadlines(D(2026, 1, 9))
    assert [d.date for d in deadlines] == sorted(d.date for d in deadlines)
    by_key = {deadline.key: deadline for deadline in deadlines}
    assert by_key["plan"].explanation == "70 working days after the trigger date"
    assert by_key["report#2"].title == "Progress report (2nd)"
    assert by_key["visit"].explanation == "from “Action plan” until 20 working days after “Action plan”"


def test_states_are_past_due_soon_and_upcoming(tmp_path):
    write(tmp_path, "a.json", version())
    visit = next(d for d in load_regimes(tmp_path)["test-regime"].versions[0].deadlines(D(2026, 1, 9))
                 if d.key == "visit")  # 21 April to 20 May 2026
    assert visit.state(D(2026, 4, 6), soon_working_days=10) == "upcoming"
    assert visit.state(D(2026, 4, 7), soon_working_days=10) == "due soon"  # 10 working days ahead, over Easter
    assert visit.state(D(2026, 5, 20), soon_working_days=10) == "due soon"  # the window is still open
    assert visit.state(D(2026, 5, 21), soon_working_days=10) == "past"


def test_the_walsall_demo_clock_uses_the_version_in_force_in_2012():
    clock = clocks.clock_for("ofsted-inadequate", D(2012, 7, 31))
    assert clock.version.version == "2007"
    dates = {deadline.key: deadline.date for deadline in clock.deadlines}
    assert dates["publish-report"] == D(2012, 9, 12)
    assert dates["action-plan"] == D(2012, 11, 7)


def test_an_ilacs_inadequate_judgement_in_2025_gets_its_action_plan_date_across_christmas():
    clock = clocks.clock_for("ofsted-inadequate", D(2025, 11, 3))
    assert clock.version.version == "2018"
    # 70 working days after Monday 3 November 2025, with 25, 26 December and 1 January off.
    assert {d.key: d.date for d in clock.deadlines}["action-plan"] == D(2026, 2, 12)


def test_a_trigger_after_april_2026_uses_the_revised_version():
    assert clocks.clock_for("ofsted-inadequate", D(2026, 4, 1)).version.version == "2026"
    assert clocks.clock_for("ofsted-inadequate", D(2026, 3, 31)).version.version == "2018"


def test_no_clock_without_a_regime_a_trigger_or_a_version_in_force():
    assert clocks.clock_for("", D(2026, 1, 1)) is None
    assert clocks.clock_for("ofsted-inadequate", None) is None
    assert clocks.clock_for("ofsted-priority-action", D(2012, 7, 31)) is None
