"""Every layout variant of docs/pages.md: the flows find the same things by role, label and text."""

from __future__ import annotations

import pytest

from fixtures.simulator import Faults
from flows.mws import register, renew, status
from tests.jobs import job

OUR_ID = "5259-6479-4073"
LAYOUTS = ["nested", "links", "split", "decoy", "late"]


@pytest.mark.parametrize("layout", LAYOUTS)
class TestLayouts:
    def test_register_grants(self, site_factory, account_for, run, layout) -> None:
        """register grants once, whatever the markup around the texts."""
        site = site_factory("demo", layout=layout)
        result = run(job(register.SPEC), account_for(site))
        assert result.outcome == "granted"
        assert len(site.sim.events_of("grant")) == 1
        assert site.sim.events_of("decoy_clicked") == []

    def test_renew_clicks_once(self, site_factory, account_for, run, layout) -> None:
        """renew finds our row and clicks its renew control once, never a decoy."""
        site = site_factory("expiring", layout=layout, faults=Faults(confirmation_step=True))
        result = run(job(renew.SPEC), account_for(site))
        assert result.action == "renewed"
        actions = [(e["developer_id"], e["action"]) for e in site.sim.events_of("row_action")]
        assert actions == [(OUR_ID, "renew")]
        assert site.sim.events_of("decoy_clicked") == []

    def test_status_reads_every_row(self, site_factory, account_for, run, layout) -> None:
        """status reads both paged tables completely."""
        site = site_factory("many-developers", layout=layout)
        result = run(job(status.SPEC), account_for(site))
        assert len(result.developers) == len(site.login.sellers[0].developers)


# -- layout seeds: the core flows on pages of the same contract in other markups --------------

# Chosen by inspecting the seeds' choices (fixtures/simulator/layouts.py) so that, together,
# they show every value of every layout dimension, each in both languages where the language
# matters (wordings, spellings), and every flow below runs on all of them. Seed 0 is the
# original layout. `python -m fixtures.simulator.layouts 1133` prints a seed's choices.
SEEDS = [0, 1133, 69, 412, 267, 752, 37, 402]


def seed_dimensions(seed: int) -> set[tuple[str, str]]:
    """The (dimension, value) pairs a seed shows, language-bound ones tagged with the language."""
    from fixtures.simulator.layouts import choices
    from tests.seeded import language_of

    language = language_of(seed)
    shown = choices(seed).dimensions()
    shown["british"] = shown["british"] if language == "en" else "n/a"
    for key in ("consent_wording", "completion_wording"):
        shown[key] = f"{language}{shown[key]}"
    for key in ("table", "confirm", "token", "empty", "controls", "completion_values"):
        shown[f"{key}@{language}"] = shown[key]
    shown["language"] = language
    return {(k, v) for k, v in shown.items() if v != "n/a"}


def test_the_seed_set_shows_every_layout_dimension() -> None:
    """Every value any seed can choose is shown by one of the test seeds."""
    possible: set[tuple[str, str]] = set()
    for seed in range(0, 3000):
        possible |= seed_dimensions(seed)
    covered: set[tuple[str, str]] = set()
    for seed in SEEDS:
        covered |= seed_dimensions(seed)
    assert possible - covered == set()
    assert len(SEEDS) >= 8


def test_a_seed_is_data_and_deterministic() -> None:
    from fixtures.simulator.layouts import LayoutChoices, choices

    assert choices(0) == LayoutChoices()
    assert choices(412) == choices(412)
    assert "confirm" in choices(412).describe()
    assert len({choices(s) for s in range(1, 60)}) == 59


@pytest.fixture(scope="module")
def shared(tmp_path_factory, shared_browser):
    """The session's headless browser for all the seeded checks of this module."""
    from tests.seeded import Harness

    return Harness(browser=shared_browser, workdir=tmp_path_factory.mktemp("seeded"))


def _check_names() -> list[str]:
    from tests.seeded import CHECKS

    return list(CHECKS)


@pytest.mark.parametrize("check", _check_names())
@pytest.mark.parametrize("seed", SEEDS)
def test_core_flow_on_seed(shared, seed, check) -> None:
    """The core flow gives the right answer on this seed, with exactly the right clicks."""
    from tests.seeded import CHECKS

    CHECKS[check](shared, seed)
