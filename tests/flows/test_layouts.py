"""Every layout variant of PAGES.md: the flows find the same things by role, label and text."""

from __future__ import annotations

import functools

import pytest

from fixtures.simulator import Faults
from flows import permissions, register

OUR_ID = "5259-6479-4073"
LAYOUTS = ["nested", "links", "split", "decoy", "late"]


@pytest.mark.parametrize("layout", LAYOUTS)
class TestLayouts:
    def test_register_grants(self, site_factory, account_for, run, layout) -> None:
        """register grants once, whatever the markup around the texts."""
        site = site_factory("demo", layout=layout)
        result = run(register.run, account_for(site))
        assert result.outcome == "granted"
        assert len(site.sim.events_of("grant")) == 1
        assert site.sim.events_of("decoy_clicked") == []

    def test_renew_clicks_once(self, site_factory, account_for, run, layout) -> None:
        """renew finds our row and clicks its renew control once, never a decoy."""
        site = site_factory("expiring", layout=layout, faults=Faults(confirmation_step=True))
        result = run(functools.partial(permissions.run_renew), account_for(site))
        assert result.action == "renewed"
        actions = [(e["developer_id"], e["action"]) for e in site.sim.events_of("row_action")]
        assert actions == [(OUR_ID, "renew")]
        assert site.sim.events_of("decoy_clicked") == []

    def test_status_reads_every_row(self, site_factory, account_for, run, layout) -> None:
        """status reads both paged tables completely."""
        site = site_factory("many-developers", layout=layout)
        result = run(permissions.run_status, account_for(site))
        assert len(result.developers) == len(site.login.sellers[0].developers)
