"""The framework files' schema (improvement/lib/framework_files.py): every problem named with its
file and item, and the files shipped with the project pass."""

import json

import pytest

from improvement.criteria import FRAMEWORKS_DIR
from improvement.lib.framework_files import read_directory


def framework(**changes):
    data = {
        "id": "ofsted-ilacs", "short_title": "ILACS", "title": "Inspection of local authority children's services",
        "publisher": "Ofsted", "version": "2023", "published": "2022-12-02", "source_title": "Inspecting LA CS",
        "source_url": "https://www.gov.uk/example",
        "checked": {"verified_against_source": False, "note": "Not checked."},
        "criteria": [{"code": "leaders", "title": "The impact of leaders", "parent": None},
                     {"code": "care-leavers", "title": "Care leavers", "parent": None}],
    }
    data.update(changes)
    return data


def write(directory, name, data):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def errors_for(tmp_path, data, name="ofsted-ilacs-2023.json"):
    write(tmp_path, name, data)
    return read_directory(tmp_path).errors


def test_the_files_shipped_with_the_project_are_valid():
    files = read_directory(FRAMEWORKS_DIR)
    assert files.errors == []
    keys = {f.key for f in files.frameworks}
    assert {"ofsted-ilacs", "ofsted-cqc-area-send", "cqc-local-authority-assessment", "best-value"} <= keys
    assert files.crosswalks, "the ILACS 2018 to 2023 crosswalk"


def test_the_cqc_file_has_four_themes_and_nine_quality_statements():
    cqc = next(f for f in read_directory(FRAMEWORKS_DIR).frameworks if f.key == "cqc-local-authority-assessment")
    assert len([c for c in cqc.criteria if c["parent"] is None]) == 4
    assert len([c for c in cqc.criteria if c["parent"]]) == 9


def test_every_shipped_file_says_honestly_what_was_checked():
    for f in read_directory(FRAMEWORKS_DIR).frameworks:
        assert f.check_note and f.source_url.startswith("https://") and f.source_title


def test_a_valid_file_has_no_errors(tmp_path):
    assert errors_for(tmp_path, framework()) == []


def test_a_duplicate_code_names_the_file_the_item_and_the_first_use(tmp_path):
    data = framework(criteria=[{"code": "leaders", "title": "A", "parent": None},
                               {"code": "leaders", "title": "B", "parent": None}])
    assert errors_for(tmp_path, data) == [
        'ofsted-ilacs-2023.json: criteria[1] (code "leaders"): the code "leaders" is used twice (also criteria[0])']


def test_an_unknown_parent_is_reported(tmp_path):
    data = framework(criteria=[{"code": "leaders", "title": "A", "parent": "nowhere"}])
    assert errors_for(tmp_path, data) == [
        'ofsted-ilacs-2023.json: criteria[0] (code "leaders"): parent "nowhere" is not a code in this file']


def test_a_parent_listed_after_its_criterion_is_reported(tmp_path):
    data = framework(criteria=[{"code": "child", "title": "A", "parent": "area"},
                               {"code": "area", "title": "B", "parent": None}])
    assert "listed after it" in errors_for(tmp_path, data)[0]


def test_missing_fields_are_each_reported(tmp_path):
    data = framework()
    del data["source_url"], data["published"]
    data["criteria"] = [{"code": "leaders"}]
    errors = errors_for(tmp_path, data)
    assert 'ofsted-ilacs-2023.json: "source_url" is missing or empty (the address of the published document)' in errors
    assert 'ofsted-ilacs-2023.json: "published" is missing or empty (the publication date, as YYYY-MM-DD)' in errors
    assert 'ofsted-ilacs-2023.json: criteria[0] (code "leaders"): "title" is missing or empty' in errors


@pytest.mark.parametrize(("changes", "expected"), [
    ({"published": "2 December 2022"}, '"published" is "2 December 2022", which is not a date written YYYY-MM-DD'),
    ({"source_url": "http://example.org"}, '"source_url" must be an https:// address'),
    ({"checked": {"verified": True}}, '"checked" must say'),
    ({"criteria": []}, '"criteria" must be a list of at least one'),
    ({"colour": "red"}, '"colour" is not a field this file may have'),
    ({"version": "2026"}, "must be named ofsted-ilacs-2026.json"),
])
def test_a_bad_field_is_named_with_what_to_write(tmp_path, changes, expected):
    errors = errors_for(tmp_path, framework(**changes))
    assert any(expected in error for error in errors), errors


def test_a_file_that_is_not_json_says_where(tmp_path):
    errors = errors_for(tmp_path, '{"id": "x",\n  oops}')
    assert errors[0].startswith("ofsted-ilacs-2023.json: is not valid JSON (line 2")


def crosswalk(**changes):
    data = {"framework": "ofsted-ilacs", "from_version": "2018", "to_version": "2023", "source_title": "Consultation",
            "source_url": "https://www.gov.uk/example", "note": "",
            "mappings": {"joint": ["care-leavers", "leaders"], "gone": "retired"}}
    data.update(changes)
    return data


def two_versions(tmp_path):
    write(tmp_path, "ofsted-ilacs-2018.json", framework(version="2018", published="2017-11-01", criteria=[
        {"code": "joint", "title": "Joint", "parent": None}, {"code": "gone", "title": "Gone", "parent": None},
        {"code": "unmapped", "title": "Nobody said", "parent": None}]))
    write(tmp_path, "ofsted-ilacs-2023.json", framework())


def test_a_valid_crosswalk_is_read_with_its_retired_and_unmapped_codes(tmp_path):
    two_versions(tmp_path)
    write(tmp_path, "crosswalks/ofsted-ilacs-2018-to-2023.json", crosswalk())
    files = read_directory(tmp_path)
    assert files.errors == []
    assert files.crosswalks[0].mappings == {"joint": ["care-leavers", "leaders"], "gone": "retired"}


def test_a_crosswalk_naming_codes_no_version_has_is_refused(tmp_path):
    two_versions(tmp_path)
    write(tmp_path, "crosswalks/x.json", crosswalk(mappings={"nothing": ["leaders"], "joint": ["nowhere"]}))
    assert read_directory(tmp_path).errors == [
        'crosswalks/x.json: mappings["nothing"]: "nothing" is not a criterion of ofsted-ilacs 2018',
        'crosswalks/x.json: mappings["joint"]: "nowhere" is not a criterion of ofsted-ilacs 2023',
    ]


def test_a_crosswalk_to_a_missing_or_earlier_version_is_refused(tmp_path):
    two_versions(tmp_path)
    write(tmp_path, "crosswalks/a.json", crosswalk(to_version="2026"))
    write(tmp_path, "crosswalks/b.json", crosswalk(from_version="2023", to_version="2018", mappings={"leaders": "retired"}))
    errors = read_directory(tmp_path).errors
    assert "crosswalks/a.json: there is no framework file for version 2026 of ofsted-ilacs (ofsted-ilacs-2026.json)" in errors
    assert any(error.startswith("crosswalks/b.json: maps 2023 (published 2022-12-02) to the earlier 2018") for error in errors)


def test_two_files_for_one_version_are_refused(tmp_path):
    write(tmp_path, "ofsted-ilacs-2023.json", framework())
    # Same id and version under a name the checker also refuses: both problems are listed.
    write(tmp_path, "copy.json", framework())
    errors = read_directory(tmp_path).errors
    assert "copy.json: a file for version 2023 of ofsted-ilacs must be named ofsted-ilacs-2023.json" in errors
