import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from improvement.importing import ReadError, engine, load, new_plan, run
from improvement.importing.engine import read_rows
from improvement.importing.export import export_plan_xlsx, template_xlsx
from improvement.importing.readers import Cell, Sheet, read_upload
from improvement.models import Action, Organisation, Plan, RagScheme, ReportedActionQuerySet, Update
from tests.importing import builders


@pytest.fixture
def empty_plan(db):
    def make(slug="five-state"):
        organisation, _ = Organisation.objects.get_or_create(name="Test Council")
        plan = new_plan(f"Imported {slug}", organisation=organisation, scheme=RagScheme.objects.get(slug=slug))
        plan.save()
        return plan
    return make


def test_southampton_docx_puts_every_activity_under_its_recommendation_and_urgency(empty_plan):
    plan = empty_plan("achieved")
    _mapping, result, counts = run("southampton.docx", builders.southampton_docx(), plan, {}, by=None)
    assert result.problems == []
    assert counts["created"] == 58
    for reference, urgency, activities in builders.SOUTHAMPTON_EXPECTED:
        actions = Action.objects.filter(plan=plan, recommendations__reference=reference)
        assert actions.count() == activities, reference
        assert {r.urgency for a in actions for r in a.recommendations.all()} == {urgency}
    assert set(plan.themes.values_list("title", flat=True)) == {"Safeguarding", "Children looked after"}
    assert Action.objects.get(plan=plan, number="1.3").lead_agency.startswith("SCC")


def test_walsall_xlsx_keeps_themes_numbers_references_and_statuses(empty_plan):
    plan = empty_plan()
    _mapping, result, counts = run("walsall.xlsx", builders.walsall_xlsx(), plan, {}, by=None)
    assert not result.blocking and counts["created"] == 58
    for number, (theme, code) in builders.WALSALL_EXPECTED.items():
        action = Action.objects.select_related("theme", "current_status").get(plan=plan, number=number)
        assert action.theme.code == theme, number
        assert (action.current_status.code if action.current_status else None) == code, number
    action = Action.objects.get(plan=plan, number="1.4")
    assert {str(r) for r in action.recommendations.all()} >= {"IN 1.7", "IN 3.1"}
    assert Action.objects.get(plan=plan, number="1.1").milestones.count() >= 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_wiltshire_csv_reads_in_every_encoding(empty_plan, encoding):
    plan = empty_plan("three-state")
    _mapping, result, counts = run("wiltshire.csv", builders.wiltshire_csv(encoding), plan, {}, by=None)
    assert not result.blocking and counts["created"] == len(builders.WILTSHIRE_EXPECTED)
    for number, (theme, ofsted) in builders.WILTSHIRE_EXPECTED.items():
        action = Action.objects.select_related("theme").get(plan=plan, number=number)
        assert action.theme.code == theme, number
        assert action.recommendations.filter(source__key="Ofsted").exists() == ofsted, number
    assert "•" in Action.objects.get(plan=plan, number="PA5").description


def test_reimporting_the_same_file_changes_nothing(empty_plan):
    plan = empty_plan()
    data = builders.walsall_xlsx()
    run("walsall.xlsx", data, plan, {}, by=None)
    counts = (Action.objects.count(), Update.objects.count(), plan.themes.count())
    _mapping, result, second = run("walsall.xlsx", data, plan, {}, by=None)
    assert second == {"created": 0, "updated": 0, "unchanged": 58, "updates": 0, "themes": 0, "recommendations": 0,
                      "posts": 0}
    assert result.counts == second
    assert counts == (Action.objects.count(), Update.objects.count(), plan.themes.count())


def test_reimporting_a_changed_file_updates_by_number_and_keeps_history(empty_plan, lead):
    plan = empty_plan()
    run("walsall.xlsx", builders.walsall_xlsx(), plan, {}, by=None)
    action = Action.objects.get(plan=plan, number="1.2")
    action.record_update(status=plan.rag_scheme.statuses.get(code="A"), note="A lead's own update", by=lead)
    history = action.updates.count()
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(builders.walsall_xlsx()))
    sheet = workbook.active
    for row in sheet.iter_rows():
        if row[0].value == "1.2":
            row[2].value = "WSCB to review its governance (revised wording)"
            row[7].value = "R"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _mapping, _result, counts = run("walsall.xlsx", buffer.getvalue(), plan, {}, by=None)
    assert counts["updated"] == 1 and counts["updates"] >= 1
    action.refresh_from_db()
    assert action.description.endswith("(revised wording)")
    assert action.current_status.code == "R"
    assert action.updates.count() == history + 1  # appended, nothing deleted


