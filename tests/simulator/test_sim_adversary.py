"""Adversary layouts, round 1 (fixtures/simulator/adversary.py): each is selectable, serves its
page, and the default pages are unchanged without one."""

from __future__ import annotations

import pytest

from fixtures.simulator import Simulator, build_scenario, paths
from fixtures.simulator.adversary import ADVERSARIES, LOOKALIKE_APP_NAME, apply
from fixtures.simulator.options import BadOption, scenario_from
from fixtures.simulator.spapi_model import DEMO_APP_ID
from fixtures.simulator.testing import FakeClock, SimClient
from tests.adversary import cases

CONSENT = f"/apps/authorize/consent?application_id={DEMO_APP_ID}&state=s"
PAGES = {
    "headerless": ("expiring", paths.HOME, "5259-6479-4073"),
    "numbers-pager": ("many-developers", paths.HOME, 'aria-current="page">1<'),
    "pager-in-place": ("many-developers", paths.HOME, "data-inplace"),
    "rows-in-two-batches": ("expiring", paths.HOME, "<template data-adv-late>"),
    "id-in-nickname": ("granted", paths.HOME, "3141-5926-5358"),
    "actions-drawn-late": ("expiring", paths.HOME, "<template data-adv-late>"),
    "en-headerless-history": ("expired", paths.HOME, "Authorization History"),
    "form-reversed": ("demo", paths.AUTHORIZE, 'aria-labelledby="adv-label-a"'),
    "picker-lookalike": ("picker", paths.PICKER + "?returnTo=/", "サンプル商店 アウトレット"),
    "spapi-name-contains": ("spapi", CONSENT, LOOKALIKE_APP_NAME),
    "spapi-login-name-contains": ("spapi", CONSENT, LOOKALIKE_APP_NAME),
    "spapi-box-names-other": ("spapi", CONSENT, LOOKALIKE_APP_NAME),
    "spapi-confirm-late": ("spapi", CONSENT, "<template data-adv-late><button"),
    "apps-lookalike-row": ("spapi-authorized", "/apps/manage", LOOKALIKE_APP_NAME),
    "apps-ja-headerless": ("spapi-expiring", "/apps/manage", "再認可"),
    "apps-numbers-pager": ("spapi-many-apps", "/apps/manage", 'aria-current="page">1<'),
    "apps-no-renew-control": ("spapi-expired", "/apps/manage", "Repricer Pro"),
}


def client(scenario: str, adversary: str | None) -> SimClient:
    english = {"language": "en"} if adversary == "apps-numbers-pager" else {}
    built = build_scenario(scenario, **english)
    if adversary:
        apply(built, adversary)
    return SimClient(Simulator(built, clock=FakeClock()))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_layout_serves_its_page(name: str) -> None:
    scenario, url, marker = PAGES[name]
    page = client(scenario, name).sign_in(url)
    assert page.status_code == 200
    assert marker in page.get_data(as_text=True)


def test_headerless_drops_the_header_row_only_with_the_layout() -> None:
    plain = client("expiring", None).sign_in(paths.HOME).get_data(as_text=True)
    bare = client("expiring", "headerless").sign_in(paths.HOME).get_data(as_text=True)
    assert "<th" in plain and "<th" not in bare
    assert "data-adv-late" not in plain and "simAdvLate" not in plain


def test_option_selects_a_layout_and_refuses_unknown_names() -> None:
    scenario = scenario_from({"scenario": "granted", "adversary": "id-in-nickname"})
    assert scenario.adversary == "id-in-nickname"
    assert len(scenario.logins[0].sellers[0].developers) == 3
    assert scenario_from({"scenario": "granted"}).adversary is None
    with pytest.raises(BadOption, match="--adversary"):
        scenario_from({"scenario": "demo", "adversary": "nope"})


def test_every_layout_has_a_run_and_a_line_of_docs() -> None:
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "simulator.md").read_text()
    assert set(PAGES) | {
        "consent-longer-name",
        "consent-other-named",
        "completion-shuffled",
    } == set(ADVERSARIES)
    assert {c.adversary for c in cases()} == set(ADVERSARIES)
    for name in ADVERSARIES:
        assert f"`{name}`" in docs
