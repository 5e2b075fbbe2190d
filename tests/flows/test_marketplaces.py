"""Tests for flows.marketplaces."""

from __future__ import annotations

import pytest

from automation.errors import InvalidInput
from flows.marketplaces import MARKETPLACES, get_marketplace


class TestGetMarketplace:
    @pytest.mark.parametrize(
        ("code", "marketplace_id", "country_ja", "base_url"),
        [
            ("JP", "A1VC38T7YXB528", "日本", "https://sellercentral.amazon.co.jp"),
            ("US", "ATVPDKIKX0DER", "アメリカ合衆国", "https://sellercentral.amazon.com"),
            ("UK", "A1F83G8C2ARO7P", "イギリス", "https://sellercentral-europe.amazon.com"),
            ("DE", "A1PA6795UKMFR9", "ドイツ", "https://sellercentral-europe.amazon.com"),
        ],
    )
    def test_known_codes(
        self, code: str, marketplace_id: str, country_ja: str, base_url: str
    ) -> None:
        """Each required marketplace has its Amazon ID, Japanese country name and host."""
        market = get_marketplace(code)
        assert (market.marketplace_id, market.country_ja, market.base_url) == (
            marketplace_id,
            country_ja,
            base_url,
        )

    def test_case_insensitive(self) -> None:
        """A code is found whatever its case and surrounding spaces."""
        assert get_marketplace(" jp ") is MARKETPLACES["JP"]

    def test_unknown_code_names_field_and_valid_codes(self) -> None:
        """An unknown code is InvalidInput on `marketplace`, listing the valid codes."""
        with pytest.raises(InvalidInput) as caught:
            get_marketplace("XX")
        assert caught.value.field == "marketplace"
        assert "JP" in caught.value.message and "US" in caught.value.message
