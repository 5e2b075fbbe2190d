"""Screens ② to ⑤ of granting developer access (docs/pages.md §3): option, form, consent,
completion."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from automation.errors import PageChanged, WrongDeveloper
from flows import names, texts
from flows.browse import pw
from flows.browse.look import Control, forget, look, marked, read_page
from flows.browse.navigation import click_to_navigate
from flows.browse.page import PageObject
from flows.mws.pages.permissions import SELLER_ID, TOKEN, developer_pattern
from flows.site import digits

if TYPE_CHECKING:
    from playwright.sync_api import Page

PATH = "/gp/mws/registration/register.html"
# The developer the consent statement names, per locale (docs/pages.md §3 ④).
CONSENT_DEVELOPER = (
    re.compile(
        r"了承したことになり、\s*(?P<developer>.+?)\s*にAmazon出品用アカウントへのアクセス権"
    ),
    # The English wording is only known approximately: both phrasings seen are accepted.
    re.compile(r"you agree to give\s+(?P<developer>.+?)\s+access to your Amazon seller", re.I),
    re.compile(r"\band\s+(?P<developer>.+?)\s+will be given access to your Amazon seller", re.I),
)
_MARKETPLACE_ID = re.compile(r"^A[0-9A-Z]{9,20}$")
_ANY_DEVELOPER_ID = re.compile(r"(?<![\d-])\d{4}-\d{4}-\d{4}(?![\d-])|(?<!\d)\d{12}(?!\d)")


def _submit(page: Page, key: str = "next") -> None:
    """Click the loaded page's `次へ` / `Next` control (a button, link or submit input) and wait
    for the next page; a page without one is `page_changed` at once, not a slow page.

    The control is the one this load's look found (`look`, taken before the bot filled
    or ticked anything): its mark stays valid, as nothing was read since. A control that the
    page only shows after filling is not clicked: the click finds nothing, `page_changed`."""
    control = read_page(page, wait=False).control(texts.exact(key))
    if control is None:
        raise PageChanged(
            f"The page shows no {texts.texts(key)[0]} button where the bot needs one.",
            url=page.url,
        )
    click_to_navigate(page, marked(page, control.mark))


class DeveloperFormPage:
    """The legacy option screen (older accounts) and form ③: developer name and ID."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.option = page.get_by_label(texts.containing("option_give_developer_access"))
        self.name_field = page.get_by_label(texts.starting("developer_name_label"))
        self.id_field = page.get_by_label(texts.starting("developer_id_label"))

    def _form_shown(self) -> bool:
        """This load's look shows the form's name label on a line (and no option screen)."""
        snap = look(self.page).snapshot
        return snap.shows(texts.starting("developer_name_label")) and not snap.mentions(
            texts.containing("option_give_developer_access")
        )

    def wait(self) -> None:
        """Wait for the option screen or the form, whichever Amazon shows (no waiting when
        this load's look already shows the form)."""
        if self._form_shown():
            return
        try:
            pw.expect(self.option.or_(self.name_field).first).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "After 開発者にアクセス権を付与 the page shows neither the option screen nor the "
                "developer form.",
                url=self.page.url,
            ) from None

    def pass_option_screen(self) -> bool:
        """Choose 'give a developer access' when the legacy option screen shows; True if it did."""
        if self._form_shown():
            return False
        if not self.option.count() or not self.option.first.is_visible():
            return False
        self.option.first.check()
        _submit(self.page)
        return True

    def submit(self, developer_name: str, developer_id: str) -> None:
        """Fill both fields (overwriting pre-filled values) and go on to consent."""
        if not self._form_shown():
            try:
                pw.expect(self.name_field).to_be_visible()
            except AssertionError:
                raise PageChanged(
                    "The developer form (開発者氏名) is missing.", url=self.page.url
                ) from None
            forget(self.page)  # the form came after this load's look: look again for Next
        self.name_field.fill(developer_name)
        self.id_field.fill(developer_id)
        _submit(self.page)