def test_formulas_are_reported_and_never_evaluated(empty_plan):
    plan = empty_plan()
    _sheets, _mapping, result = load("walsall.xlsx", builders.walsall_xlsx_with_formulas(), plan)
    formula_problems = [p for p in result.problems if "formula" in p.message]
    assert {p.column for p in formula_problems} == {"Review note for this period", "Timescale"}
    row = next(r for r in result.rows if r.number == "3.3")
    assert row.fields["timescale"] == "" and row.fields["due_date"] is None


@pytest.mark.parametrize(("builder", "message"), [
    (builders.empty_file, "The file is empty"),
    (builders.not_what_the_name_says, "not really an Excel workbook"),
    (builders.corrupt_xlsx, "damaged"),
    (builders.corrupt_docx, "damaged"),
    (builders.password_protected_xlsx, "protected with a password"),
    (builders.html_as_xls, "web page saved with a spreadsheet name"),
    (builders.huge_csv, "more than 5,000 rows"),
])
def test_bad_files_are_refused_with_a_reason(builder, message):
    name, data = builder()
    with pytest.raises(ReadError, match=message):
        read_upload(name, data)


@pytest.mark.parametrize(("builder", "message"), [
    (builders.duplicate_numbers_csv, "is used twice in the file"),
    (builders.no_action_column_csv, "no header row found"),
])
def test_bad_content_blocks_the_import_and_writes_nothing(empty_plan, builder, message):
    plan = empty_plan()
    name, data = builder()
    _mapping, result, counts = run(name, data, plan, {}, by=None)
    assert counts is None and result.blocking
    assert any(message in str(p) for p in result.problems)
    assert not Action.objects.filter(plan=plan).exists()


def test_a_mapping_without_an_action_column_is_refused(empty_plan):
    plan = empty_plan()
    _mapping, result, counts = run("walsall.xlsx", builders.walsall_xlsx(), plan, {"Action": "ignore"}, by=None)
    assert counts is None
    assert any("no column is mapped to “Action”" in str(p) for p in result.blocking)


def test_a_failure_half_way_writes_nothing(empty_plan, monkeypatch):
    """The statuses' updates are written, then the period view's refresh fails: nothing stays."""
    plan = empty_plan()
    before = Update.objects.count()

    def failing(*args, **kwargs):
        assert Update.objects.filter(action__plan=plan).exists()  # half way: the updates are in
        raise RuntimeError("database went away")

    monkeypatch.setattr(ReportedActionQuerySet, "refresh", failing)
    with pytest.raises(RuntimeError):
        run("walsall.xlsx", builders.walsall_xlsx(), plan, {}, by=None)
    assert Update.objects.count() == before
    assert not Action.objects.filter(plan=plan).exists() and not plan.themes.exists()


@pytest.mark.parametrize("slug", ["walsall-sip-2012", "wiltshire-sip-2012", "southampton-qip-2012"])
def test_every_demo_plan_round_trips_through_xlsx(db, settings, slug):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    original = Plan.objects.get(slug=slug)
    copy = new_plan("Copy", organisation=original.organisation, scheme=original.rag_scheme)
    copy.current_period = original.current_period
    copy.save()
    _mapping, result, counts = run("plan.xlsx", export_plan_xlsx(original), copy, {}, by=None)
    assert not result.blocking, result.blocking

    def summary(plan):
        return {
            a.number: (a.theme.code, a.theme.title, a.description, a.timescale, a.measures, a.lead_agency,
                       sorted(p.title for p in a.lead_posts.all()),
                       sorted(str(r) for r in a.recommendations.all()),
                       a.current_status.code if a.current_status else None)
            for a in Action.objects.filter(plan=plan).select_related("theme", "current_status")
            .prefetch_related("lead_posts", "recommendations__source")
        }

    assert summary(copy) == summary(original)
    assert [t.title for t in copy.themes.order_by("position")] == [t.title for t in original.themes.order_by("position")]


def test_text_our_export_quoted_against_formulas_re_imports_unchanged(empty_plan):
    original, copy = empty_plan(), empty_plan()
    copy.name = "Copy"
    copy.save()
    texts = {"description": "- note that starts with a dash", "measures": "=1+1 is not a formula",
             "lead_agency": "@Council", "cost": "＋£5,000", "timescale": "'quoted already"}
    _mapping, result, _counts = run("plan.csv", b"Action No.,Action\r\n7.1,Placeholder\r\n", original, {},
                                    by=None)
    assert not result.blocking
    Action.objects.filter(plan=original, number="7.1").update(**texts)
    exported = export_plan_xlsx(original)
    _mapping, result, _counts = run("plan.xlsx", exported, copy, {}, by=None)
    assert not result.blocking, result.blocking
    action = Action.objects.get(plan=copy, number="7.1")
    assert {name: getattr(action, name) for name in texts} == texts


