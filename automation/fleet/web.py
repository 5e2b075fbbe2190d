"""`sellerauth serve`: the fleet page, one account's page, the expiry chart and `/metrics`, a
read-only Flask app over the store, served by waitress (docs/monitoring.md).

Nothing secret leaves it: the store's secrets are never decrypted here, error messages are
stored redacted, evidence screenshots were masked when taken, and there is no reveal. With a
bearer token configured every request must carry it (`Authorization: Bearer <token>`).
"""

from __future__ import annotations

import base64
import hmac
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, render_template, request, send_file

from automation.accounts import ACCOUNT_NAME_PATTERN
from automation.commands import Site
from automation.fleet.load import Fleet, FleetCache, described
from automation.fleet.metrics import metrics_text
from automation.fleet.model import (
    SORTS,
    STATE_LABELS,
    STATES,
    FleetQuery,
    counts,
    expiry_weeks,
    select,
)
from automation.settings import Settings
from automation.store import Store

PAGE_SIZE = 200
# The fleet page's own query parameters (the pager keeps them; anything else is dropped).
_FILTERS = ("q", "state", "job", "sort", "desc")
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# An evidence file the account page may show: a failure's masked screenshot.
_EVIDENCE_NAME = re.compile(r"[A-Za-z0-9_.-]+\.png")
_HEADERS = {
    # No script anywhere; styles and images from this server only.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(store: Store, settings: Settings, site: Site, token: str | None = None) -> Flask:
    """The fleet app over `store` (kept open by the caller). `token`: the bearer token every
    request must carry (None: none asked, only for a loopback host)."""
    app = Flask(__name__)
    cache = FleetCache(store, settings, site)
    labels = dict(site.grant_labels)
    jobs = [spec.name for spec in site.commands]

    @app.before_request
    def _authorised() -> Response | None:
        if token is None:
            # This machine only: a page elsewhere must not read it through a browser here
            # (DNS rebinding), so the Host must name this machine.
            if urlsplit("//" + request.host).hostname in _LOCAL_HOSTS:
                return None
            return Response("403 Forbidden: open it as 127.0.0.1 or localhost\n", 403)
        if _carries(request.headers.get("Authorization", ""), token):
            return None
        return Response(
            "401 Unauthorized: send the token (Authorization: Bearer ...; in a browser, any "
            "user name and the token as the password)\n",
            401,
            {
                "WWW-Authenticate": 'Basic realm="sellerauth", charset="UTF-8"',
                "Content-Type": "text/plain",
            },
        )

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.update(_HEADERS)
        return response

    def render(template: str, fleet: Fleet | None = None, **values: Any) -> str:
        return render_template(
            template,
            labels=labels,
            detail_keys=site.error_detail_keys,
            state_labels=STATE_LABELS,
            now=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            fleet=fleet,
            **values,
        )

    @app.get("/")
    def fleet_page() -> str:
        fleet = cache.fleet()
        args = request.args
        state = args.get("state") if args.get("state") in STATES else None
        job = args.get("job") if args.get("job") in jobs else None
        sort = str(args.get("sort")) if args.get("sort") in SORTS else "state"
        query = FleetQuery(
            state=state,
            job=job,
            search=args.get("q") or None,
            sort=sort,
            descending=args.get("desc") == "1",
        )
        rows = select(fleet.rows, query)
        page = max(1, args.get("page", 1, type=int) or 1)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        page = min(page, pages)
        return render(
            "fleet.html",
            fleet,
            counts=counts(fleet.rows),
            query=query,
            jobs=jobs,
            sorts=SORTS,
            rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            matched=len(rows),
            page=page,
            pages=pages,
            args={k: v for k, v in args.items() if k in _FILTERS},
        )

    @app.get("/accounts/<name>")
    def account_page(name: str) -> str:
        if not ACCOUNT_NAME_PATTERN.fullmatch(name):
            abort(404)
        fleet = cache.fleet()
        grants = [row for row in fleet.rows if row.account == name]
        results = store.account_results(name)
        if not grants and not results:
            abort(404)
        runs = [{"record": r, **described(r, site)} for r in reversed(results[-200:])]
        return render(
            "account.html",
            fleet,
            name=name,
            grants=grants,
            runs=runs,
            intents=store.intents(name, only_open=True),
            screenshots=_screenshots(settings.state_dir, name),
        )

    @app.get("/accounts/<name>/evidence/<filename>")
    def evidence(name: str, filename: str) -> Response:
        if not ACCOUNT_NAME_PATTERN.fullmatch(name) or not _EVIDENCE_NAME.fullmatch(filename):
            abort(404)
        if filename not in _screenshots(settings.state_dir, name):
            abort(404)
        path = settings.state_dir / "evidence" / name / filename
        return send_file(path, mimetype="image/png")

    @app.get("/expiries")
    def expiries() -> str:
        fleet = cache.fleet()
        weeks = expiry_weeks(fleet.rows, fleet.today)
        return render("expiries.html", fleet, weeks=weeks, most=max(n for _, n in weeks) or 1)

    @app.get("/metrics")
    def metrics() -> Response:
        body, content_type = cache.made("metrics", metrics_text)
        return Response(body, 200, {"Content-Type": content_type})

    return app


def _carries(header: str, token: str) -> bool:
    """Whether an Authorization header carries the token: `Bearer <token>` (Prometheus,
    scripts), or HTTP Basic with the token as the password (a browser's prompt)."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            given = base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return False
    else:
        return False
    return hmac.compare_digest(given.encode(), token.encode())


def _screenshots(state_dir: Path, account: str, limit: int = 20) -> list[str]:
    """The account's failure screenshots (masked when taken), newest first."""
    folder = state_dir / "evidence" / account
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir() if p.is_file() and _EVIDENCE_NAME.fullmatch(p.name)]
    return sorted(found, reverse=True)[:limit]
