"""A fresh simulator for every sample, the many-seller scenario, and heavier pages on request."""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyotp

from bench.site import Credentials

ASSET_PREFIX = "/bench-assets/"
ASSET_LATENCY_S = 0.03  # a CDN a few hops away, not loopback
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101000518d84e0000000049454e44ae426082"
)
_ASSETS: dict[str, tuple[str, bytes]] = {
    "site.css": (
        "text/css",
        b"@font-face{font-family:BenchSans;src:url(/bench-assets/sans.woff2) format('woff2')}"
        b"body{font-family:BenchSans,sans-serif}",
    ),
    "sans.woff2": ("font/woff2", b"wOF2" + bytes(40_000)),
    "banner.png": ("image/png", _PNG + bytes(60_000)),
    "logo.png": ("image/png", _PNG),
    "promo.png": ("image/png", _PNG + bytes(30_000)),
    "analytics.js": (
        "text/javascript",
        b"fetch('/bench-assets/collect',{method:'POST',body:location.pathname});"
        b"new Image().src='/bench-assets/pixel.png?p='+encodeURIComponent(location.pathname);",
    ),
    "collect": ("application/json", b"{}"),
    "pixel.png": ("image/png", _PNG),
}
_HEAD = b'<link rel="stylesheet" href="/bench-assets/site.css">'
_BODY = (
    b'<img src="/bench-assets/banner.png" alt=""><img src="/bench-assets/logo.png" alt="">'
    b'<img src="/bench-assets/promo.png" alt="">'
    b'<script async src="/bench-assets/analytics.js"></script>'
)


class HeavyPages:
    """WSGI middleware giving every page what real ones carry: a stylesheet with a web font,
    three images, an analytics script with its beacon and pixel (served after a CDN's delay).

    The simulator's own pages have none of these; its `request` events stay the page loads.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.served: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        if path.startswith(ASSET_PREFIX):
            return self._asset(path[len(ASSET_PREFIX) :], start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        headers = captured["headers"]
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if content_type.startswith("text/html"):
            body = body.replace(b"</head>", _HEAD + b"</head>", 1)
            body = body.replace(b"</body>", _BODY + b"</body>", 1)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers, captured["exc_info"])
        return [body]

    def _asset(self, name: str, start_response: Any) -> Iterable[bytes]:
        with self._lock:
            self.served[name] += 1
        time.sleep(ASSET_LATENCY_S)
        content_type, data = _ASSETS.get(name, ("text/plain", b""))
        start_response(
            "200 OK" if name in _ASSETS else "404 Not Found",
            [("Content-Type", content_type), ("Content-Length", str(len(data)))],
        )
        return [data]

    def total(self) -> int:
        with self._lock:
            return sum(self.served.values())


@dataclass
class Served:
    """A running simulator: its URL, its first login, its events, its heavy-page counter."""

    simulator: Any
    url: str
    heavy: HeavyPages | None

    @property
    def who(self) -> Credentials:
        login = self.simulator.scenario.logins[0]
        return Credentials(login.email, login.password, login.totp_secret)

    def requests(self) -> list[dict[str, Any]]:
        """The page loads and form posts the simulator answered so far."""
        return self.simulator.events_of("request")

    def clear(self) -> None:
        self.simulator.clear_events()
        if self.heavy is not None:
            with self.heavy._lock:
                self.heavy.served.clear()


@contextmanager
def serve(scenario: str | Any, *, heavy: bool = False) -> Iterator[Served]:
    """A fresh simulator of `scenario` (a name or a Scenario) on a free loopback port."""
    from fixtures.simulator import Simulator, SimulatorServer, build_scenario

    built = build_scenario(scenario) if isinstance(scenario, str) else scenario
    simulator = Simulator(built)
    pages = None
    if heavy:
        pages = HeavyPages(simulator.app.wsgi_app)
        simulator.app.wsgi_app = pages
    with SimulatorServer(simulator) as server:
        yield Served(simulator, server.url, pages)


def many_sellers(count: int, base: str = "expiring") -> Any:
    """`count` logins, each with its own seller (and TOTP secret) copied from `base`."""
    from fixtures.simulator import build_scenario

    template = build_scenario(base)
    first = template.logins[0]
    logins = []
    for n in range(1, count + 1):
        login = copy.deepcopy(first)
        login.email = f"seller{n:03d}@example.com"
        login.totp_secret = pyotp.random_base32()
        for seller in login.sellers:
            seller.seller_id = f"A1BENCH{n:07d}"
            seller.name = f"ベンチ商店 {n:03d}"
        logins.append(login)
    template.name = f"{base}-x{count}"
    template.logins = logins
    return template
