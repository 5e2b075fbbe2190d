"""A name is matched as a whole, never as part of a longer one (docs/pages.md "How to read a
page"): the rule behind every consent, confirmation and row the bot acts on."""

from __future__ import annotations

import pytest

from flows.names import longer_name, names_whole


@pytest.mark.parametrize(
    ("text", "name", "whole", "longer"),
    [
        ("provide Shippinno Connector access to my account", "Shippinno Connector", True, None),
        (
            "provide Shippinno Connector Pro access",
            "Shippinno Connector",
            False,
            "Shippinno Connector Pro",
        ),
        ("Shippinno Connectorに今すぐログイン", "Shippinno Connector", True, None),
        (
            "the acts or omissions of shippinno in connection with my account",
            "shippinno",
            True,
            None,
        ),
        ("shippinno株式会社に付与されます", "shippinno", False, "shippinno株式会社に付与されます"),
        ("access for shippinno-partners now", "shippinno", False, "shippinno-partners"),
        ("Myshippinno tools", "shippinno", False, "Myshippinno"),
        (
            "Authorize Shippinno Connector\nShippinno Connector requires",
            "Shippinno Connector",
            True,
            None,
        ),
        ("Shippinno Connector 2 is here", "Shippinno Connector", False, "Shippinno Connector 2"),
        ("nothing of the kind", "shippinno", False, None),
    ],
)
def test_a_name_is_whole_or_part_of_a_longer_one(
    text: str, name: str, whole: bool, longer: str | None
) -> None:
    """Whole where every occurrence stands alone; a longer name is given for messages."""
    assert names_whole(text, name) is whole
    assert longer_name(text, name) == longer
