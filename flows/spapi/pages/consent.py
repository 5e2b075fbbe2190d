"""The SP-API consent pages (docs/pages.md §6): both variants, Amazon's refusals, and catching the
navigations to the app's login and redirect URIs in the browser."""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qs, urlsplit

from automation.errors import NotPermitted, PageChanged
from flows import names, texts
from flows.browse import pw
from flows.errors import MD_ADVICE
from flows.spapi.errors import Refused

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Request, Route

Variant = Literal["checkbox", "login"]
_MD_CODE = re.compile(r"\bMD\d{4}\b")


def raise_if_refused(page: Page, app_id: str) -> None:
    """Raise Refused or NotPermitted when the page is one of Amazon's answers (no waiting).

    `Something went wrong` with `Error Code: MD…` is Refused with `amazon_code`;
    `Invalid Access` / no permission is NotPermitted (docs/pages.md §2, §6).
    """
    if _visible(page.get_by_text(texts.containing("app_invalid_access"))):
        raise NotPermitted(
            "Amazon answers Invalid Access: this login may not authorize or manage apps. Sign "
            "in as the account's primary user, or have the primary user grant the Manage "
            "Your Apps permission.",
            url=page.url,
        )
    heading = page.get_by_role("heading", name=texts.containing("app_error_heading"))
    if not _visible(heading) and not _visible(page.get_by_text(_MD_CODE)):
        return
    body = " ".join(page.locator("body").inner_text().split())
    code_label = "|".join(re.escape(t) for t in texts.texts("app_error_code"))
    found = re.search(rf"(?:{code_label})\s*[:：]?\s*(MD\d{{4}})", body) or _MD_CODE.search(body)
    code = found.group(1) if found and found.groups() else (found.group(0) if found else None)
    advice = MD_ADVICE.get(code or "", "see Amazon's words on the page")
    raise Refused(
        f"Amazon refused the app authorization ({code or 'no code shown'}) for app {app_id}: "
        f"{advice}. Nothing was consented. Amazon's words: {body[:300]}",
        amazon_code=code,
        url=page.url,
    )


def _visible(locator: Locator) -> bool:
    return locator.count() > 0 and locator.first.is_visible()


class AppConsentPage:
    """`/apps/authorize/consent`: variant A (box and Confirm) or B (`Log in to <app> now`)."""

    def __init__(self, page: Page, expected: tuple[str, ...] = ()) -> None:
        self.page = page
        # The app name the page must give; used only when no known wording names any app.
        self.expected = expected
        self.box = page.get_by_label(re.compile(_prefix_before_app("app_consent_box")))
        self.box_text = page.get_by_text(texts.with_app("app_consent_box", named=False)).first
        login = texts.with_app("app_login_now", named=False)
        self.login_control = page.get_by_role("button", name=login).or_(
            page.get_by_role("link", name=login)
        )
        confirm = texts.exact("app_confirm")
        self.confirm = page.get_by_role("button", name=confirm).or_(
            page.get_by_role("link", name=confirm)
        )
        self.error = page.get_by_text(texts.containing("app_error_heading")).or_(
            page.get_by_text(texts.containing("app_invalid_access"))
        )

    def wait_shown(self, app_id: str) -> Variant:
        """Wait for either variant; Amazon's refusals raise (see `raise_if_refused`)."""
        try:
            shown = self.box.or_(self.box_text).or_(self.login_control).or_(self.error)
            pw.expect(shown.or_(self.confirm).first).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "The consent URL led to no consent page the bot knows (neither the check box "
                "nor 'Log in to … now'). Open it with --headed to see what Amazon shows.",
                url=self.page.url,
            ) from None
        raise_if_refused(self.page, app_id)
        if _visible(self.login_control):
            return "login"
        if _visible(self.box) or _visible(self.box_text) or _visible(self.confirm):
            return "checkbox"
        raise PageChanged(
            "The consent page shows neither a consent check box nor 'Log in to … now'.",
            url=self.page.url,
        )

    def named_apps(self, variant: Variant) -> list[str]:
        """Every app name the page gives: in the box's statement, the heading and the intro
        (A), or on the login control and its heading (B); the control's or box's first."""
        if variant == "checkbox":
            first = " ".join(self.box_text.inner_text().split()) if _visible(self.box_text) else ""
            keys: tuple[str, ...] = ("app_consent_box", "app_consent_title", "app_consent_intro")
        else:
            first = " ".join(self.login_control.first.inner_text().split())
            keys = ("app_login_now", "app_login_title", "app_consent_box")
        lines = [first] + [
            " ".join(line.split()) for line in self.page.locator("body").inner_text().splitlines()
        ]
        names: list[str] = []
        body = " ".join(lines[1:])
        for line in lines:
            for key in keys:
                match = texts.with_app(key).fullmatch(line) or (
                    texts.with_app(key).search(line) if key == keys[0] else None
                )
                if match:
                    name = texts.app_in(match).strip("「」\"' ")
                    if name and name not in names:
                        names.append(name)
        return names or self._named_in_body(body)

    def _named_in_body(self, body: str) -> list[str]:
        """Wordings none of the text table knows: the configured names the page's text names
        as a whole (`expected` is set by the caller) stand in, so consent still needs our name;
        a longer name holding ours (`Shippinno Connector Pro`) is given as that name."""
        found: list[str] = []
        for name in self.expected:
            longer = names.longer_name(body, name) if name else None
            if longer:
                found.append(longer)
            elif name and names.names_whole(body, name):
                found.append(name)
        return found

    def tick_for_login(self) -> None:
        """Variant B with the consent box: when `Log in to <app> now` is disabled, tick the
        page's one box (its statement was read with the page's names), then it must enable."""
        control = self.login_control.first
        if not _visible(self.login_control) or control.is_enabled():
            return
        _tick_only_box(self.page)
        try:
            pw.expect(control).to_be_enabled()
        except AssertionError:
            raise PageChanged(
                "'Log in to … now' stayed disabled after ticking the consent box.",
                url=self.page.url,
            ) from None

    def tick(self) -> None:
        """Tick the box (the one labelled with the statement, else the page's only check box);
        Confirm must then be enabled."""
        box = self.box.first
        if not _visible(self.box):
            boxes = self.page.get_by_role("checkbox")
            if boxes.count() != 1:
                raise PageChanged(
                    "The consent statement has no check box of its own; nothing was ticked.",
                    url=self.page.url,
                )
            box = boxes.first
        box.check()
        try:
            pw.expect(self.confirm.first).to_be_enabled()
        except AssertionError:
            raise PageChanged(
                "Confirm stayed disabled after ticking the consent box.", url=self.page.url
            ) from None


