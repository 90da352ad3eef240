"""The shape of the code: the core knows nothing of the other apps, and no module imports one
that imports it back. Read from the source with ``ast``, so imports inside functions count too."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("improvement", "boards", "reports")
OTHER_APPS = ("boards", "reports")


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
