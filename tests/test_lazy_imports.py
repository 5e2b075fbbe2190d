"""Printing help and building the command line import no Playwright (issue 11): the command
specs live in the flow modules, whose Playwright names are imported on first use
(`flows.browse.pw`, types under `TYPE_CHECKING`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imported_after(argv: list[str]) -> set[str]:
    """The top-level modules imported by `sellerauth ARGV` (run in a fresh interpreter)."""
    code = (
        "import sys\n"
        f"sys.argv = {['sellerauth', *argv]!r}\n"
        "from sellerauth.app import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('MODULES', ' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["renew", "--help"], ["batch", "register", "--help"], ["authorize", "--help"]],
)
def test_help_imports_no_playwright(argv: list[str]) -> None:
    """`--help` (whole and per command) builds every command without importing Playwright."""
    imported = _imported_after(argv)
    assert "sellerauth" in imported and "flows" in imported  # the specs were really built
    assert "playwright" not in imported


def test_lazy_names_resolve_to_playwright() -> None:
    """`flows.browse.pw` hands out Playwright's own objects once asked."""
    from playwright.sync_api import Error, TimeoutError, expect

    from flows.browse import pw

    assert (pw.Error, pw.TimeoutError, pw.expect) == (Error, TimeoutError, expect)
    with pytest.raises(AttributeError):
        _ = pw.Page  # type: ignore[attr-defined]