@pytest.mark.parametrize(("cell", "text"), [("'- note", "- note"), ("'=1", "=1"), ("'＝1", "＝1"),
                                            ("'tis the season", "'tis the season"), ("'", "'")])
def test_a_csv_cell_quoted_against_a_formula_is_read_without_the_quote(cell, text):
    [sheet] = read_upload("plan.csv", f"Action,Note\r\n{cell},x\r\n".encode())
    assert sheet.rows[1][0].text == text


def test_the_blank_template_has_the_columns_and_notes():
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames == ["Plan", "Notes"]
    header = [c.value for c in next(workbook["Plan"].iter_rows())]
    assert "Action No." in header and "RAG" in header and "Timescale" in header


def test_import_plan_command_previews_and_imports(db, tmp_path):
    path = tmp_path / "walsall.xlsx"
    path.write_bytes(builders.walsall_xlsx())
    out = io.StringIO()
    call_command("import_plan", str(path), new_plan="Walsall SIP", dry_run=True, stdout=out)
    assert "58 new" in out.getvalue() and "Dry run" in out.getvalue()
    assert not Plan.objects.filter(name="Walsall SIP").exists()
    out = io.StringIO()
    call_command("import_plan", str(path), new_plan="Walsall SIP", stdout=out)
    plan = Plan.objects.get(name="Walsall SIP")
    assert plan.actions.count() == 58
    call_command("import_plan", str(path), plan=plan.pk, mapping='{"Review note for this period": "ignore"}',
                 stdout=io.StringIO())
    with pytest.raises(CommandError, match="Nothing was imported"):
        bad = tmp_path / "dup.csv"
        bad.write_bytes(builders.duplicate_numbers_csv()[1])
        call_command("import_plan", str(bad), plan=plan.pk, stdout=io.StringIO())
    with pytest.raises(CommandError, match="unknown fields"):
        call_command("import_plan", str(path), plan=plan.pk, mapping='{"Action": "nonsense"}')


CELL = st.text(max_size=40) | st.sampled_from(["1.1", "THEME 1 - X", "Safeguarding: within three months", "G",
                                               "31 Feb 2013", "IN 3.1, OIS 2012", "=1+1", "✓", ""])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=6), max_size=12))
def test_the_row_reader_never_crashes(db, rows):
    plan = Plan(name="x", rag_scheme=RagScheme.objects.get(slug="five-state"))
    header = [Cell("Action No."), Cell("Action"), Cell("Timescale"), Cell("RAG"), Cell("Reference to:"), Cell("Lead")]
    sheet = Sheet("Fuzz", [header] + [[Cell(text) for text in row] for row in rows])
    mapping = {"Action No.": "number", "Action": "description", "Timescale": "timescale", "RAG": "status",
               "Reference to:": "references", "Lead": "leads"}
    parsed, problems, _headers = read_rows([sheet], plan, mapping)
    assert all(isinstance(str(p), str) for p in problems)
    assert all(row.fields["description"] for row in parsed)


# --- What the preview says is what is written (issue 14, item 2) ------------------------------

@pytest.mark.parametrize(
    ("text", "posts"),
    [
        ("Head of Assessment and Intervention", ["Head of Assessment and Intervention"]),
        ("Corporate Lead, Partnerships and Governance", ["Corporate Lead, Partnerships and Governance"]),
        ("Director of Children and Young People's Services", ["Director of Children and Young People's Services"]),
        ("DCS and Head of Safeguarding", ["DCS", "Head of Safeguarding"]),
        ("Head of Early Help / Principal Social Worker", ["Head of Early Help", "Principal Social Worker"]),
        ("LSCB Chair; Head of Assessment and Intervention", ["LSCB Chair", "Head of Assessment and Intervention"]),
        ("Head of QA\nIRO Manager", ["Head of QA", "IRO Manager"]),
        ("Health and Police", ["Health and Police"]),
    ],
)
def test_a_lead_cell_is_split_into_posts_only_where_the_split_is_unambiguous(text, posts):
    assert engine._leads(text) == posts


