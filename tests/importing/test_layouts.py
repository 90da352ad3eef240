"""Every plan layout of the corpus (tests/importing/layouts/) imports with the automatic mapping
into a fresh plan, with no manual fixes, to the result its NAME.expected.json says."""

import datetime
import json
from pathlib import Path

import pytest

from improvement.importing import new_plan, run
from improvement.models import Action, Organisation, RagScheme
from tests.importing.layouts import build

LAYOUTS = Path(__file__).resolve().parent / "layouts"
EXPECTED = sorted(LAYOUTS.glob("*.expected.json"))


def _expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def test_the_corpus_holds_at_least_fifteen_layouts_of_every_kind():
    files = [_expected(path)["file"] for path in EXPECTED]
    assert len(files) >= 15
    assert {Path(name).suffix for name in files} == {".docx", ".xlsx", ".csv"}


@pytest.mark.parametrize("name", list(build.LAYOUTS))
def test_the_committed_layout_files_are_what_build_py_writes(name):
    data, expected = build.build(name)
    assert (LAYOUTS / expected["file"]).read_bytes() == data, "run tests/importing/layouts/build.py"
    assert (LAYOUTS / f"{name}.expected.json").read_text(encoding="utf-8") == build.expected_text(expected)


def _imported(path: Path):
    """(expected, preview result, counts, plan) of the layout imported into a fresh plan."""
    expected = _expected(path)
    organisation = Organisation.objects.create(name="Layout Council")
    plan = new_plan(expected["layout"], organisation=organisation,
                    scheme=RagScheme.objects.get(slug=expected["scheme"]))
    plan.save()
    data = (LAYOUTS / expected["file"]).read_bytes()
    _mapping, result, counts = run(expected["file"], data, plan, {}, by=None)
    return expected, result, counts, plan


LAYOUT_IDS = [path.name.removesuffix(".expected.json") for path in EXPECTED]


@pytest.mark.parametrize("path", EXPECTED, ids=LAYOUT_IDS)
def test_every_layout_imports_with_the_automatic_mapping_and_no_manual_fixes(db, path):
    expected, result, counts, plan = _imported(path)

    assert [str(problem) for problem in result.problems] == []
    assert counts["created"] == len(expected["actions"])
    previewed = {row.number: row for row in result.rows}
    actions = {action.number: action for action in Action.objects.filter(plan=plan).select_related(
        "theme", "current_status").prefetch_related("lead_posts", "recommendations__source", "updates")}
    assert sorted(actions) == sorted(item["number"] for item in expected["actions"])
    for item in expected["actions"]:
        action, row = actions[item["number"]], previewed[item["number"]]
        found = {
            "description": action.description,
            "theme": str(action.theme),
            "recommendations": sorted(str(r) for r in action.recommendations.all()),
            "leads": sorted(post.title for post in action.lead_posts.all()),
            "status": action.current_status.label if action.current_status else None,
            "status_source": row.status_source,
            "timescale": action.timescale,
            "due_date": action.due_date,
            "note": row.note,
        }
        wanted = {**{key: item[key] for key in found}, "leads": sorted(item["leads"]), "due_date": _date(item["due_date"])}
        assert found == wanted, item["number"]
        if "measures" in item:
            assert action.measures == item["measures"], item["number"]
        if "revised_date" in item:
            assert action.revised_due_date == _date(item["revised_date"]), item["number"]
        if "urgency" in item:
            assert {r.urgency for r in action.recommendations.all()} == {item["urgency"]}, item["number"]


@pytest.mark.parametrize("path", EXPECTED, ids=LAYOUT_IDS)
def test_every_layouts_statuses_go_into_the_history_with_the_note_as_written_and_nothing_invented(db, path):
    expected, _result, _counts, plan = _imported(path)
    notes = {action.number: [update.note for update in action.updates.all()]
             for action in Action.objects.filter(plan=plan).prefetch_related("updates")}
    assert notes == {item["number"]: [item["note"]] if item["status"] else [] for item in expected["actions"]}