_BOXES_JS = r"""() => {
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const vis = el => el.checkVisibility
    ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length > 0;
  document.querySelectorAll('[data-sellerauth-box]')
    .forEach(e => e.removeAttribute('data-sellerauth-box'));
  let n = 0;
  const boxes = [...document.querySelectorAll('input[type=checkbox], [role=checkbox]')]
    .filter(vis).map(b => {
      const byId = (b.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
        .map(id => document.getElementById(id)).filter(Boolean).map(e => e.innerText);
      const labels = b.labels ? [...b.labels].map(l => l.innerText) : [];
      const label = norm([...labels, ...byId, b.getAttribute('aria-label') || ''].join(' '));
      b.setAttribute('data-sellerauth-box', String(++n));
      return {label, mark: String(n), checked: !!b.checked};
    });
  const main = document.querySelector('main') || document.body;
  return {text: main.innerText, boxes};
}"""

# The developer a consent page names, in the wordings seen (docs/pages.md §3 ④, §5): only used to
# tell which other developer a page names; consent itself needs the configured one named.
NAMED_DEVELOPER = (
    *CONSENT_DEVELOPER,
    re.compile(
        r"クリックすると、\s*(?P<developer>[^、。\n]+?)\s*に(?:Amazon)?出品用アカウントへのアクセス権を付与"
    ),
    re.compile(r"(?P<developer>[^\s。、「」]+?)\s*[（(]開発者ID"),
    re.compile(r"(?:対する|関する)(?P<developer>[^、。\n]+?)の作為"),
    re.compile(r"(?P<developer>[^\n.]+?)\s+\(Developer ID", re.I),
    re.compile(r"omissions of\s+(?P<developer>.+?)\s+(?:regarding|with)\b", re.I),
)


@dataclass(frozen=True)
class ConsentBox:
    """A visible checkbox of the consent form: its label, what it means, its mark."""

    label: str
    meaning: str  # "items" (prohibited items / licence), "responsibility" or "unknown"
    mark: str


class ConsentPage(PageObject):
    """Consent ④: the statement naming the developer and the boxes the form requires.

    What the page asks is decided by what it contains, not by one sentence (docs/pages.md §5): the
    configured developer's name or ID in the consent statement, and boxes each of whose
    meaning is known.
    """

    shows: ClassVar[str] = "the consent page (④)"

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.text = ""
        self.boxes: list[ConsentBox] = []

    def read(self) -> None:
        """Read the page once: its text and its visible boxes (waiting for a box unless this
        load's look already saw a visible checkbox)."""
        if not _shows_checkbox(look(self.page).facts):
            try:
                pw.expect(
                    self.page.locator("input[type=checkbox], [role=checkbox]").first
                ).to_be_visible()
            except AssertionError:
                raise PageChanged(
                    "The consent page (④) shows no box to tick; nothing was consented.",
                    url=self.page.url,
                ) from None
            forget(self.page)  # the boxes came after this load's look: look again for Next
        raw = self.page.evaluate(_BOXES_JS)
        # Blanks collapsed, line breaks kept: a wording never spans two blocks.
        self.text = "\n".join(" ".join(line.split()) for line in raw["text"].splitlines())
        self.boxes = [
            ConsentBox(label=b["label"], meaning=_meaning(b["label"]), mark=b["mark"])
            for b in raw["boxes"]
        ]

    def named_developer(self) -> str | None:
        """The developer the page's wording names, or None when no known wording names one."""
        for pattern in NAMED_DEVELOPER:
            match = pattern.search(self.text)
            if match:
                return match["developer"].strip("「」\"' ")
        return None

    def check(self, developer_name: str, developer_id: str) -> None:
        """Raise unless the page asks to consent for the configured developer, with boxes whose
        meaning is known: `WrongDeveloper` for a page naming another developer (or none we can
        read), `PageChanged` for a box that cannot be told. Nothing is ticked here."""
        ours = developer_pattern(developer_id)

        def names_ours(text: str) -> bool:
            return bool(ours.search(text)) or bool(
                developer_name and names.names_whole(text, developer_name)
            )

        others = [
            m["developer"].strip("「」\"' ") for p in NAMED_DEVELOPER for m in p.finditer(self.text)
        ]
        other = next((d for d in others if d and not _is_ours(d, developer_name, ours)), None)
        # A developer ID the page gives that is not ours names another developer, whatever
        # name stands beside it (docs/pages.md §3 ④: act only on our ID).
        ids = {digits(m.group(0)) for m in _ANY_DEVELOPER_ID.finditer(self.text)}
        other = other or next(
            (f"developer ID {i}" for i in sorted(ids) if i != digits(developer_id)), None
        )
        # Our name inside a longer one (`shippinno株式会社`) is another developer's.
        longer = names.longer_name(self.text, developer_name) if developer_name else None
        other = other or longer
        if other is not None or not names_ours(self.text):
            raise WrongDeveloper(
                f"The consent page names the developer '{other or 'unknown'}', not the "
                f"configured '{developer_name}'. Nothing was consented. Check the developer "
                "name and ID, and open the registration link you were given with --headed.",
                url=self.page.url,
            )
        unknown = [b for b in self.boxes if b.meaning == "unknown"]
        if unknown:
            raise PageChanged(
                f"The consent page asks to tick a box whose meaning cannot be told "
                f"('{unknown[0].label[:80]}'); nothing was ticked or consented.",
                url=self.page.url,
            )
        for box in self.boxes:
            if box.meaning == "responsibility" and not names_ours(box.label):
                raise WrongDeveloper(
                    "The consent page's responsibility box does not name the configured "
                    f"developer '{developer_name}'. Nothing was consented.",
                    url=self.page.url,
                )

    def tick_all(self) -> None:
        """Tick every box the form shows (after `check`)."""
        for box in self.boxes:
            self.page.locator(f'[data-sellerauth-box="{box.mark}"]').check()

    def submit_control(self) -> Control:
        """The form's `次へ` / `Next` control, whatever its shape, as this load's look found it
        before the boxes were ticked (see `_submit`)."""
        control = read_page(self.page, wait=False).control(texts.exact("next"))
        if control is None:
            raise PageChanged("The consent page shows no 次へ button.", url=self.page.url)
        return control


