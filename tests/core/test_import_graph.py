"""The product's folders import one another without a circle, and `pytest_restgate.core` imports none of them.

Why: the vocabulary both halves share (records, run info, untrusted text, repeats, run folders, shard and
evidence digests) lives in `pytest_restgate/core/`, so fixtures/ and reports/ never need each other both ways.
Every import counts, those inside functions included (read with `ast`, nothing is imported).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = {"fixtures": REPO / "fixtures", "reports": REPO / "reports", "renderers": REPO / "renderers",
           "core": REPO / "pytest_restgate" / "core", "tests_rest": REPO / "tests_rest"}


def _imported(tree: ast.AST, package: list[str]) -> list[list[str]]:
    """Dotted names each import statement reaches, relative ones resolved against `package`."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name.split(".") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            out.append(base + (node.module.split(".") if node.module else []))
    return out


def folder_graph() -> dict[str, set[str]]:
    """folder -> the other product folders its modules import."""
    graph: dict[str, set[str]] = {name: set() for name in FOLDERS}
    for name, root in FOLDERS.items():
        for path in root.rglob("*.py"):
            package = ["pytest_restgate", name, *path.relative_to(root).parent.parts]
            for parts in _imported(ast.parse(path.read_text(encoding="utf-8")), package):
                if len(parts) > 1 and parts[0] == "pytest_restgate" and parts[1] in FOLDERS and parts[1] != name:
                    graph[name].add(parts[1])
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle of the graph (each once, from its smallest node)."""
    found = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                found.append([*path, start])
            elif nxt > start and nxt not in path:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return found


def test_the_cycle_finder_sees_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_inside_functions_count() -> None:
    tree = ast.parse("def f():\n    from pytest_restgate.reports import x\n    from ..fixtures import y\n")
    assert _imported(tree, ["pytest_restgate", "core", "sub"]) == [
        ["pytest_restgate", "reports"], ["pytest_restgate", "core", "fixtures"]]


def test_no_folder_level_import_circle() -> None:
    graph = folder_graph()
    assert cycles(graph) == [], graph


def test_core_imports_neither_half() -> None:
    assert not folder_graph()["core"] & {"fixtures", "reports"}, "pytest_restgate/core imports a half"
