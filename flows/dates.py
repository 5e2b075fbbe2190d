"""Dates as the permissions screen writes them, in Japanese and English, parsed to ISO values."""

from __future__ import annotations

import re
from datetime import date, datetime

_JA = re.compile(
    r"(?P<y>\d{4})年\s*(?P<m>\d{1,2})月\s*(?P<d>\d{1,2})日"
    r"(?:\s*(?P<H>\d{1,2})時\s*(?P<M>\d{1,2})分\s*(?:(?P<S>\d{1,2})秒)?)?"
)
_EN = re.compile(
    r"(?P<mon>[A-Z][a-z]{2})[a-z]*\.?\s+(?P<d>\d{1,2}),\s*(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


def parse_datetime(text: str) -> datetime | None:
    """`2017年1月10日 17時02分59秒 JST`, `2027年3月6日`, `Jan 10, 2017 5:02:59 PM` -> datetime.

    The time zone name is left out: the screen shows the marketplace's local time.
    Returns None when the text holds no date (an empty cell, a dash).
    """
    match = _JA.search(text)
    if match:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        hour = int(match["H"] or 0)
    else:
        match = _EN.search(text)
        if not match or match["mon"] not in _MONTHS:
            return None
        year, month, day = int(match["y"]), _MONTHS[match["mon"]], int(match["d"])
        hour = int(match["H"] or 0)
        ampm = (match["ampm"] or "").upper()
        if ampm == "PM" and hour < 12:
            hour += 12
        elif ampm == "AM" and hour == 12:
            hour = 0
    return datetime(year, month, day, hour, int(match["M"] or 0), int(match["S"] or 0))


def parse_date(text: str) -> date | None:
    """The date part of `parse_datetime`."""
    parsed = parse_datetime(text)
    return parsed.date() if parsed else None
