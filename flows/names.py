"""Names matched as a whole, never as part of a longer one (docs/pages.md "How to read a page":
the name is what the configured name matches as a whole, nothing more, nothing less): the rule
behind every consent, confirmation and row the bot acts on."""

from __future__ import annotations

import re

# A name goes on when followed by a capitalised word or a digit (`Shippinno Connector Pro`), or
# by a CJK character that is no particle (`shippinno株式会社`): then it is a longer name.
_PARTICLES = "にのがはをとでへもやからまでより、。「」（）()"
_LONGER_AFTER = re.compile(
    r"^(?:[A-Za-z0-9_]|[-.&'’+/][A-Za-z0-9]|\s+[A-Z0-9]|[^\x00-\x7f" + _PARTICLES + r"\s])"
)
_WORD_BEFORE = re.compile(r"(?:[A-Za-z0-9_]|[A-Za-z0-9][-.&'’+/])$")


def _occurrences(text: str, name: str) -> list[tuple[str, str]]:
    """(what stands before, what follows) each occurrence of `name` in `text`, line by line
    (a line's end ends a name), blanks folded."""
    wanted = " ".join(name.split())
    found: list[tuple[str, str]] = []
    if not wanted:
        return found
    for line in text.splitlines():
        folded = " ".join(line.split())
        at = folded.find(wanted)
        while at >= 0:
            found.append((folded[:at], folded[at + len(wanted) :]))
            at = folded.find(wanted, at + 1)
    return found


def names_whole(text: str, name: str) -> bool:
    """Whether `text` names `name` as a whole at least once and never as part of a longer name
    (docs/pages.md "How to read a page": the name is what the configured name matches as a
    whole, nothing more, nothing less). `Shippinno Connector Pro`, `MyShippinno`,
    `shippinno-partners` and `shippinno株式会社` are longer names; `shippinno in connection
    with`, `shippinnoに` and `Shippinno Connector access` name it whole."""
    places = _occurrences(text, name)
    return bool(places) and not any(
        _WORD_BEFORE.search(before) or _LONGER_AFTER.match(after) for before, after in places
    )


# Before a name inside a captured wording: a capitalised word (`Super Shippinno Connector`) or a
# CJK character that is no particle may be the start of a longer name.
_LONGER_BEFORE = re.compile(
    r"(?:[A-Za-z0-9_]|[A-Za-z0-9][-.&'’+/]|\b[A-Z][\w'’-]*\s+|[^\x00-\x7f" + _PARTICLES + r"\s])$"
)


def is_the_name(captured: str, name: str) -> bool:
    """Whether a wording's capture (the words a known sentence puts where a name stands) is
    `name`: the name itself, or the name with the sentence's own words around it (`私は、
    Amazonに対し、Shippinno Connector`, `Shippinno Connector with`), never a longer name
    (`Super Shippinno Connector`, `Shippinno Connector Pro`)."""
    captured = " ".join(captured.split())
    if captured == " ".join(name.split()):
        return True
    places = _occurrences(captured, name)
    return bool(places) and not any(
        _LONGER_BEFORE.search(before) or _LONGER_AFTER.match(after) for before, after in places
    )


def longer_name(text: str, name: str) -> str | None:
    """The first longer name holding `name` that `text` shows (for messages), else None."""
    for before, after in _occurrences(text, name):
        if _WORD_BEFORE.search(before) or _LONGER_AFTER.match(after):
            head = re.search(r"\S*$", before)
            tail = re.match(r"\s*\S+", after) if _LONGER_AFTER.match(after) else None
            words = (head.group(0) if head else "") + name + (tail.group(0) if tail else "")
            return words.strip()
    return None
