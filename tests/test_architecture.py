"""The shape of the code: the core knows nothing of the other apps, not even by name; no app
imports the project (config/); and no module imports one that imports it back. Read from the
source with ``ast``, so imports inside functions and names in strings count too."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("improvement", "boards", "reports", "notifications", "api", "identity", "mfa", "publication")
OTHER_APPS = ("boards", "reports", "notifications", "api", "identity", "mfa", "publication")
PROJECT = "config"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(*packages) -> dict[str, Path]:
    return {module_name(path): path for package in packages for path in sorted((ROOT / package).rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The modules that the module ``name`` imports, at its top or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def names_in_strings(path: Path, packages) -> set[str]:
    """The string constants of a module that name one of ``packages`` as Django and importlib
    do: the package itself ("boards"), a dotted path in it ("reports.urls",
    "boards.apps.BoardsConfig") or a URL namespace ("boards:meeting_detail"). Prose that merely
    mentions a word ("the boards that oversee it") is not a name."""
    pattern = re.compile(rf"^(?:{'|'.join(map(re.escape, packages))})(?:[.:]|$)")
    return {node.value for node in ast.walk(ast.parse(path.read_text(), str(path)))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value)}


def import_graph(*packages) -> dict[str, set[str]]:
    known = modules(*packages)
    return {name: {other for other in imported(name, path) if other in known and other != name}
            for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle once, as the modules around it (a depth-first search for back edges)."""
    found, state = [], {}

    def visit(name, trail):
        state[name] = "open"
        trail.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                found.append(trail[trail.index(other):] + [other])
            elif other not in state:
                visit(other, trail)
        trail.pop()
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    return found


def is_package_init(graph, name):
    return any(other.startswith(name + ".") for other in graph)


def test_no_module_of_the_core_imports_boards_or_reports():
    offending = [f"{name} imports {other}" for name, path in modules("improvement").items()
                 for other in sorted(imported(name, path)) if other.split(".")[0] in OTHER_APPS]
    assert offending == []


def test_no_module_of_the_core_names_boards_or_reports_in_a_string():
    """include("boards.urls"), import_module("reports.packs"), reverse("boards:dashboard"): a
    dependency all the same, only hidden from the import check."""
    offending = [f"{name} names {value!r}" for name, path in modules("improvement").items()
                 for value in sorted(names_in_strings(path, OTHER_APPS))]
    assert offending == []


def test_the_string_check_finds_dotted_names_and_namespaces_but_not_prose(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        '"""Boards and reports extend the core through hooks."""\n'
        'from django.urls import include\n'
        'urls = include("boards.urls")\n'
        'module = __import__("importlib").import_module(f"reports.{\'packs\'}")\n'
        'app = "boards"\n'
        'link = "reports:pack_page"\n'
        'words = ["the boards that oversee it", "reportsish", "boardsroom.x"]\n')
    assert names_in_strings(source, OTHER_APPS) == {"boards.urls", "reports.", "boards", "reports:pack_page"}


def test_no_template_of_the_core_links_to_or_includes_the_other_apps():
    """templates/improvement/ are core pages: a {% url "boards:..." %} or an include of
    "reports/..." there ties the core to an app it must not know."""
    reference = re.compile(r"""["'](?:boards|reports|notifications)[:/]""")
    offending = [f"{path.relative_to(ROOT)}: {match}" for path in sorted((ROOT / "templates" / "improvement").rglob("*"))
                 if path.is_file() for match in reference.findall(path.read_text())]
    assert offending == []


def test_no_app_imports_the_project_or_names_it_in_a_string():
    """config/ wires the apps together; only manage.py, the WSGI server and the tests import it."""
    offending = [f"{name} imports {other}" for name, path in modules(*PACKAGES).items()
                 for other in sorted(imported(name, path)) if other.split(".")[0] == PROJECT]
    offending += [f"{name} names {value!r}" for name, path in modules(*PACKAGES).items()
                  for value in sorted(names_in_strings(path, [PROJECT]))]
    assert offending == []


def test_the_project_is_not_an_app():
    from django.apps import apps
    from django.conf import settings

    assert not any(app.name.split(".")[0] == PROJECT for app in apps.get_app_configs())
    assert settings.ROOT_URLCONF == "config.urls" and settings.WSGI_APPLICATION == "config.wsgi.application"
    assert not (ROOT / PROJECT / "models.py").exists() and not (ROOT / PROJECT / "migrations").exists()


def test_the_import_check_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text("def later():\n    from boards.models import Meeting\n    import reports.packs\n")
    assert {"boards.models", "reports.packs"} <= imported("improvement.sample", source)


def test_no_two_modules_of_the_apps_import_each_other_round_a_circle():
    graph = import_graph(*PACKAGES)
    # A package's __init__ is where its submodules are found, not a module that uses them.
    graph = {name: {other for other in others if not is_package_init(graph, other)}
             for name, others in graph.items()}
    assert cycles(graph) == []


def test_the_circle_check_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_pack_and_its_parts_share_the_pdf_primitives_without_importing_each_other():
    graph = import_graph("reports")
    assert "reports.pdf" in graph["reports.pdfparts"] and "reports.packs" not in graph["reports.pdfparts"]


def test_exports_and_their_background_task_do_not_import_each_other_both_ways():
    graph = import_graph("improvement")
    assert "improvement.exports" in graph["improvement.tasks"]
    assert "improvement.tasks" not in graph["improvement.exports"]
