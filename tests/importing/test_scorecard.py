"""Importing measure values in bulk: the council's scorecard (wide and long) and published
benchmarks in the layout of Explore Education Statistics open data files."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.importing import scorecard
from improvement.importing.readers import read_upload
from improvement.models import ComparatorValue, MeasureImport, MeasureValue
from tests.conftest import client_for, make_measure

SEP, OCT, NOV, DEC = (datetime.date(2012, month, 1) for month in (9, 10, 11, 12))
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


@pytest.fixture
def measures(plan, measure):
    measure.reference = "CS1"
    measure.save()
    rereferrals = make_measure(plan, "Re-referrals within 12 months", unit="number", polarity="lower",
                               reference="CS2", baseline=(SEP, 30), targets=())
    return measure, rereferrals


def wide_xlsx(rows) -> bytes:
    """A scorecard with a two-row heading: "2012/13" merged across the twelve months, above them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    sheet.append(["Ref", "Measure", "2012/13"])
    sheet.merge_cells(start_row=1, start_column=3, end_row=1, end_column=14)
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    sheet.append([None, None, *MONTHS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def blanks(n):
    return [None] * n


def preview_of(name, data, plan):
    return scorecard.read_scorecard(read_upload(name, data), plan)


# --- reading periods ---------------------------------------------------------------------------------

@pytest.mark.parametrize("heading", ["Apr 2012", "April 2012", "Apr-12", "apr 12", "2012-04", "04/2012",
                                     "2012-04-01"])
def test_month_headings_are_read_in_the_ways_councils_write_them(heading):
    assert scorecard.parse_period(heading) == datetime.date(2012, 4, 1)


def test_a_heading_that_is_not_a_month_is_not_read():
    assert scorecard.parse_period("Target") is None


@pytest.mark.parametrize(("period", "identifier", "expected"), [
    ("2012", "Calendar year", datetime.date(2012, 12, 1)),
    ("201213", "Financial year", datetime.date(2013, 3, 1)),
    ("201213", "Reporting year", datetime.date(2013, 3, 1)),
    ("2013", "Reporting year", datetime.date(2013, 3, 1)),
])
def test_an_annual_figure_belongs_to_the_period_at_its_years_end(period, identifier, expected):
    assert scorecard.annual_period(period, identifier) == expected


def test_an_annual_period_the_importer_cannot_read_says_what_it_reads():
    with pytest.raises(ValueError, match="calendar year such as 2012"):
        scorecard.annual_period("201214", "Financial year")


# --- wide scorecards ---------------------------------------------------------------------------------

def test_a_wide_scorecard_with_merged_year_headings_reads_each_month_and_skips_blanks(plan, measures):
    seen, rereferrals = measures
    data = wide_xlsx([
        ["CS1", "Children seen within timescale", *blanks(5), 40, None, 50.5, 55],
        ["", "Early help", *blanks(12)],  # a heading row, no values
        ["cs2", "re-referrals within 12 months", *blanks(5), 31, 29, None, 27],
    ])
    preview = preview_of("scorecard.xlsx", data, plan)
    assert preview.problems == []
    assert [(e.measure, e.period, e.value) for e in preview.entries] == [
        (seen, SEP, Decimal("40")), (seen, NOV, Decimal("50.5")), (seen, DEC, Decimal("55")),
        (rereferrals, SEP, Decimal("31")), (rereferrals, OCT, Decimal("29")), (rereferrals, DEC, Decimal("27"))]


def test_a_wide_scorecard_reads_real_dates_and_written_months_in_one_heading_row(plan, measures):
    seen, _ = measures
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Measure", datetime.datetime(2012, 9, 1), "Oct-12", "2012-11", "Target", "Dec 2012"])
    sheet.append(["Children seen within timescale", 0.1 + 0.2 + 39.7, 45, None, 95, 60])
    out = io.BytesIO()
    book.save(out)
    preview = preview_of("scorecard.xlsx", out.getvalue(), plan)
    assert preview.problems == []
    assert [(e.period, e.value) for e in preview.entries] == [(SEP, 40), (OCT, 45), (DEC, 60)]
    assert all(e.measure == seen for e in preview.entries)


def test_problems_are_listed_with_sheet_row_and_column_and_nothing_is_written(plan, measures, manager):
    data = wide_xlsx([
        ["CS1", "Children seen within timescale", *blanks(4), 30, "52 days", None, 120, 55, 60],
        ["CS9", "Not a measure of the plan", *blanks(5), 10],
        ["CS2", "Re-referrals", *blanks(5), "lots"],
    ])
    preview = preview_of("scorecard.xlsx", data, plan)
    problems = [str(problem) for problem in preview.problems]
    assert any(p.startswith("Sheet “Scorecard”, row 3, column G:") and "before the baseline" in p for p in problems)
    assert any(p.startswith("Sheet “Scorecard”, row 3, column H:") and "a number of days" in p for p in problems)
    assert any(p.startswith("Sheet “Scorecard”, row 3, column J:") and "more than 100" in p for p in problems)
    assert any(p.startswith("Sheet “Scorecard”, row 3, column L:") and "after the plan's current period" in p
               for p in problems)
    assert any(p.startswith("Sheet “Scorecard”, row 4, column A:") and "not a measure of this plan" in p
               for p in problems)
    assert any(p.startswith("Sheet “Scorecard”, row 5, column H:") and "“lots” is not a number" in p
               for p in problems)
    with pytest.raises(Exception, match="problems"):
        scorecard.apply(preview, by=manager)
    assert not MeasureValue.objects.exists()


def test_a_value_equal_to_the_one_counting_is_skipped_and_a_different_one_supersedes(plan, measures, manager):
    seen, _ = measures
    seen.record_value(period=SEP, value="40", by=manager)
    first_nov = seen.record_value(period=NOV, value="45", by=manager)
    data = wide_xlsx([["CS1", "Children seen", *blanks(5), 40, None, 50, None]])
    preview = preview_of("scorecard.xlsx", data, plan)
    assert preview.unchanged == 1
    assert [(e.period, e.previous) for e in preview.entries] == [(NOV, first_nov)]
    assert scorecard.apply(preview, by=manager) == {"new": 0, "superseding": 1, "unchanged": 1, "comparators": 0}
    counting = MeasureValue.objects.reporting().get(measure=seen, period=NOV)
    assert counting.value == 50 and counting.via == "import"
    assert MeasureValue.objects.filter(measure=seen).count() == 3  # the superseded value stays


# --- long scorecards ---------------------------------------------------------------------------------

def test_a_long_csv_reads_a_row_per_measure_and_period_with_commentary(plan, measures, manager):
    seen, rereferrals = measures
    data = csv_bytes([["Measure", "Period", "Value", "Commentary"],
                      ["CS1", "Oct 2012", "48%", "New duty team"],
                      ["Re-referrals within 12 months", "2012-11", "28", ""],
                      ["CS1", "Nov 2012", "", ""]])
    preview = preview_of("values.csv", data, plan)
    assert preview.problems == []
    assert [(e.measure, e.period, e.value, e.commentary) for e in preview.entries] == [
        (seen, OCT, 48, "New duty team"), (rereferrals, NOV, 28, "")]
    scorecard.apply(preview, by=manager)
    assert MeasureValue.objects.get(measure=seen).commentary == "New duty team"


def test_a_long_csv_reports_unreadable_periods_and_values_given_twice(plan, measures):
    data = csv_bytes([["measure", "period", "value"], ["CS1", "Autumn", "40"], ["CS1", "Oct 2012", "40"],
                      ["cs1", "2012-10", "41"]])
    problems = [str(p) for p in preview_of("values.csv", data, plan).problems]
    assert problems[0] == "Sheet “values”, row 2, column B: “Autumn” is not a month: write it as “Apr 2012” or “2012-04”"
    assert "row 4, column C" in problems[1] and "second value for October 2012" in problems[1]


def test_a_file_with_no_measures_or_months_says_what_a_scorecard_looks_like(plan, measures):
    problems = preview_of("notes.csv", b"Some,notes\nhere,there\n", plan).problems
    assert "No measures and months were found" in str(problems[0])


# --- benchmarks --------------------------------------------------------------------------------------

EES_HEADER = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
              "region_name", "new_la_code", "la_name", "old_la_code", "referrals", "rereferral_pct"]


def ees_csv() -> bytes:
    rows = [EES_HEADER]
    for year, england, west_midlands, north_west, walsall, other in [
            ("2011", "26.0", "24.5", "27.1", "c", "30.0"), ("2012", "24.9", "23.8", "26.0", "22.0", "31.5")]:
        rows += [
            [year, "Calendar year", "National", "E92000001", "England", "", "", "", "", "", "600000", england],
            [year, "Calendar year", "Regional", "E92000001", "England", "E12000005", "West Midlands", "", "", "",
             "70000", west_midlands],
            [year, "Calendar year", "Regional", "E92000001", "England", "E12000002", "North West", "", "", "",
             "80000", north_west],
            [year, "Calendar year", "Local authority", "E92000001", "England", "E12000005", "West Midlands",
             "E08000030", "Walsall", "335", "4000", walsall],
            [year, "Calendar year", "Local authority", "E92000001", "England", "E12000002", "North West",
             "E08000012", "Liverpool", "341", "9000", other],
        ]
    return csv_bytes(rows)


def test_benchmark_columns_are_the_ones_that_are_not_time_or_geography():
    sheet = read_upload("ees.csv", ees_csv())[0]
    assert scorecard.benchmark_columns(sheet) == ["referrals", "rereferral_pct"]


def test_an_ees_file_gives_the_councils_values_and_england_and_its_region(plan, measure, manager):
    sheet = read_upload("ees.csv", ees_csv())[0]
    preview = scorecard.read_benchmark(sheet, measure, column="rereferral_pct", la_code="e08000030",
                                       source="ees.csv")
    assert preview.problems == []
    assert [(e.period, e.value) for e in preview.entries] == [(DEC, Decimal("22.0"))]  # 2011 is suppressed ("c")
    assert sorted((c.comparator, c.area, c.period, c.value) for c in preview.comparators) == [
        ("england", "England", datetime.date(2011, 12, 1), Decimal("26.0")), ("england", "England", DEC, Decimal("24.9")),
        ("region", "West Midlands", datetime.date(2011, 12, 1), Decimal("24.5")),
        ("region", "West Midlands", DEC, Decimal("23.8"))]
    scorecard.apply(preview, by=manager)
    assert MeasureValue.objects.get(measure=measure).via == "import"
    england = ComparatorValue.objects.get(measure=measure, period=DEC, comparator="england")
    assert england.value == Decimal("24.9") and england.source == "ees.csv, column rereferral_pct"

    again = scorecard.read_benchmark(sheet, measure, column="rereferral_pct", la_code="E08000030")
    assert again.entries == [] and again.comparators == [] and again.unchanged == 5


def test_a_revised_benchmark_replaces_the_comparator_in_place(plan, measure, manager):
    ComparatorValue.objects.create(measure=measure, period=DEC, comparator="england", area="England", value=20)
    sheet = read_upload("ees.csv", ees_csv())[0]
    scorecard.apply(scorecard.read_benchmark(sheet, measure, column="rereferral_pct", la_code="E08000030"),
                    by=manager)
    assert ComparatorValue.objects.get(measure=measure, period=DEC, comparator="england").value == Decimal("24.9")


def test_council_figures_outside_the_recordable_periods_are_noted_not_blocking(plan, measure):
    rows = [EES_HEADER, ["201011", "Financial year", "Local authority", "", "England", "", "West Midlands",
                         "E08000030", "Walsall", "335", "1", "30"],
            ["201213", "Financial year", "National", "", "England", "", "", "", "", "", "1", "25"]]
    preview = scorecard.read_benchmark(read_upload("ees.csv", csv_bytes(rows))[0], measure, column="rereferral_pct",
                                       la_code="E08000030")
    assert preview.problems == [] and preview.entries == []
    assert "before the baseline" in str(preview.notes[0])
    assert [(c.comparator, c.period) for c in preview.comparators] == [("england", datetime.date(2013, 3, 1))]


def test_an_unknown_la_code_is_a_problem(plan, measure):
    sheet = read_upload("ees.csv", ees_csv())[0]
    preview = scorecard.read_benchmark(sheet, measure, column="rereferral_pct", la_code="E99999999")
    assert "No Local authority row has the LA code “E99999999”" in str(preview.problems[0])


# --- pages -------------------------------------------------------------------------------------------

def upload(client, plan, name, data, **extra):
    return client.post(reverse("improvement:measure_import", args=[plan.pk]),
                       {"kind": "scorecard", "file": SimpleUploadedFile(name, data), **extra})


def test_manager_uploads_a_scorecard_checks_the_preview_and_confirms(plan, measures, manager):
    seen, _ = measures
    client = client_for(manager)
    seen.record_value(period=SEP, value="38", by=manager)
    response = upload(client, plan, "scorecard.xlsx", wide_xlsx([["CS1", "", *blanks(5), 40, None, 50]]))
    record = MeasureImport.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert MeasureValue.objects.count() == 1  # nothing written yet

    page = client.get(response.url).content.decode()
    assert "Check the import of scorecard.xlsx" in page and "Supersede 38%" in page and "Record 2 values" in page

    response = client.post(reverse("improvement:measure_import_confirm", args=[record.pk]))
    assert response.status_code == 302
    assert MeasureValue.objects.reporting().get(measure=seen, period=SEP).value == 40
    assert MeasureValue.objects.filter(via="import").count() == 2
    assert "Imported: 1 new values, 1 superseding values" in client.get(response.url).content.decode()
    client.post(reverse("improvement:measure_import_confirm", args=[record.pk]))  # a second click changes nothing
    assert MeasureValue.objects.filter(via="import").count() == 2


def test_an_import_with_problems_cannot_be_confirmed(plan, measures, manager):
    client = client_for(manager)
    upload(client, plan, "values.csv", csv_bytes([["measure", "period", "value"], ["CS1", "Oct 2012", "40"],
                                                   ["CS1", "Nov 2012", "140"]]))
    record = MeasureImport.objects.get()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "There is a problem" in page and "row 3, column C" in page and "Record 1 value" not in page
    client.post(reverse("improvement:measure_import_confirm", args=[record.pk]))
    assert not MeasureValue.objects.exists()
    record.refresh_from_db()
    assert record.applied_at is None


def test_confirm_checks_again_against_values_recorded_since_the_preview(plan, measures, manager):
    seen, _ = measures
    client = client_for(manager)
    upload(client, plan, "values.csv", csv_bytes([["measure", "period", "value"], ["CS1", "Oct 2012", "40"]]))
    record = MeasureImport.objects.get()
    seen.record_value(period=OCT, value="40", by=manager)  # recorded on the page meanwhile
    client.post(reverse("improvement:measure_import_confirm", args=[record.pk]))
    assert MeasureValue.objects.count() == 1


def test_manager_imports_benchmarks_choosing_the_indicator_column(plan, measure, manager):
    client = client_for(manager)
    response = upload(client, plan, "ees.csv", ees_csv(), kind="benchmark", measure=measure.pk, la_code="E08000030")
    record = MeasureImport.objects.get()
    page = client.get(response.url).content.decode()
    assert 'value="rereferral_pct"' in page and 'value="time_period"' not in page
    client.post(reverse("improvement:measure_import_indicator", args=[record.pk]), {"indicator": "rereferral_pct"})
    page = client.get(record.get_absolute_url()).content.decode()
    assert "West Midlands" in page and "North West" not in page
    client.post(reverse("improvement:measure_import_confirm", args=[record.pk]))
    assert ComparatorValue.objects.filter(measure=measure).count() == 4
    assert MeasureValue.objects.get(measure=measure).value == 22


def test_a_benchmark_upload_needs_its_measure_and_la_code(plan, measure, manager):
    response = upload(client_for(manager), plan, "ees.csv", ees_csv(), kind="benchmark")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose the measure the benchmarks are for" in page and "Enter the council&#x27;s LA code" in page
    assert not MeasureImport.objects.exists()


def test_a_word_document_is_refused_on_the_upload_page(plan, measure, manager):
    from tests.importing import builders

    response = upload(client_for(manager), plan, "plan.docx", builders.southampton_docx())
    assert response.status_code == 400 and "Excel workbook (.xlsx) or a CSV file" in response.content.decode()


@pytest.mark.parametrize("persona", ["viewer", "lead", "chair"])
def test_people_who_do_not_manage_the_plan_cannot_import_values(request, plan, measure, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("improvement:measure_import", args=[plan.pk])).status_code == 403
    response = upload(client_for(user), plan, "values.csv", b"measure,period,value\nx,Oct 2012,1\n")
    assert response.status_code == 403 and not MeasureImport.objects.exists()


def test_an_outsider_gets_404(plan, outsider):
    assert client_for(outsider).get(reverse("improvement:measure_import", args=[plan.pk])).status_code == 404


def test_an_import_is_private_to_whoever_uploaded_it(plan, measure, manager, viewer):
    record = MeasureImport.objects.create(plan=plan, uploaded_by=manager, filename="x.csv", sheets=[])
    assert client_for(viewer).get(record.get_absolute_url()).status_code == 404
    assert client_for(viewer).post(reverse("improvement:measure_import_confirm", args=[record.pk])).status_code == 404


# --- the command -------------------------------------------------------------------------------------

def test_the_command_records_a_scorecard_and_a_dry_run_records_nothing(plan, measures, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes([["measure", "period", "value"], ["CS1", "Oct 2012", "40"]]))
    out = io.StringIO()
    call_command("import_measures", plan.slug, str(path), "--dry-run", stdout=out)
    assert "1 new" in out.getvalue() and not MeasureValue.objects.exists()
    call_command("import_measures", str(plan.pk), str(path), "--layout", "long", stdout=io.StringIO())
    assert MeasureValue.objects.get().via == "import"


def test_the_command_prints_the_problems_and_records_nothing(plan, measures, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "values.csv"
    path.write_bytes(csv_bytes([["measure", "period", "value"], ["CS1", "Oct 2012", "40"], ["CS7", "Oct 2012", "1"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_measures", plan.slug, str(path), stdout=io.StringIO(), stderr=err)
    assert "row 3, column A" in err.getvalue() and not MeasureValue.objects.exists()


def test_a_cell_formatted_as_a_percentage_is_read_as_the_percentage_it_shows():
    import io

    import openpyxl

    from improvement.importing.readers import read_xlsx

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Measure", "Nov 2012"])
    sheet.append(["Supervision monthly", 0.663])
    sheet["B2"].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    [read] = read_xlsx("scorecard.xlsx", buffer.getvalue())
    assert read.rows[1][1].text == "66.3%"
