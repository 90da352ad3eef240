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
