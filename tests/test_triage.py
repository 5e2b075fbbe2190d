"""The triage table (flows/triage.py) covers every error code the program can report, and
every Amazon code of a refusal; error results carry it."""

from __future__ import annotations

import importlib
import pkgutil
from typing import get_args

import automation
import flows
from automation.errors import SellerAuthError
from automation.outcome import Outcome, failure, triaged
from fixtures.simulator.spapi_model import MdCode
from flows.errors import Refused
from flows.triage import OPS, REFUSED, TRIAGE, triage_of
from sellerauth.app import SITE


def _every_error_code() -> set[str]:
    for package in (automation, flows):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    found: set[str] = set()
    todo: list[type[SellerAuthError]] = [SellerAuthError]
    while todo:
        cls = todo.pop()
        found.add(cls.code)
        todo.extend(cls.__subclasses__())
    return found


def test_every_error_code_has_a_triage() -> None:
    missing = _every_error_code() - set(TRIAGE)
    assert not missing, f"no triage for {sorted(missing)}: add them to flows/triage.py"
    for entry in [*TRIAGE.values(), *REFUSED.values()]:
        assert entry.cause.endswith(".") and entry.next_step and entry.owner


def test_every_amazon_code_has_its_own_triage() -> None:
    assert set(get_args(MdCode)) <= set(REFUSED)
    md1000 = triage_of(Refused("x", amazon_code="MD1000").to_dict())
    assert md1000 is not None and "SELLERAUTH_APP_DRAFT" in md1000["next_step"]
    unknown = triage_of(Refused("x", amazon_code="MD0001").to_dict())
    assert unknown == triage_of({"code": "refused"})


def test_error_results_carry_the_sites_triage() -> None:
    assert SITE.triage is triage_of
    outcome: Outcome = triaged(failure("acme", Refused("x", amazon_code="MD4100")), SITE.triage)
    assert outcome.error is not None
    assert outcome.error["triage"] == triage_of({"code": "refused", "amazon_code": "MD4100"})
    busy = triaged(failure("acme", SellerAuthError("bug")), SITE.triage)
    assert busy.error is not None and busy.error["triage"]["owner"] == OPS


def test_docs_show_the_triage_of_every_code() -> None:
    from tests.cli import ROOT

    doc = (ROOT / "docs" / "errors.md").read_text().split("## Triage", 1)[1].split("\n## ", 1)[0]
    for code, entry in TRIAGE.items():
        assert f"| `{code}` | " in doc and entry.next_step.replace("|", "\\|") in doc, code
    for code in REFUSED:
        assert f"| `refused` `{code}` |" in doc
