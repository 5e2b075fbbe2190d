"""Every acting click passes the one gate (flows/browse/gate.py, docs/pages.md "When the page
cannot be read, do nothing"): read from the source, so a future flow cannot click around it.

A click in `flows/` outside the browsing primitives (`flows/browse/`) is allowed only
- through a page object's `act(...)`, with the `reading=` it rests on, or
- in a function that calls `require_certain` itself before clicking, or
- in one of the places listed below, each of which acts on nothing of the seller's account.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"

CLICKS = {"click", "check", "dblclick", "tap", "press", "click_and_settle", "click_to_navigate"}

# module:function -> why its clicks act on nothing.
NOT_ACTING = {
    "flows/signin/pages.py:SignInPage.submit_password": "ticks keep-me-signed-in",
    "flows/signin/pages.py:SignInPage._submit": "sign-in steps act on no seller's account",
    "flows/signin/pages.py:MfaPage.submit_code": "a sign-in step",
    "flows/signin/pages.py:MfaPage.choose_authenticator_app": "a sign-in step",
    "flows/signin/pages.py:SwitchAccountsPage.choose": "picks the remembered sign-in",
    "flows/signin/pages.py:InterstitialPage.dismiss": "dismisses a nudge",
    "flows/signin/chooser.py:Chooser._click": "chooses which account to look at",
    "flows/signin/chooser.py:Chooser.choose": "confirms which account to look at",
    "flows/mws/register.py:_grant": "開発者にアクセス権を付与 opens form ③; consent ④ is act()",
    "flows/mws/pages/registration.py:_submit": "the option screen's and form ③'s 次へ",
    "flows/mws/pages/registration.py:DeveloperFormPage.pass_option_screen": "chooses a form",
    "flows/mws/pages/registration.py:ConsentPage.tick_all": "ticks boxes; 次へ goes by act()",
    "flows/spapi/pages/consent.py:AppConsentPage.tick": "ticks the box; Confirm is gated",
    "flows/spapi/pages/consent.py:_tick_only_box": "ticks the box; the login click is gated",
}


def clicks_outside_the_gate(source: str, module: str) -> list[str]:
    """`module:function:line` of every click that neither goes through `act(reading=...)`,
    nor sits in a function calling `require_certain`, nor in `NOT_ACTING`."""
    tree = ast.parse(source)
    found: list[str] = []

    def visit(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                inner = [*scope, child.name]
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    check(child, inner)
                visit(child, inner)

    def check(fn: ast.FunctionDef | ast.AsyncFunctionDef, scope: list[str]) -> None:
        name = f"{module}:{'.'.join(s for s in scope)}"
        calls = [n for n in ast.walk(fn) if isinstance(n, ast.Call)]
        gated = any(_called(c) == "require_certain" for c in calls)
        for call in calls:
            called = _called(call)
            if called == "act" and not any(k.arg == "reading" for k in call.keywords):
                found.append(f"{name}:{call.lineno}: act() without reading=")
            elif (
                called in CLICKS
                and not gated
                and name not in NOT_ACTING
                and not _nested_in_other_function(fn, call)
            ):
                found.append(f"{name}:{call.lineno}: {called}()")

    visit(tree, [])
    return found


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _nested_in_other_function(fn: ast.AST, call: ast.Call) -> bool:
    """Whether `call` sits in a function defined inside `fn` (checked on its own)."""
    for inner in ast.walk(fn):
        if (
            inner is not fn
            and isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef)
            and any(n is call for n in ast.walk(inner))
        ):
            return True
    return False


@pytest.mark.parametrize(
    "path",
    sorted(p for p in FLOWS.rglob("*.py") if "browse" not in p.relative_to(FLOWS).parts),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_acting_click_passes_the_gate(path: Path) -> None:
    """No click in the site's flows goes around the gate."""
    module = str(path.relative_to(ROOT))
    assert clicks_outside_the_gate(path.read_text(encoding="utf-8"), module) == []


def test_the_walk_finds_a_click_around_the_gate() -> None:
    """A bare click, and act() without its reading, are found (so the test above can fail);
    a click after require_certain is not."""
    source = """
def renew_quickly(page, control):
    control.click()

def renew(page, perms, control, reading):
    perms.act(control, what="renew")

def gated(page, control, reading):
    require_certain(reading, page.url)
    control.click()
"""
    assert clicks_outside_the_gate(source, "flows/x.py") == [
        "flows/x.py:renew_quickly:3: click()",
        "flows/x.py:renew:6: act() without reading=",
    ]


def test_the_list_names_only_places_that_exist() -> None:
    """Every NOT_ACTING entry names a function that still clicks (no stale excuses)."""
    stale = []
    for entry in NOT_ACTING:
        module = entry.split(":")[0]
        source = (ROOT / module).read_text(encoding="utf-8")
        if entry.split(":")[1].split(".")[-1] not in source:
            stale.append(entry)
    assert stale == []
