"""Reading and checking the framework files (improvement/frameworks/*.json) and their
crosswalks (improvement/frameworks/crosswalks/*.json). Plain Python, no Django.

A framework file describes one version of an inspection framework::

    {"id": "ofsted-ilacs", "short_title": "ILACS", "title": "…", "publisher": "Ofsted",
     "version": "2023", "published": "2022-12-02", "source_title": "…", "source_url": "https://…",
     "checked": {"verified_against_source": false, "note": "what was and was not checked"},
     "criteria": [{"code": "leaders", "title": "…", "parent": null}, …]}

and is named ``<id>-<version>.json``. A crosswalk maps one version's criteria to the next::

    {"framework": "ofsted-ilacs", "from_version": "2018", "to_version": "2023",
     "source_title": "…", "source_url": "https://…", "note": "…",
     "mappings": {"old-code": ["new-code", …], "gone-code": "retired"}}

A code the crosswalk leaves out is one nobody has decided: re-mapping lists it for the plan
manager. Every problem is reported, each naming the file and the item, so one run shows all
that needs fixing.
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

CODE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,59}$")
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$")
RETIRED = "retired"

FRAMEWORK_FIELDS = {"id", "short_title", "title", "publisher", "version", "published", "source_title", "source_url",
                    "checked", "criteria"}
CRITERION_FIELDS = {"code", "title", "parent"}
CROSSWALK_FIELDS = {"framework", "from_version", "to_version", "source_title", "source_url", "note", "mappings"}


@dataclass
class FrameworkFile:
    name: str
    key: str
    short_title: str
    title: str
    publisher: str
    version: str
    published: datetime.date
    source_title: str
    source_url: str
    verified: bool
    check_note: str
    criteria: list[dict]  # {"code", "title", "parent"} in the file's order, parents first


@dataclass
class CrosswalkFile:
    name: str
    framework: str
    from_version: str
    to_version: str
    source_title: str
    source_url: str
    note: str
    mappings: dict  # {old code: [new codes] or "retired"}


@dataclass
class FrameworkFiles:
    frameworks: list[FrameworkFile] = field(default_factory=list)
    crosswalks: list[CrosswalkFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class FileProblems(Exception):
    """The files could not be read: ``errors`` says what to fix, one line a problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def read_directory(directory: Path) -> FrameworkFiles:
    """Every framework file in ``directory`` and every crosswalk in its ``crosswalks`` folder,
    checked against each other (duplicate versions, crosswalks naming versions or codes that no
    file has). ``errors`` is empty when all is well."""
    found = FrameworkFiles()
    for path in sorted(directory.glob("*.json")):
        data = _read_json(path, found.errors)
        if data is not None:
            framework = check_framework(path.name, data, found.errors)
            if framework is not None:
                found.frameworks.append(framework)
    versions: dict[tuple[str, str], FrameworkFile] = {}
    for framework in found.frameworks:
        if (framework.key, framework.version) in versions:
            found.errors.append(f"{framework.name}: version {framework.version} of {framework.key} is also in "
                                f"{versions[framework.key, framework.version].name}; keep one file per version")
        versions.setdefault((framework.key, framework.version), framework)
    for path in sorted((directory / "crosswalks").glob("*.json")):
        data = _read_json(path, found.errors)
        if data is not None:
            crosswalk = check_crosswalk(path.name, data, versions, found.errors)
            if crosswalk is not None:
                found.crosswalks.append(crosswalk)
    return found


def _read_json(path: Path, errors: list[str]):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        errors.append(f"{path.name}: is not UTF-8 text")
    except json.JSONDecodeError as error:
        errors.append(f"{path.name}: is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
    return None


def _text(data: dict, name: str, where: str, errors: list[str], *, pattern=None, what="") -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{where}: \"{name}\" is missing or empty{f' ({what})' if what else ''}")
        return ""
    if pattern is not None and not pattern.match(value):
        errors.append(f"{where}: \"{name}\" is \"{value}\", which is not {what}")
        return ""
    return value.strip()


def _unknown(data: dict, allowed: set[str], where: str, errors: list[str]) -> None:
    for name in sorted(set(data) - allowed):
        errors.append(f"{where}: \"{name}\" is not a field this file may have "
                      f"(it may have {', '.join(sorted(allowed))})")


def _url(data: dict, where: str, errors: list[str]) -> str:
    url = _text(data, "source_url", where, errors, what="the address of the published document")
    if url and not url.startswith("https://"):
        errors.append(f"{where}: \"source_url\" must be an https:// address, not \"{url}\"")
        return ""
    return url