def _tick_only_box(page: Page) -> None:
    """Tick the page's one visible check box; more than one is a page the bot cannot read."""
    boxes = page.get_by_role("checkbox").filter(visible=True)
    if boxes.count() > 1:
        raise PageChanged(
            "The consent page shows several check boxes; nothing was ticked or consented.",
            url=page.url,
        )
    if boxes.count() == 1:
        boxes.first.check()


def _prefix_before_app(key: str) -> str:
    """A pattern of the wording before `{app}` in every locale (labels are found by it)."""
    parts = [re.escape(w.partition("{app}")[0]) for w in texts.texts(key)]
    return "|".join(p for p in parts if p.strip())


def query_of(url: str) -> dict[str, str]:
    """A URL's query parameters, first value of each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class NavigationCatcher:
    """Catches the browser leaving Seller Central for the app's redirect or login URI.

    A page load there is aborted (the app's server never sees it); a navigation that arrives
    by HTTP 302/303 is not seen by routes, so every request is watched as well. Recognised by
    the configured URI (scheme, host and path) or, off Seller Central, by Amazon's query
    parameters (`spapi_oauth_code`; `amazon_callback_uri` with `amazon_state`).
    """

    def __init__(
        self,
        page: Page,
        *,
        seller_central: str,
        redirect_uri: str,
        login_uri: str | None = None,
    ) -> None:
        self.page = page
        self.home = urlsplit(seller_central).netloc
        self.redirect_base = _base(redirect_uri)
        self.login_base = _base(login_uri) if login_uri else None
        self.redirect: str | None = None
        self.login: str | None = None

    def is_redirect(self, url: str) -> bool:
        if _base(url) == self.redirect_base:
            return True
        parts = urlsplit(url)
        return parts.netloc != self.home and "spapi_oauth_code" in query_of(url)

    def is_login(self, url: str) -> bool:
        if self.login_base and _base(url) == self.login_base:
            return True
        query = query_of(url)
        return (
            urlsplit(url).netloc != self.home
            and "amazon_callback_uri" in query
            and "amazon_state" in query
        )

    def _wanted(self, url: str) -> bool:
        return url.startswith(("http://", "https://")) and (
            self.is_redirect(url) or self.is_login(url)
        )

    def _on_request(self, request: Request) -> None:
        if not request.is_navigation_request():
            return
        url = request.url
        if self.redirect is None and self.is_redirect(url):
            self.redirect = url
        elif self.login is None and self.is_login(url):
            self.login = url

    def _abort(self, route: Route) -> None:
        self._on_request(route.request)
        route.abort("aborted")

    def __enter__(self) -> NavigationCatcher:
        self.page.on("request", self._on_request)
        self.page.route(self._wanted, self._abort)
        return self

    def __exit__(self, *exc: object) -> None:
        self.page.remove_listener("request", self._on_request)
        with contextlib.suppress(Exception):  # a closed page has no routes left to remove
            self.page.unroute(self._wanted, self._abort)

    def wait(self, which: Literal["redirect", "login"], timeout_ms: float) -> str | None:
        """The caught URL, waiting up to `timeout_ms` for it; None when it did not come."""
        caught = self.redirect if which == "redirect" else self.login
        if caught is not None:
            return caught
        test = self.is_redirect if which == "redirect" else self.is_login
        with contextlib.suppress(pw.TimeoutError):
            self.page.wait_for_event(
                "request",
                predicate=lambda r: r.is_navigation_request() and test(r.url),
                timeout=timeout_ms,
            )
        return self.redirect if which == "redirect" else self.login


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}".lower()
