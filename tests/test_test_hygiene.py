"""The tests' own house rules (issue 13), checked so they stay kept: no test module imports another
test module (shared helpers live in helper modules: api/helpers.py, cluster/classroom.py, ...), and
no test reaches into the code's private names (an attribute or an import starting with `_`): a test
that needs to see something asks for it through a public name, which the code then keeps."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Private attributes of other people's objects a test may touch, and why.
ALLOWED_PRIVATE = {
    "_nodeid",  # api/test_fuzz_http.py: schemathesis 4.32 reads pytest's old node._nodeid; given one
}


def modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(TESTS.rglob("*.py"))]


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_test_module_imports_another() -> None:
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, (ast.ImportFrom, ast.Import)):  # from . import test_x, import x.test_y
                names = [a.name for a in node.names]
            if any(n.split(".")[-1].startswith("test_") for n in names):
                found.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert found == [], "a test module imported by another; move what they share into a helper module"


def test_no_test_reads_a_private_name() -> None:
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            own = (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("self", "cls")
            )
            if (
                isinstance(node, ast.Attribute)
                and is_private(node.attr)
                and node.attr not in ALLOWED_PRIVATE
                and not own
            ):
                found.append(f"{path.relative_to(TESTS)}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("neuroplay"):
                found += [f"{path.relative_to(TESTS)}:{node.lineno} {a.name}" for a in node.names if is_private(a.name)]
    assert found == [], "tests reading private names; give the code a public name for what they check"