def _is_ours(named: str, developer_name: str, ours: re.Pattern[str]) -> bool:
    """Whether a name a wording captured is the configured developer: our ID, our name exactly,
    or our name followed by the sentence's own words (`shippinno in connection with`: the
    wording's end was not where the capture stopped), never a longer name."""
    if ours.search(named) or named == developer_name or named in developer_name:
        return True
    return (
        bool(developer_name)
        and named.startswith(developer_name)
        and names.names_whole(named, developer_name)
    )


def _shows_checkbox(facts: dict[str, Any]) -> bool:
    """Whether a look's facts (`flows/browse/js/facts.js`) saw a visible checkbox in a form."""
    return any(
        f["visible"] and f["type"] == "checkbox" for form in facts["forms"] for f in form["fields"]
    )


def _meaning(label: str) -> str:
    if texts.containing("consent_responsibility").search(label):
        return "responsibility"
    if texts.containing("consent_prohibited_items").search(label):
        return "items"
    return "unknown"


@dataclass(frozen=True)
class Credentials:
    """What completion ⑤ shows."""

    seller_id: str
    marketplace_id: str
    mws_auth_token: str


class CompletionPage:
    """Completion ⑤: seller ID, marketplace ID and MWS auth token, each found by its format
    next to any known spelling of its label, whether shown as lines, a `dl` or a table."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def read(self) -> Credentials:
        """The three values; `PageChanged` when the page is not the completion page or a
        value does not match its format (never a result then)."""
        text = read_page(self.page).text
        label = "|".join(re.escape(t) for t in texts.texts("mws_auth_token"))
        if not (texts.containing("completion").search(text) or re.search(label, text)):
            raise PageChanged(
                "The grant did not reach the completion page (手続きが完了しました).",
                url=self.page.url,
            )
        return Credentials(
            seller_id=self._value(text, "seller_id", SELLER_ID),
            marketplace_id=self._value(text, "marketplace_id", _MARKETPLACE_ID),
            mws_auth_token=self._value(text, "mws_auth_token", TOKEN),
        )

    def _value(self, body: str, key: str, form: re.Pattern[str]) -> str:
        labels = "|".join(re.escape(t) for t in texts.texts(key))
        for match in re.finditer(rf"(?:{labels})\s*[:：]?\s*(\S+)", body):
            if form.match(match.group(1)):
                return match.group(1)
        raise PageChanged(
            f"The completion page shows no well-formed {texts.texts(key)[-1]}; nothing was "
            "reported. Check the seller's permissions screen in Seller Central.",
            url=self.page.url,
        )
