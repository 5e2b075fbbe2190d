"""A blank page (`about:blank`, where a run is after leaving a page holding a code) is never
photographed: no blank PNG in the evidence (issue 22, item 4.4; issue 26, item 2). No browser."""

from __future__ import annotations

from pathlib import Path

from automation.evidence import Evidence
from automation.runner import is_blank


class BlankPage:
    url = "about:blank"

    def screenshot(self, **_: object) -> bytes:
        raise AssertionError("a blank page was photographed")


def test_evidence_notes_a_blank_page_without_a_picture(tmp_path: Path) -> None:
    evidence = Evidence(tmp_path / "ev", mask=lambda page: [])
    evidence.record(BlankPage(), "code_exchanged", screenshot=True)  # type: ignore[arg-type]
    assert evidence.steps[0]["page"] == "about:blank"
    assert "screenshot" not in evidence.steps[0]
    assert list((tmp_path / "ev").glob("*.png")) == []


def test_what_counts_as_blank() -> None:
    assert is_blank("about:blank") and is_blank("")
    assert is_blank("chrome-error://chromewebdata/")  # Chromium's page for a host not reached
    assert not is_blank("https://sellercentral.amazon.co.jp/apps/manage")
