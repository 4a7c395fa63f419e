"""The house reads top-down: no two parts of lib/ import each other, directly or through others.

A part is a top-level module or package of lib/ (lib/facts, lib/narration, lib/fmt.py …); an import inside a
part does not count."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

LIB = Path(__file__).resolve().parent.parent / "lib"


def part_of(module: str) -> str | None:
    names = module.split(".")
    return names[1] if names[0] == "lib" and len(names) > 1 else None


def part_imports() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in LIB.rglob("*.py"):
        part = path.relative_to(LIB).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                other = part_of(target)
                if other and other != part:
                    edges[part].add(other)
    return edges


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(edges[start])
    while todo:
        part = todo.pop()
        if part not in seen:
            seen.add(part)
            todo += edges[part]
    return seen


def test_no_part_of_lib_depends_on_itself_through_another():
    edges = part_imports()
    assert {"facts", "narration", "sources", "ui"} <= set(edges)  # the graph was really read
    cycles = sorted(part for part in list(edges) if part in reachable(edges, part))
    assert cycles == []


def test_the_lower_layers_never_import_the_upper_ones():
    edges = part_imports()
    lower = {"facts": {"ui", "report", "narration", "charts", "tables", "verify"},
             "verify": {"ui", "report", "narration", "charts", "tables", "facts"},
             "sources": {"ui", "report", "narration", "charts", "tables", "facts", "verify"},
             "fmt": {"ui", "report", "narration", "charts", "tables", "facts", "verify", "sources"}}
    assert {part: sorted(edges[part] & upper) for part, upper in lower.items()} == {part: [] for part in lower}
