"""Serve a browser context from a recorded HAR archive, in recorded order, with no network.

Playwright's `route_from_har(..., not_found="abort")` does the serving, redirects included,
but answers every repeat of a request with its first recording, so a flow that reads the
same page before and after an action would see the old page again. A route in front of it
hands the n-th identical request the n-th recorded answer (the last one repeats); redirects
and anything not recorded fall through to Playwright's, which follows or aborts them.
"""

from __future__ import annotations

import base64
import json
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request, Route

_SKIPPED_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding"})


class HarReplay:
    """The entries of one HAR archive, handed out in order per method, URL and post body."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self._files = {name: archive.read(name) for name in archive.namelist()}
        self.entries: list[dict[str, Any]] = json.loads(self._files["har.har"])["log"]["entries"]
        self._used: set[int] = set()
        self._lock = threading.Lock()
        self.unmatched: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.route_from_har(self.path, not_found="abort")
        context.route("**/*", self._handle)  # the later route is asked first

    def _handle(self, route: Route, request: Request) -> None:
        entry = self._next(request.method, request.url, request.post_data_buffer)
        if entry is None:
            self.unmatched.append(f"{request.method} {request.url}")
            route.fallback()
            return
        response = entry["response"]
        if 300 <= response["status"] < 400:
            route.fallback()
            return
        headers = {
            h["name"]: h["value"]
            for h in response.get("headers", [])
            if h["name"].lower() not in _SKIPPED_HEADERS
        }
        route.fulfill(status=response["status"], headers=headers, body=self._body(response))

    def _next(self, method: str, url: str, body: bytes | None) -> dict[str, Any] | None:
        with self._lock:
            matching = [
                i
                for i, entry in enumerate(self.entries)
                if entry["request"]["method"] == method
                and entry["request"]["url"] == url
                and (method == "GET" or self._request_body(entry) == (body or b""))
            ]
            if not matching:
                return None
            unused = [i for i in matching if i not in self._used]
            chosen = unused[0] if unused else matching[-1]
            self._used.add(chosen)
            return self.entries[chosen]

    def _request_body(self, entry: dict[str, Any]) -> bytes:
        post = entry["request"].get("postData") or {}
        if "_file" in post:
            return self._files[post["_file"]]
        return str(post.get("text", "")).encode()

    def _body(self, response: dict[str, Any]) -> bytes:
        content = response.get("content") or {}
        if "_file" in content:
            return self._files[content["_file"]]
        text = content.get("text", "")
        if content.get("encoding") == "base64":
            return base64.b64decode(text)
        return str(text).encode()
