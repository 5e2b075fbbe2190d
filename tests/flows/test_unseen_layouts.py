"""The adversary's layouts (fixtures/simulator/adversary.py), written from docs/pages.md by
someone who had not read flows/: every job ends right on each, through the command line, and
the simulator's event log shows every acting click that should have happened and no other.

Each case stands for a class of the fail-closed issue: headerless tables, pagers of page
numbers, rows and controls drawn late, look-alike developers, apps and accounts, a consent
naming another app in its statement, Japanese Manage Your Apps, a lapsed app with no renewal
control. `python -m tests.adversary` runs the same cases with a report.
"""

from __future__ import annotations

import pytest

from tests.adversary import Case, all_cases, run_case


@pytest.mark.browser
@pytest.mark.parametrize(
    "case",
    all_cases(),
    ids=lambda c: f"{c.adversary}-{c.job}{''.join(c.args)}",
)
def test_every_job_ends_right_on_a_layout_it_never_saw(case: Case) -> None:
    """The job's result is the right one (or a refusal where one is right), and the simulator
    saw exactly the acting clicks that should happen: none wrong, none twice."""
    outcome = run_case(case, timeout_ms=10_000)
    assert outcome.verdict == "right", (
        f"{outcome.verdict}: expected {case.expect}, got {outcome.got}\n{outcome.detail}\n"
        f"reproduce: {outcome.command}"
    )
