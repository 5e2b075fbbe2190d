"""The one gate every acting click passes (docs/pages.md "When the page cannot be read, do
nothing"): grant, consent, renew, restore, confirm, re-authorize, enable.

A click that acts on the seller's account happens only after a *complete, certain* reading of
the right account: every row of every table read (as many as the page's own count says, every
page followed), every row understood, the target identified exactly (a developer ID's digits,
an app's whole name), and nothing on the page naming another developer or app as the one being
given access. Page objects build a `Reading` from what they read and hand it to their acting
methods, which call `require_certain` before the click (`PageObject.act`); anything less is
`page_changed`, with the page's evidence, and no click.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from automation.errors import PageChanged


@dataclass(frozen=True)
class Reading:
    """What a page object read before an acting click.

    `what`: the page in words ("the permissions screen"); `target`: what the click is for
    ("developer 5259-6479-4073"); `matches`: how many places on the page are the target (one,
    for a click); `problems`: everything that kept the reading from being complete or certain
    (empty: it was both)."""

    what: str
    target: str
    matches: int = 1
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def certain(self) -> bool:
        """Complete, understood, and the target found exactly once."""
        return not self.problems and self.matches == 1

    def explain(self) -> str:
        """Why the reading is not certain, in words (for the error message)."""
        if self.problems:
            return f"{self.what} could not be read completely: " + "; ".join(self.problems)
        if self.matches == 0:
            return f"{self.what} does not show {self.target}"
        return f"{self.what} shows {self.target} {self.matches} times"


def require_complete(problems: list[str], what: str, url: str) -> None:
    """Raise `PageChanged` (nothing decided, nothing clicked) when reading `what` left
    `problems`; a partial reading is never taken for the whole."""
    if problems:
        raise PageChanged(
            f"{what[:1].upper()}{what[1:]} could not be read completely, so nothing was decided "
            "or clicked: " + "; ".join(problems) + ".",
            url=url,
        )


def require_certain(reading: Reading, url: str) -> None:
    """Return when `reading` is certain; else raise `PageChanged` saying what could not be
    read, and that nothing was clicked."""
    if not reading.certain:
        raise PageChanged(f"Nothing was clicked: {reading.explain()}.", url=url)
