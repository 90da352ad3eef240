"""manage.py load_frameworks: loads the shipped files, again without change, and a bad file
loads nothing."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from improvement.criteria import FRAMEWORKS_DIR, load_frameworks
from improvement.models import CriterionTag, Crosswalk, Framework, FrameworkCriterion


@pytest.fixture
def files(tmp_path):
    directory = tmp_path / "frameworks"
    shutil.copytree(FRAMEWORKS_DIR, directory)
    return directory


def test_loading_creates_every_framework_and_crosswalk(db, capsys):
    call_command("load_frameworks")
    assert Framework.objects.filter(key="ofsted-ilacs").count() == 2
    cqc = Framework.objects.get(key="cqc-local-authority-assessment")
    assert cqc.criteria.filter(parent__isnull=True).count() == 4
    assert cqc.criteria.filter(parent__isnull=False).count() == 9
    assert Crosswalk.objects.get().mappings["children-in-care-and-care-leavers"] == ["children-in-care", "care-leavers"]
    assert "Added: " in capsys.readouterr().out


def test_loading_again_changes_nothing(db, capsys):
    call_command("load_frameworks")
    ids = sorted(FrameworkCriterion.objects.values_list("pk", flat=True))
    call_command("load_frameworks")
    assert sorted(FrameworkCriterion.objects.values_list("pk", flat=True)) == ids
    assert Crosswalk.objects.count() == 1
    out = capsys.readouterr().out
    assert "Unchanged: " in out.splitlines()[-2]


def test_a_changed_title_is_updated_in_place(db, files):
    load_frameworks(files)
    path = files / "best-value-2024.json"
    data = json.loads(path.read_text())
    data["criteria"][0]["title"] = "Continuous improvement (renamed)"
    path.write_text(json.dumps(data))
    criterion = FrameworkCriterion.objects.get(framework__key="best-value", code="continuous-improvement")
    report = load_frameworks(files)
    assert report.updated == ["Best Value 2024"]
    criterion.refresh_from_db()
    assert criterion.title == "Continuous improvement (renamed)"


def test_a_bad_file_loads_nothing_and_names_the_problem(db, files):
    path = files / "best-value-2024.json"
    data = json.loads(path.read_text())
    data["criteria"].append({"code": "culture", "title": "Again", "parent": None})
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as error:
        call_command("load_frameworks", directory=files)
    assert 'best-value-2024.json: criteria[7] (code "culture"): the code "culture" is used twice' in str(error.value)
    assert not Framework.objects.exists()


def test_a_criterion_dropped_from_a_file_is_refused_while_recommendations_are_tagged(db, files, recommendation):
    load_frameworks(files)
    leaders = FrameworkCriterion.objects.get(framework__key="best-value", code="leadership")
    CriterionTag.objects.create(recommendation=recommendation, criterion=leaders)
    path = files / "best-value-2024.json"
    data = json.loads(path.read_text())
    data["criteria"] = [c for c in data["criteria"] if c["code"] != "leadership"]
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError) as error:
        call_command("load_frameworks", directory=files)
    assert '"leadership" is no longer in the file but recommendations are tagged with them' in str(error.value)
    assert FrameworkCriterion.objects.filter(pk=leaders.pk).exists()


def test_a_criterion_nobody_uses_may_be_dropped(db, files):
    load_frameworks(files)
    path = files / "best-value-2024.json"
    data = json.loads(path.read_text())
    data["criteria"] = [c for c in data["criteria"] if c["code"] != "culture"]
    path.write_text(json.dumps(data))
    load_frameworks(files)
    assert not FrameworkCriterion.objects.filter(framework__key="best-value", code="culture").exists()


def test_a_missing_directory_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="is not a folder of framework files"):
        call_command("load_frameworks", directory=tmp_path / "nowhere")
