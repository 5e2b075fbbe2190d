"""Page shapes the project had never seen (shared cases), as tests of its own.

Case c13 (an in-page confirmation dialog), case c14 (the integrator-quoted English consent
boxes), and the permissions screen `permissions_grid_empty_history.html` (an ARIA grid, a pager
counting the seller's own row, an empty history shown as a note), each served from the simulator
by a layout seed of that shape, and the page file itself read through the page object.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from automation.errors import PageChanged, WrongDeveloper
from fixtures.simulator import Faults
from fixtures.simulator.layouts import LayoutChoices, choices
from flows.mws import register, renew, status
from flows.mws.pages.permissions import PermissionsPage
from tests.jobs import job
from tests.seeded import OUR_ID, Harness, language_of

PAGE_FILE = Path(__file__).resolve().parents[1] / "data" / "permissions_grid_empty_history.html"


def first_seed(wanted) -> int:
    """The first seed (from 1) whose choices and language fit."""
    return next(s for s in range(1, 5000) if wanted(choices(s), language_of(s)))


def row_actions(sim) -> list[tuple[str, str]]:
    return [(e["developer_id"], e["action"]) for e in sim.events_of("row_action")]


@pytest.fixture(scope="module")
def shared(tmp_path_factory, shared_browser) -> Harness:
    """The session's headless browser for this module's runs."""
    return Harness(browser=shared_browser, workdir=tmp_path_factory.mktemp("cases"))


class TestInPageConfirmDialog:
    """Case c13: renewing confirms in a dialog on the page, not a new page."""

    def test_renew_confirms_the_dialog_naming_our_developer_once(self, shared: Harness) -> None:
        """アクセス権を承認 opens an in-page dialog naming our developer; the table updates in
        place with no navigation. renew confirms once and reads the new expiry: `renewed`."""
        seed = first_seed(lambda c, lang: lang == "ja" and c.confirm == "dialog")
        sim, result = shared.run(seed, "expiring", job(renew.SPEC))
        assert result.action == "renewed"
        assert result.expires_at >= (sim.now() + timedelta(days=364)).date()
        assert row_actions(sim) == [(OUR_ID, "renew")]

    def test_a_browser_confirm_naming_another_developer_is_declined(self, shared: Harness) -> None:
        """A native confirm() that names another developer is dismissed: nothing happens, and
        the run stops with page_changed, nothing confirmed."""
        seed = first_seed(lambda c, lang: lang == "ja" and c.confirm == "native")

        def renew_with_a_foreign_prompt(page, ctx):
            # The seller's page asks about someone else (as a wrongly wired page might).
            page.add_init_script(
                "const ask = window.confirm.bind(window); window.confirm = () => "
                "ask('開発者 other (1111-2222-3333) のアクセス権を承認しますか?');"
            )
            return job(renew.SPEC)(page, ctx)

        sim, error = shared.run(seed, "expiring", renew_with_a_foreign_prompt, expect_error=True)
        assert isinstance(error, PageChanged), repr(error)
        assert "another developer" in str(error)
        assert row_actions(sim) == []


class TestIntegratorQuotedConsentWording:
    """Case c14: the English consent boxes in the wording an integrator quoted."""

    def test_the_integrator_quoted_boxes_are_ticked_once(self, shared: Harness) -> None:
        """English consent with `I have read and accepted the Amazon MWS Licence Agreement.` and
        the `complete responsibility` box: both ticked, one submission, `granted`."""
        seed = first_seed(lambda c, lang: lang == "en" and c.consent_wording == 1 and c.british)
        sim, result = shared.run(seed, "demo", job(register.SPEC))
        assert result.outcome == "granted"
        assert [e["boxes"] for e in sim.events_of("grant_attempt")] == [[1, 2]]
        assert len(sim.events_of("consent_shown")) == 1

    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_a_box_that_cannot_be_told_is_page_changed_at_once(
        self, shared: Harness, language: str
    ) -> None:
        """A third required box of unknown meaning: page_changed, nothing ticked or submitted,
        the consent page loaded once (never retried)."""
        seed = first_seed(lambda c, lang: lang == language)
        faults = Faults(consent_extra_box="I agree to receive marketing e-mail from partners.")
        sim, error = shared.run(seed, "demo", job(register.SPEC), faults=faults, expect_error=True)
        assert isinstance(error, PageChanged), repr(error)
        assert "cannot be told" in str(error)
        assert sim.events_of("grant_attempt") == []
        assert len(sim.events_of("consent_shown")) == 1

    def test_another_developer_in_the_integrator_wording_is_refused(self, shared: Harness) -> None:
        """That wording naming another developer: wrong_developer, nothing submitted."""
        seed = first_seed(lambda c, lang: lang == "en" and c.consent_wording == 1)
        faults = Faults(consent_developer_name="evil-corp")
        sim, error = shared.run(seed, "demo", job(register.SPEC), faults=faults, expect_error=True)
        assert isinstance(error, WrongDeveloper) and "evil-corp" in str(error)
        assert sim.events_of("grant_attempt") == []


def _grid_page_shape(c: LayoutChoices, language: str) -> bool:
    """The shape of permissions_grid_empty_history.html."""
    return (
        language == "ja"
        and c.table == "aria"
        and c.pager_counts_own
        and c.empty == "note"
        and c.current_columns[-1] == "token"
        and c.hidden_copy != "none"
    )


class TestGridPageWithEmptyHistory:
    def test_the_page_file_reads_right(self, shared: Harness) -> None:
        """The page as Seller Central may show it, read through the page object."""
        context = shared.browser.new_context(None)
        try:
            page = context.new_page()
            page.set_content(PAGE_FILE.read_text(encoding="utf-8"))
            perms = PermissionsPage(page)
            perms.wait_loaded()
            assert perms.seller_id() == "ABZNX2M5P881UTC"
            assert perms.access_confirmation() == "enabled"
            read = perms.read_table("current")
            assert read.problems == [] and read.pages == 1
            current = [r.access for r in perms.developers(read, "current")]
            assert [(a.developer_id, a.nickname) for a in current] == [
                ("6013-6422-2835", "AFreeTool-MWS-auto-switch-fulfillment")
            ]
            assert current[0].granted_at is not None
            assert current[0].granted_at.date() == date(2025, 10, 26)
            assert current[0].expires_at == date(2027, 3, 30)
            history = perms.read_table("history")
            assert history.rows == [] and history.problems == []
            assert perms.locate_row("6013-6422-2835", "current") is not None
            assert perms.locate_row("9291-9582-2537", "current") is None  # the seller's own row
        finally:
            context.close()

    def test_the_same_shape_served_by_a_seed(self, shared: Harness) -> None:
        """status on the simulator serving that shape: every developer, no history."""
        seed = first_seed(_grid_page_shape)
        sim, result = shared.run(seed, "granted", job(status.SPEC))
        seller = sim.scenario.sellers()[0]
        assert result.seller_id == seller.seller_id
        assert result.access_confirmation == "enabled"
        assert sorted(d.developer_id for d in result.developers) == sorted(
            r.developer_id for r in seller.developers
        )
        assert all(d.state == "active" for d in result.developers)
        assert row_actions(sim) == []


class TestActingClicks:
    @pytest.mark.parametrize("flow", ["renew", "register"])
    def test_a_click_with_no_effect_is_page_changed_and_never_repeated(
        self, shared: Harness, flow: str
    ) -> None:
        """A row action after which nothing happens (no page, no dialog, no change) is
        page_changed once: the run is not retried, the control clicked once."""
        seed = first_seed(lambda c, lang: lang == "ja" and c.confirm == "none")

        def run_with_dead_forms(page, ctx):
            # The page swallows the row actions' submissions, as a broken script would.
            page.add_init_script(
                "document.addEventListener('submit', e => { const to = e.target.getAttribute("
                "'action'); if (to.includes('/developer-access')) e.preventDefault(); }, true);"
            )
            if flow == "renew":
                return job(renew.SPEC)(page, ctx)
            return job(register.SPEC)(page, ctx)

        scenario = "expiring" if flow == "renew" else "expired"
        sim, error = shared.run(seed, scenario, run_with_dead_forms, expect_error=True)
        assert isinstance(error, PageChanged), repr(error)
        assert "nothing happened" in str(error)
        assert row_actions(sim) == []
        screens = ("/gp/account-manager/home.html", "/gp/mws/registration/register.html")
        loads = [
            e
            for e in sim.events
            if e["kind"] == "request" and e["path"] in screens and e["status"] == 200
        ]
        assert len(loads) == 1, "the flow was tried again"
