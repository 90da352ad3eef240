"""What an adopter reads before running anything: the licence, the pinned dependencies, CI."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_licence_file_is_the_mit_licence_that_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    licence = (ROOT / "LICENSE").read_text()
    assert project["license"] == "MIT"
    assert licence.startswith("MIT License\n")
    assert "Copyright (c) 2026 The improvement-plans contributors" in licence


def test_weasyprint_is_kept_below_its_next_major_version():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (weasyprint,) = [d for d in dependencies if d.startswith("weasyprint")]
    assert re.fullmatch(r"weasyprint>=70,<71", weasyprint)


def test_ci_runs_the_linter_before_the_tests():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make lint" in script
    assert script.index("make lint") < script.index("make test")


def readme():
    return (ROOT / "README.md").read_text()


def test_the_readme_points_at_the_design_in_docs_not_outside_the_repository():
    text = readme()
    assert "../shared" not in text and "../shared" not in (ROOT / "Makefile").read_text()
    assert "(docs/design.md)" in text and (ROOT / "docs" / "design.md").exists()
    design = (ROOT / "docs" / "design.md").read_text()
    for section in ["## Glossary", "## Rules the models keep", "## Architecture"]:
        assert section in design


def test_the_readme_says_how_python_is_chosen_with_or_without_pyenv():
    text = readme()
    assert (ROOT / ".python-version").read_text().strip() == "3.12"
    assert "`.python-version` asks pyenv for Python 3.12" in text
    assert "Without pyenv, install Python 3.12 or newer" in text


def test_the_readme_lists_every_management_command():
    commands = sorted(path.stem for path in ROOT.glob("*/management/commands/*.py") if not path.stem.startswith("_"))
    assert len(commands) >= 6
    table = readme().split("### Management commands", 1)[1].split("\n\n", 2)[2]
    listed = re.findall(r"^\| `(\w+)", table, flags=re.MULTILINE)
    assert sorted(listed) == commands


def test_every_environment_variable_of_the_settings_is_in_the_one_table():
    settings = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r"""(?:env_bool|env_int|env_list|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""", settings))
    text = readme()
    start = text.index("| variable | meaning |")
    table = text[start:text.index("\n\n", start)]
    assert len(names) > 20
    missing = sorted(name for name in names if f"`{name}`" not in table)
    assert missing == []
    assert not re.search(r"^\| `[A-Z_]+`", text[text.index("\n\n", start):], flags=re.MULTILINE)  # no stray rows
