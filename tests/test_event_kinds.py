"""Every simulator event kind recorded or asked for is declared in `EventKind`.

A test that asks for a misspelt kind (`events_of("grnat")`) would see no event and pass: this
walks the source (ast) and fails on any kind the simulator does not declare.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fixtures.simulator.events import EVENT_KINDS
from fixtures.simulator.signin import CHALLENGES, INTERSTITIALS

ROOT = Path(__file__).resolve().parent.parent
# The event log's own tests record made-up kinds on purpose.
MADE_UP = {
    ("tests/simulator/test_sim_scenarios.py", "x"),
    ("tests/simulator/test_sim_scenarios.py", "y"),
}
CALLS = {"record", "events_of"}


def named_kinds(path: Path) -> list[tuple[str, int]]:
    """(kind, line) of every literal first argument of `.record(...)` / `.events_of(...)`,
    and of every literal compared with `e["kind"]`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.args[0].value, node.lineno))
        elif isinstance(node, ast.Compare) and _is_kind(node.left):
            for right in node.comparators:
                if isinstance(right, ast.Constant) and isinstance(right.value, str):
                    found.append((right.value, node.lineno))
    return found


def _is_kind(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == "kind"
    )


FILES = sorted([*(ROOT / "fixtures").rglob("*.py"), *(ROOT / "tests").rglob("*.py")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_kind_named_is_declared(path: Path) -> None:
    """Each literal kind a module records or a test looks up is an `EventKind`."""
    name = str(path.relative_to(ROOT))
    unknown = [
        f"{name}:{line}: {kind!r}"
        for kind, line in named_kinds(path)
        if kind not in EVENT_KINDS and (name, kind) not in MADE_UP
    ]
    assert not unknown, "undeclared event kinds (add them to EventKind): " + ", ".join(unknown)


def test_built_kinds_are_declared() -> None:
    """The kinds the sign-in pages build from their names (`<kind>_shown`, `_guess`, `_post`)."""
    built = {f"{c.kind}_{end}" for c in CHALLENGES for end in ("shown", "guess", "post")}
    built |= {f"{kind}_shown" for kind, _ in INTERSTITIALS}
    assert built <= EVENT_KINDS, sorted(built - EVENT_KINDS)


def test_a_misspelt_kind_is_caught(tmp_path: Path) -> None:
    """The walk sees a misspelt kind (so the test above can fail)."""
    source = tmp_path / "test_x.py"
    source.write_text('def test():\n    assert not site.events_of("grnat")\n')
    assert [kind for kind, _ in named_kinds(source) if kind not in EVENT_KINDS] == ["grnat"]
