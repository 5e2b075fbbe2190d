"""Adversary layouts, rounds 1 and 2 (fixtures/simulator/adversary.py): each is selectable, serves
its page, and the default pages are unchanged without one."""

from __future__ import annotations

import pytest

from fixtures.simulator import Simulator, build_scenario, paths
from fixtures.simulator.adversary import (
    ADVERSARIES,
    EXAMPLE_TOKEN,
    LOOKALIKE_APP_NAME,
    LOOKALIKE_DEVELOPER_ID,
    OFF_BY_ONE_DEVELOPER_ID,
    SWITCHER_LOOKALIKE_SELLER_NAME,
    apply,
)
from fixtures.simulator.options import BadOption, scenario_from
from fixtures.simulator.scenarios import OUR_DEVELOPER_ID
from fixtures.simulator.spapi_model import DEMO_APP_ID
from fixtures.simulator.testing import FakeClock, SimClient
from tests.adversary import all_cases, cases

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


ROUND_2_PAGES = {
    "pager-arrows": ("many-developers", paths.HOME, 'aria-label="次へ" title="次へ">›</a>'),
    "pager-words-and-numbers": ("many-developers", paths.HOME, "次へ ›</a>"),
    "count-disagrees": ("expiring", paths.HOME, "1-2 / 4 件を表示"),
    "offscreen-copy": ("expiring", paths.HOME, "left:-10000px"),
    "disable-lookalike": ("expired", paths.HOME, "出品者アカウントの通知メール"),
    "id-off-by-one": ("expired", paths.HOME, OFF_BY_ONE_DEVELOPER_ID),
    "en-renew-label": ("expiring", paths.HOME, ">Renew</button>"),
    "option-self-preselected": ("demo", paths.AUTHORIZE, 'id="mws-option-self" checked'),
    "switcher-listbox": ("picker", paths.HOME, SWITCHER_LOOKALIKE_SELLER_NAME),
    "spapi-aria-checkbox": ("spapi", CONSENT, 'role="checkbox" aria-checked="false"'),
    "spapi-login-button-other": ("spapi", CONSENT, "Log in to Shippinno Connector Pro now"),
    "apps-disable-only": ("spapi-expiring", "/apps/manage", ">Disable</button>"),
    "apps-ja-extend-pager": ("spapi-many-apps", "/apps/manage?page=2", "‹ 前へ</a>"),
}
"""Round 2 layouts served on a page reached by opening a URL: (scenario, url, marker)."""


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
    round_1 = {name for name, a in ADVERSARIES.items() if a.round == 1}
    assert (
        set(PAGES)
        | {
            "consent-longer-name",
            "consent-other-named",
            "completion-shuffled",
        }
        == round_1
    )
    assert {c.adversary for c in cases()} == round_1
    assert (
        set(ROUND_2_PAGES)
        | {
            "row-misfit",
            "confirm-names-other",
            "consent-other-id",
            "consent-en-midsentence",
            "completion-example-token",
            "spapi-interstitial-stuck",
            "apps-same-name-twice",
        }
        == set(ADVERSARIES) - round_1
    )
    assert {c.adversary for c in all_cases()} == set(ADVERSARIES)
    for name in ADVERSARIES:
        assert f"`{name}`" in docs


# -- round 2 -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ROUND_2_PAGES))
def test_each_round_2_layout_serves_its_page(name: str) -> None:
    scenario, url, marker = ROUND_2_PAGES[name]
    page = client(scenario, name).sign_in(url)
    assert page.status_code == 200
    assert marker in page.get_data(as_text=True)


def test_default_pages_have_none_of_round_2() -> None:
    plain = client("many-developers", None).sign_in(paths.HOME).get_data(as_text=True)
    for marker in ("›", "left:-10000px", "通知メール", "件を表示"):
        assert (marker in plain) == (marker == "件を表示")


def test_row_misfit_drops_one_cell_of_another_developers_row() -> None:
    html = client("expiring", "row-misfit").sign_in(paths.HOME).get_data(as_text=True)
    rows = [r for r in html.split("<tr>") if "other-dev-01" in r]
    assert len(rows) == 1 and rows[0].count("<td>") == 5
    ours = [r for r in html.split("<tr>") if OUR_DEVELOPER_ID in r]
    assert ours[0].count("<td>") == 6


def test_confirm_names_other_asks_about_another_developer() -> None:
    c = client("expiring", "confirm-names-other")
    c.sign_in(paths.HOME)
    answer = c.post(
        paths.ROW_ACTION,
        {"action": "renew", "developerId": OUR_DEVELOPER_ID, "returnTo": paths.HOME},
    )
    page = c.follow(answer).get_data(as_text=True)
    question = page.split('class="confirm-question">')[1].split("</p>")[0]
    assert "other-dev-01" in question and OUR_DEVELOPER_ID not in question
    assert c.simulator.events_of("row_action") == []


def _consent_page(c: SimClient) -> str:
    c.sign_in(paths.AUTHORIZE)
    form = {"developerName": "shippinno", "devMWSAccountId": OUR_DEVELOPER_ID}
    return c.follow(c.post(paths.AUTHORIZE, form)).get_data(as_text=True)


def test_consent_other_id_names_our_name_with_another_id() -> None:
    page = _consent_page(client("demo", "consent-other-id"))
    assert "shippinno（開発者ID: 3141-5926-5358）" in page
    assert LOOKALIKE_DEVELOPER_ID in page and OUR_DEVELOPER_ID not in page


def test_consent_en_midsentence_names_ours_in_the_middle() -> None:
    page = _consent_page(client("demo", "consent-en-midsentence"))
    assert "Clicking Next gives shippinno access" in page
    assert "acts or omissions of shippinno in connection with my seller account" in page


def test_completion_example_token_quotes_the_example_before_the_real_values() -> None:
    c = client("demo", "completion-example-token")
    _consent_page(c)
    page = c.follow(c.post(paths.CONSENT, {"agree1": "1", "agree2": "1"})).get_data(as_text=True)
    token = c.simulator.developer_row("A1SIMJPDEMO0X1", OUR_DEVELOPER_ID).token
    assert page.index(EXAMPLE_TOKEN) < page.index(token)


def test_interstitial_stuck_moves_on_only_after_two_reloads() -> None:
    c = client("spapi", "spapi-interstitial-stuck")
    c.sign_in(CONSENT)
    c.post("/apps/authorize/consent", {"consent": "1"})
    loads = [c.get("/apps/authorize/status").get_data(as_text=True) for _ in range(3)]
    assert ["location.replace" in p for p in loads] == [False, False, True]
    assert all("Shippinno Connector" in p for p in loads)


def test_apps_same_name_twice_shows_our_app_name_on_two_rows() -> None:
    html = client("spapi-authorized", "apps-same-name-twice").sign_in("/apps/manage")
    assert html.get_data(as_text=True).count("<td>Shippinno Connector</td>") == 2