def test_a_list_of_posts_the_organisation_already_has_is_split_at_and():
    assert engine._leads("Safeguarding and Quality", frozenset({"Safeguarding", "Quality"})) == ["Safeguarding",
                                                                                                 "Quality"]
    assert engine._leads("Safeguarding and Quality") == ["Safeguarding and Quality"]


def _csv(*rows):
    return ("\r\n".join(",".join(row) for row in rows) + "\r\n").encode()


def test_a_recurring_timescale_has_no_due_date_and_a_range_makes_one_milestone_not_two(empty_plan):
    plan = empty_plan()
    data = _csv(["Number", "Action", "Timescale"], ["1.1", "Audit", "Monthly from Feb 2024"],
                ["1.2", "Review", "1 Jan 2013 - 31 Mar 2013"], ["1.3", "Train", "Draft 31 Jan 2013; final 31 Mar 2013"])
    _sheets, _mapping, result = load("plan.csv", data, plan)
    readings = {c.row.number: c.row.timescale_reading for c in result.changes}
    assert readings["1.1"] == "no due date: recurrence (kept as written)"
    run("plan.csv", data, plan, {}, by=None)
    actions = {a.number: a for a in Action.objects.filter(plan=plan)}
    assert (actions["1.1"].timescale, actions["1.1"].due_date) == ("Monthly from Feb 2024", None)
    assert actions["1.2"].due_date == datetime.date(2013, 3, 31) and not actions["1.2"].milestones.exists()
    assert actions["1.3"].milestones.count() == 2


def test_nothing_is_invented_for_an_empty_note_or_a_new_date_without_a_reason(empty_plan):
    plan = empty_plan()
    data = _csv(["Number", "Action", "RAG", "Update on progress", "Revised date", "Reason for new date"],
                ["1.1", "Audit", "A", "", "", ""],
                ["1.2", "Review", "R", "", "30/06/2013", ""],
                ["1.3", "Train", "R", "Trainer left", "30/06/2013", ""],
                ["1.4", "Plan", "R", "", "30/06/2013", "Waiting for the new chair"])
    _mapping, result, counts = run("plan.csv", data, plan, {}, by=None)
    assert counts["updates"] == 4 == result.counts["updates"]
    updates = {u.action.number: u for u in Update.objects.filter(action__plan=plan).select_related("action")}
    assert (updates["1.1"].note, updates["1.1"].revised_date_reason) == ("", "")
    assert (updates["1.2"].revised_due_date, updates["1.2"].revised_date_reason) == (None, "")
    assert (updates["1.3"].revised_due_date, updates["1.3"].revised_date_reason) == (datetime.date(2013, 6, 30),
                                                                                      "Trainer left")
    assert updates["1.4"].revised_date_reason == "Waiting for the new chair"
    assert any("the new date 30 Jun 2013 is not recorded: a new date needs a reason" in str(p)
               for p in result.problems)


def test_a_status_from_tick_columns_says_which_column_it_came_from(empty_plan):
    plan = empty_plan("achieved")
    data = _csv(["Number", "Action", "Achieved", "On target"], ["1.1", "Audit", "", "Yes"])
    _sheets, _mapping, result = load("plan.csv", data, plan)
    assert result.rows[0].status_source == "column “On target” (ticked)"


def test_the_counts_the_preview_promises_are_the_counts_written(empty_plan):
    plan = empty_plan()
    run("walsall.xlsx", builders.walsall_xlsx(), plan, {}, by=None)
    data = export_plan_xlsx(plan)
    Action.objects.filter(plan=plan, number="1.2").update(description="Changed here")
    sheets, mapping, result = load("export.xlsx", data, plan)
    promised = result.counts
    _mapping, _result, written = run("export.xlsx", data, plan, mapping, by=None)
    assert promised == written and written["updated"] == 1


def test_confirming_a_preview_after_the_action_was_edited_writes_nothing(empty_plan, manager):
    plan = empty_plan()
    data = _csv(["Number", "Action"], ["1.1", "Audit"])
    run("plan.csv", data, plan, {}, by=None)
    sheets, mapping, result = load("plan.csv", _csv(["Number", "Action"], ["1.1", "Audit the files"]), plan)
    action = Action.objects.get(plan=plan)
    from improvement.versioning import claim

    claim(action, action.version)  # a manager's edit, saved between preview and confirm
    with pytest.raises(engine.StaleImport, match="Action 1.1 was changed by .* since the preview"):
        engine.apply(result, plan, by=manager)
    assert Action.objects.get(plan=plan).description == "Audit"
