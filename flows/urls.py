"""Addresses the settings accept: plain http only on this machine (the simulator)."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str | None) -> bool:
    """Whether `host` is this machine: `localhost`, `127.0.0.0/8` or `::1`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False