def check_framework(name: str, data, errors: list[str]) -> FrameworkFile | None:
    """The framework file's contents, or None with the problems added to ``errors``."""
    if not isinstance(data, dict):
        errors.append(f"{name}: must hold one JSON object, with the fields {', '.join(sorted(FRAMEWORK_FIELDS))}")
        return None
    before = len(errors)
    _unknown(data, FRAMEWORK_FIELDS, name, errors)
    key = _text(data, "id", name, errors, pattern=KEY, what="lower-case letters, digits and hyphens")
    version = _text(data, "version", name, errors, pattern=VERSION, what="a short version name such as 2023")
    texts = {field_name: _text(data, field_name, name, errors)
             for field_name in ("short_title", "title", "publisher", "source_title")}
    url = _url(data, name, errors)
    published = None
    published_text = _text(data, "published", name, errors, what="the publication date, as YYYY-MM-DD")
    if published_text:
        try:
            published = datetime.date.fromisoformat(published_text)
        except ValueError:
            errors.append(f"{name}: \"published\" is \"{published_text}\", which is not a date written YYYY-MM-DD")
    checked = data.get("checked")
    verified, note = False, ""
    if not isinstance(checked, dict) or not isinstance(checked.get("verified_against_source"), bool) \
            or not isinstance(checked.get("note"), str) or not checked["note"].strip():
        errors.append(f"{name}: \"checked\" must say {{\"verified_against_source\": true or false, \"note\": "
                      "what was checked against what}")
    else:
        verified, note = checked["verified_against_source"], checked["note"].strip()
    if key and version and name != f"{key}-{version}.json":
        errors.append(f"{name}: a file for version {version} of {key} must be named {key}-{version}.json")
    criteria = _check_criteria(name, data.get("criteria"), errors)
    if len(errors) > before:
        return None
    return FrameworkFile(name=name, key=key, version=version, published=published, source_url=url, verified=verified,
                         check_note=note, criteria=criteria, **texts)


def _check_criteria(name: str, criteria, errors: list[str]) -> list[dict]:
    if not isinstance(criteria, list) or not criteria:
        errors.append(f"{name}: \"criteria\" must be a list of at least one {{\"code\", \"title\", \"parent\"}}")
        return []
    seen: dict[str, int] = {}
    checked = []
    for index, item in enumerate(criteria):
        where = f"{name}: criteria[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{where}: must be an object with \"code\", \"title\" and \"parent\"")
            continue
        code = item.get("code")
        if isinstance(code, str) and code:
            where += f" (code \"{code}\")"
        _unknown(item, CRITERION_FIELDS, where, errors)
        code = _text(item, "code", where, errors, pattern=CODE,
                     what="lower-case letters, digits, dots and hyphens, up to 60")
        title = _text(item, "title", where, errors)
        parent = item.get("parent")
        if parent is not None and not isinstance(parent, str):
            errors.append(f"{where}: \"parent\" must be the code of a criterion listed before it, or null")
            parent = None
        elif parent is not None and parent not in seen:
            later = any(isinstance(other, dict) and other.get("code") == parent for other in criteria[index:])
            errors.append(f"{where}: parent \"{parent}\" is "
                          + ("listed after it: list a parent before its criteria" if later
                             else "not a code in this file"))
        if code in seen:
            errors.append(f"{where}: the code \"{code}\" is used twice (also criteria[{seen[code]}])")
        elif code:
            seen[code] = index
        if code and title:
            checked.append({"code": code, "title": title, "parent": parent})
    return checked


def check_crosswalk(name: str, data, versions: dict, errors: list[str]) -> CrosswalkFile | None:
    """The crosswalk's contents, checked against the framework files (``versions``: {(id,
    version): FrameworkFile}), or None with the problems added to ``errors``."""
    where = f"crosswalks/{name}"
    if not isinstance(data, dict):
        errors.append(f"{where}: must hold one JSON object, with the fields {', '.join(sorted(CROSSWALK_FIELDS))}")
        return None
    before = len(errors)
    _unknown(data, CROSSWALK_FIELDS, where, errors)
    key = _text(data, "framework", where, errors, pattern=KEY, what="the id of a framework file")
    from_version = _text(data, "from_version", where, errors)
    to_version = _text(data, "to_version", where, errors)
    source_title = _text(data, "source_title", where, errors)
    url = _url(data, where, errors)
    note = data.get("note", "")
    if not isinstance(note, str):
        errors.append(f"{where}: \"note\" must be text")
    old = versions.get((key, from_version))
    new = versions.get((key, to_version))
    for version, found in ((from_version, old), (to_version, new)):
        if key and version and found is None:
            errors.append(f"{where}: there is no framework file for version {version} of {key} ({key}-{version}.json)")
    if from_version and from_version == to_version:
        errors.append(f"{where}: maps version {from_version} to itself")
    if old and new and old.published > new.published:
        errors.append(f"{where}: maps {from_version} (published {old.published}) to the earlier {to_version} "
                      f"(published {new.published}); a crosswalk goes from a version to a later one")
    mappings = data.get("mappings")
    if not isinstance(mappings, dict) or not mappings:
        errors.append(f"{where}: \"mappings\" must be an object of {{\"old code\": [\"new code\", …] or \"retired\"}}")
        mappings = {}
    old_codes = {c["code"] for c in old.criteria} if old else None
    new_codes = {c["code"] for c in new.criteria} if new else None
    for code, target in mappings.items():
        item = f"{where}: mappings[\"{code}\"]"
        if old_codes is not None and code not in old_codes:
            errors.append(f"{item}: \"{code}\" is not a criterion of {key} {from_version}")
        if target == RETIRED:
            continue
        if not isinstance(target, list) or not target or not all(isinstance(t, str) for t in target):
            errors.append(f"{item}: must be a list of {key} {to_version} codes, or \"retired\"")
            continue
        if len(set(target)) != len(target):
            errors.append(f"{item}: names the same new code twice")
        for new_code in target:
            if new_codes is not None and new_code not in new_codes:
                errors.append(f"{item}: \"{new_code}\" is not a criterion of {key} {to_version}")
    if len(errors) > before:
        return None
    return CrosswalkFile(name=name, framework=key, from_version=from_version, to_version=to_version,
                         source_title=source_title, source_url=url, note=note.strip(), mappings=mappings)
