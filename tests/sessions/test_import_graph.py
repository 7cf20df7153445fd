"""sessions/ has no import cycle: each module's imports of its siblings (type-checking ones
included) form a graph without a loop."""

from __future__ import annotations

import ast
from pathlib import Path

import neuroplay.sessions

SESSIONS = Path(neuroplay.sessions.__file__).parent


def sibling_imports(path: Path) -> set[str]:
    """The sibling modules `path` imports with `from .x import ...`, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_sessions_modules_import_one_another_without_a_cycle() -> None:
    graph = {path.stem: sibling_imports(path) for path in SESSIONS.glob("*.py")}
    assert {"capture", "engine_messages", "engine_pool", "runner", "session"} <= graph.keys()

    def cycle_from(module: str, trail: list[str]) -> list[str] | None:
        if module in trail:
            return [*trail[trail.index(module) :], module]
        for imported in sorted(graph.get(module, ())):
            found = cycle_from(imported, [*trail, module])
            if found:
                return found
        return None

    for module in sorted(graph):
        assert cycle_from(module, []) is None, f"import cycle: {' -> '.join(cycle_from(module, []) or [])}"
