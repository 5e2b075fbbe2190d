"""Layout seeds: each page in the shape its seed chose, with the same texts and behaviour."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from fixtures.simulator import paths
from fixtures.simulator import permissions as sim_permissions
from fixtures.simulator.__main__ import main as simulator_main
from fixtures.simulator.layouts import LayoutChoices, choices
from fixtures.simulator.scenarios import OUR_DEVELOPER_ID
from fixtures.simulator.testing import page_text


@pytest.fixture
def with_layout(monkeypatch: pytest.MonkeyPatch):
    """Serve exactly these choices (seed 0's with some changed), whatever the scenario's seed."""

    def use(**changes: Any) -> LayoutChoices:
        chosen = dataclasses.replace(LayoutChoices(seed=999), **changes)
        monkeypatch.setattr(sim_permissions, "layout", lambda: chosen)
        return chosen

    return use


def main_html(html: str) -> str:
    return html[html.index("<main>") : html.index("</main>")]


def current_section(html: str) -> str:
    start = html.index('id="mws-current-authorizations"')
    return html[start : html.index("</div>\n", html.index("mws-paging", start))]


class TestSeedsAreData:
    def test_seed_zero_is_the_original_layout(self) -> None:
        """Seed 0 chooses the original layout."""
        assert choices(0) == LayoutChoices()

    def test_the_same_seed_chooses_the_same(self) -> None:
        """A seed always makes the same choices, and another seed other ones."""
        assert choices(77) == choices(77) != choices(78)

    def test_the_choices_can_be_printed(self, capsys) -> None:
        """`--show-layout` prints a seed's choices."""
        simulator_main(["--layout-seed", "412", "--show-layout"])
        out = capsys.readouterr().out
        assert out.startswith("layout seed 412") and "confirm" in out and "dialog" in out

    def test_a_scenario_serves_its_seed(self, make_client) -> None:
        """A scenario with a layout seed serves the shape that seed chose (an ARIA grid, no
        <table>)."""
        seed = next(s for s in range(1, 500) if choices(s).table == "aria")
        html = make_client("granted", layout_seed=seed).sign_in().text
        assert 'role="table"' in html and "<table" not in main_html(html)


class TestTables:
    def test_a_td_header_row(self, make_client, with_layout) -> None:
        """The `td` table shape has a header row of <td> cells and no <th>."""
        with_layout(table="td")
        html = current_section(make_client("granted").sign_in().text)
        assert "<th" not in html
        assert '<tr class="hdr"><td><b>開発者 ID</b></td>' in html

    def test_an_aria_grid(self, make_client, with_layout) -> None:
        """The `aria` table shape is a grid of ARIA column headers and cells."""
        with_layout(table="aria")
        html = current_section(make_client("granted").sign_in().text)
        assert '<span role="columnheader">開発者 ID</span>' in html
        assert '<div role="cell">' + OUR_DEVELOPER_ID + "</div>" in html

    @pytest.mark.parametrize(
        "empty,shown,absent",
        [
            ("note", "表示する項目はありません。", 'mws-paging-range">0-0'),
            ("header_only", "アクション日", "表示する項目はありません"),
            ("absent", "権限付与履歴", "アクション日"),
            ("row_note", "該当するデータはありません", "表示する項目はありません"),
        ],
    )
    def test_an_empty_history(self, make_client, with_layout, empty, shown, absent) -> None:
        """Each shape of an empty history shows what it should and nothing of the others."""
        with_layout(empty=empty)
        html = make_client("granted").sign_in().text
        history = html[html.index('id="mws-authorization-history"') :]
        history = history[: history.index("</section>")]
        assert shown in history and absent not in history

    def test_the_pager_may_count_the_sellers_own_row(self, make_client, with_layout) -> None:
        """The pager counts the seller's own row or not, as the seed chose."""
        with_layout(pager_counts_own=True)
        html = make_client("granted").sign_in().text
        assert "1-3 / 3 件を表示" in html  # the seller's own row and two developers
        with_layout(pager_counts_own=False)
        assert "1-2 / 2 件を表示" in make_client("granted").sign_in().text

    def test_a_hidden_copy_points_nowhere_useful(self, make_client, with_layout) -> None:
        """A hidden copy of the table comes before the visible one, its buttons posting to the decoy
        path."""
        with_layout(hidden_copy="before")
        c = make_client("granted")
        html = main_html(c.sign_in().text)
        start = html.index('<div class="sc-compact" hidden aria-hidden="true">')
        assert start < html.index('id="mws-current-authorizations"')  # before the visible one
        copy = html[start:]
        assert f'action="{paths.DECOY}"' in copy
        assert html.count("アクセス権を承認") == 4  # our row and the other one, twice

    def test_columns_and_blocks_in_the_seeds_order(self, make_client, with_layout) -> None:
        """Columns and page blocks come in the order the seed chose."""
        chosen = with_layout(
            current_columns=("token", "action", "expires", "granted", "nickname", "developer_id"),
            blocks=("history", "buttons", "current", "confirmation", "account_info"),
        )
        html = main_html(make_client("granted").sign_in().text)
        headers = re.findall(r'<th scope="col">(.*?)</th>', current_section(html))
        assert headers[0] == "MWS認証トークン" and headers[-1] == "開発者 ID"
        assert html.index("権限付与履歴") < html.index("現在の権限") < html.index("アカウント情報")
        assert chosen.blocks[0] == "history"


class TestControlsAndSteps:
    @pytest.mark.parametrize(
        "controls,expected",
        [
            ("button", '<button type="submit" class="a-button a-button-normal">アクセス権を承認'),
            (
                "input",
                '<input type="submit" class="a-button a-button-normal" value="アクセス権を承認"',
            ),
            ("link", '<a href="#" role="button" class="a-button a-button-normal"'),
        ],
    )
    def test_row_controls(self, make_client, with_layout, controls, expected) -> None:
        """Row actions are buttons, submit inputs or links with the button role, as the seed
        chose."""
        with_layout(controls=controls)
        assert expected in make_client("granted").sign_in().text

    def test_the_token_after_a_reload(self, make_client, with_layout) -> None:
        """The `reload` token shape shows the token on a reloaded page, and logs one view of our
        developer."""
        with_layout(token="reload")
        c = make_client("granted")
        html = c.sign_in().text
        digits = OUR_DEVELOPER_ID.replace("-", "")
        assert f'href="{paths.HOME}?show={digits}"' in html
        shown = c.get(f"{paths.HOME}?show={digits}").text
        assert re.search(r'<span class="mws-token">amzn\.mws\.[0-9a-f-]{36}</span>', shown)
        assert [e["developer_id"] for e in c.simulator.events_of("token_view")] == [
            OUR_DEVELOPER_ID
        ]

    def test_a_native_confirm_names_the_developer(self, make_client, with_layout) -> None:
        """A native confirm names the developer and ID in its question."""
        with_layout(confirm="native")
        html = make_client("expiring").sign_in().text
        assert (
            f'data-confirm="開発者 shippinno ({OUR_DEVELOPER_ID}) のアクセス権を承認しますか?"'
            in html
        )

    def test_an_in_page_dialog(self, make_client, with_layout) -> None:
        """An in-page dialog is served, and its posted form acts at once, logged once."""
        with_layout(confirm="dialog")
        c = make_client("expiring")
        html = c.sign_in().text
        assert 'role="dialog"' in html and "data-dialog=" in html
        # the dialog posts the row's form with fetch: the action takes effect at once
        form = {"action": "renew", "developerId": OUR_DEVELOPER_ID, "returnTo": paths.HOME}
        assert c.post(paths.ROW_ACTION, form).headers["Location"] == paths.HOME
        assert [e["action"] for e in c.simulator.events_of("row_action")] == ["renew"]

    def test_a_confirmation_page(self, make_client, with_layout) -> None:
        """With a confirmation page an action leads there, and nothing is done before it."""
        with_layout(confirm="page")
        c = make_client("expiring")
        c.sign_in()
        form = {"action": "renew", "developerId": OUR_DEVELOPER_ID, "returnTo": paths.HOME}
        assert paths.CONFIRM_ACTION in c.post(paths.ROW_ACTION, form).headers["Location"]
        assert c.simulator.events_of("row_action") == []

    def test_tables_that_fill_in_late(self, make_client, with_layout) -> None:
        """Tables that fill in late are absent from the first text and filled after the chosen
        delay."""
        with_layout(late_ms=400)
        html = make_client("granted").sign_in().text
        assert "現在の権限" not in page_text(html) and "setTimeout(fillLate, 400)" in html


class TestWordings:
    def test_british_spellings(self, make_client, with_layout) -> None:
        """British wording spells Authorisation, Authorised and Authorise."""
        with_layout(british=True)
        text = page_text(make_client("granted", language="en").sign_in().text)
        assert "Current Authorisations" in text and "Authorisation History" in text
        assert "Date Authorised" in text and "Authorise a developer" in text

    @pytest.mark.parametrize("wording", [0, 1, 2])
    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_consent_versions_name_the_developer(
        self, make_client, with_layout, wording, language
    ) -> None:
        """Every consent wording, in both languages and box orders, names the developer, and both
        boxes grant."""
        with_layout(consent_wording=wording, consent_boxes_reversed=bool(wording % 2))
        c = make_client(language=language)
        c.sign_in()
        c.post(paths.AUTHORIZE, {"developerName": "shippinno", "devMWSAccountId": OUR_DEVELOPER_ID})
        text = page_text(c.get(paths.CONSENT).text)
        assert text.count("shippinno") >= 3  # the statement and the responsibility box
        done = c.follow(c.post(paths.CONSENT, {"agree1": "1", "agree2": "1"}))
        assert "amzn.mws." in done.text

    @pytest.mark.parametrize("shape,marker", [("dl", "<dl"), ("table", '<th scope="row">')])
    def test_completion_values_shapes(self, make_client, with_layout, shape, marker) -> None:
        """Completion values come as a definition list or a table with row headers, as chosen."""
        with_layout(completion_values=shape, completion_wording=1)
        c = make_client()
        c.sign_in()
        c.post(paths.AUTHORIZE, {"developerName": "shippinno", "devMWSAccountId": OUR_DEVELOPER_ID})
        html = c.follow(c.post(paths.CONSENT, {"agree1": "1", "agree2": "1"})).text
        assert marker in html and "登録が完了しました" in html

    def test_an_unknown_extra_box_is_required(self, make_client) -> None:
        """An extra consent box the bot does not know must be ticked too: without it nothing is
        granted."""
        c = make_client(faults={"consent_extra_box": "Something else"})
        c.sign_in()
        c.post(paths.AUTHORIZE, {"developerName": "shippinno", "devMWSAccountId": OUR_DEVELOPER_ID})
        assert "Something else" in c.get(paths.CONSENT).text
        assert c.post(paths.CONSENT, {"agree1": "1", "agree2": "1"}).status_code == 200
        assert c.simulator.events_of("grant") == []

    def test_a_next_button_enabled_only_after_input(self, make_client, with_layout) -> None:
        """The developer form's `次へ` may be disabled until something is typed."""
        with_layout(form_enable_after_input=True)
        c = make_client()
        c.sign_in()
        html = c.get(paths.AUTHORIZE).text
        assert (
            '<button type="submit" class="a-button a-button-primary" disabled '
            'id="developer-form-next">' in html
        )


class TestLateRows:
    def test_rows_that_arrive_after_the_table_and_its_pager(self, make_client, with_layout):
        """Late rows arrive after the table and its pager: the pager counts them while their text is
        not yet there."""
        with_layout(late_ms=300, late_rows=True, table="td")
        html = make_client("granted").sign_in().text
        assert "1-2 / 2 件を表示" in page_text(html)
        assert "<template data-late-rows>" in html
        assert OUR_DEVELOPER_ID not in page_text(html)
        assert OUR_DEVELOPER_ID in page_text(html, keep_templates=True)
