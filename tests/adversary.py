"""`python -m tests.adversary [--round N] [--only NAME] [--jobs N]`: the bot, as a black box
through its command line, against every adversary layout of rounds 1 and 2
(fixtures/simulator/adversary.py). `cases()` are round 1's runs, `round_2_cases()` round 2's,
`all_cases()` both.

For each layout and each job it applies to, a simulator of a suitable scenario is served on
127.0.0.1 with the layout, `.venv/bin/sellerauth <job> --json --base-url URL` runs in a fresh
state directory, and the run is judged against the answer the scenario gives:

- `right`: the expected outcome (or the expected refusal, e.g. `wrong_developer` on a page that
  names another developer), and exactly the expected actions in the simulator's event log;
- `refused`: a non-zero exit with nothing done, saying the page could not be read
  (`page_changed`, `timeout`: failed safely);
- `wrong-result`: a wrong or incomplete answer, a false claim about the account with nothing
  done (e.g. `not_authorized` while the developer has access), or right actions not finished;
- `ACTED-WRONGLY`: any grant, consent, row action, re-authorization, confirmation change or
  click that should not have happened, on the wrong developer, app, account or row, or twice.

Prints one line per run and a summary; exits 1 when any run acted wrongly.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.adversary import ADVERSARIES, apply
from fixtures.simulator.scenario import digits
from fixtures.simulator.scenarios import DEMO_SELLER_ID, DEMO_SELLER_NAME, OUR_DEVELOPER_ID
from fixtures.simulator.spapi_model import (
    DEMO_APP_ID,
    DEMO_APP_NAME,
    DEMO_LOGIN_URI,
    DEMO_LWA_CLIENT_ID,
    DEMO_LWA_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
)

ROOT = Path(__file__).resolve().parent.parent
SELLERAUTH = ROOT / ".venv" / "bin" / "sellerauth"
OURS = digits(OUR_DEVELOPER_ID)
Action = tuple[str, ...]
SAFE_CODES = frozenset({"page_changed", "timeout", "site_unavailable", "needs_person"})
"""Errors that say "the page could not be read": a refusal that failed safely."""


@dataclass
class Case:
    """One run: a layout, a job on a scenario, what it must answer and do."""

    adversary: str
    job: str
    scenario: str
    expect: str
    """What the right answer is, in words for the table (`granted`, `refusal:wrong_developer`)."""
    actions: list[Action] = field(default_factory=list)
    """Exactly the actions a right run takes (see `actions_of`)."""
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[dict[str, Any], Simulator], bool] | None = None
    """For an expected success: whether the JSON result is right."""
    refusal: tuple[str, ...] = ()
    """For an expected refusal: the error codes that are the right answer."""

    @property
    def name(self) -> str:
        return f"{self.adversary}/{self.job}@{self.scenario}"


def actions_of(sim: Simulator) -> list[Action]:
    """Every act the bot did on the simulator, as comparable tuples (reading is not acting)."""
    events = sim.event_snapshot()
    acts: list[Action] = []
    for e in events:
        kind = e["kind"]
        if kind == "grant":
            acts.append(("grant", e["seller_id"], digits(e["developer_id"]), e["developer_name"]))
        elif kind == "row_action":
            acts.append(("row_action", e["seller_id"], digits(e["developer_id"]), e["action"]))
        elif kind == "confirmation_change":
            acts.append(("confirmation_change", e["to"]))
        elif kind == "spapi_consent":
            acts.append(("spapi_consent", e["seller_id"], e["app_id"]))
        elif kind == "spapi_confirm":
            acts.append(("spapi_confirm", e["app_id"]))
        elif kind == "spapi_app_action":
            acts.append(("spapi_app_action", e["app_id"], e["action"]))
        elif kind in ("decoy_clicked", "invite_user", "bot_check_clicked", "passkey_clicked"):
            acts.append((kind,))
    # A consent posted and refused by the server is still a consent attempted.
    attempts = sum(e["kind"] == "grant_attempt" for e in events)
    grants = sum(e["kind"] == "grant" for e in events)
    acts += [("grant_attempt_refused",)] * (attempts - grants)
    tries = sum(e["kind"] == "spapi_consent_attempt" and e.get("box") for e in events)
    consents = sum(e["kind"] == "spapi_consent" and e.get("via") == "checkbox" for e in events)
    acts += [("spapi_consent_attempt_refused",)] * max(0, tries - consents)
    return acts


# -- result checks -------------------------------------------------------------------------


def _seller(sim: Simulator, seller_id: str = DEMO_SELLER_ID) -> Any:
    return sim.seller(seller_id)


def granted(result: dict[str, Any], sim: Simulator) -> bool:
    row = sim.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID)
    return (
        result.get("outcome") == "granted"
        and result.get("seller_id") == DEMO_SELLER_ID
        and result.get("marketplace_id") == "A1VC38T7YXB528"
        and row is not None
        and result.get("mws_auth_token") == row.token
    )


def already_granted(result: dict[str, Any], sim: Simulator) -> bool:
    row = sim.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID)
    return (
        result.get("outcome") == "already_granted"
        and result.get("seller_id") == DEMO_SELLER_ID
        and row is not None
        and result.get("mws_auth_token") == row.token
    )


def every_developer(result: dict[str, Any], sim: Simulator) -> bool:
    """status: every developer row of both tables, each once, with its nickname."""
    want = Counter((digits(r.developer_id), r.nickname) for r in _seller(sim).developers)
    got = Counter(
        (digits(d.get("developer_id", "")), d.get("nickname")) for d in result.get("developers", [])
    )
    return result.get("seller_id") == DEMO_SELLER_ID and got == want


def renew_action(action: str) -> Callable[[dict[str, Any], Simulator], bool]:
    def check(result: dict[str, Any], sim: Simulator) -> bool:
        return result.get("action") == action and digits(result.get("developer_id", "")) == OURS

    return check


def authorized(result: dict[str, Any], sim: Simulator) -> bool:
    return (
        result.get("outcome") == "authorized"
        and result.get("selling_partner_id") == DEMO_SELLER_ID
        and bool(result.get("refresh_token"))
    )


def every_app(result: dict[str, Any], sim: Simulator) -> bool:
    """app-status: every app row of every page, each once, ours (the whole name) marked."""
    want = Counter((a.app_name, a.app_name == DEMO_APP_NAME) for a in _seller(sim).apps)
    got = Counter((a.get("app_name"), bool(a.get("ours"))) for a in result.get("apps", []))
    return got == want


def app_action(action: str) -> Callable[[dict[str, Any], Simulator], bool]:
    def check(result: dict[str, Any], sim: Simulator) -> bool:
        return result.get("action") == action and result.get("app_id") == DEMO_APP_ID

    return check


def app_action_any(*actions: str) -> Callable[[dict[str, Any], Simulator], bool]:
    def check(result: dict[str, Any], sim: Simulator) -> bool:
        return result.get("action") in actions and result.get("app_id") == DEMO_APP_ID

    return check


def restored_and_confirmation_off(result: dict[str, Any], sim: Simulator) -> bool:
    return (
        renew_action("restored")(result, sim)
        and bool(result.get("confirmation_changed"))
        and _seller(sim).confirmation == "disabled"
    )


# -- the cases -----------------------------------------------------------------------------

GRANT: Action = ("grant", DEMO_SELLER_ID, OURS, "shippinno")
RENEW: Action = ("row_action", DEMO_SELLER_ID, OURS, "renew")
RESTORE: Action = ("row_action", DEMO_SELLER_ID, OURS, "restore")
CONSENT: Action = ("spapi_consent", DEMO_SELLER_ID, DEMO_APP_ID)
REAUTHORIZE: Action = ("spapi_app_action", DEMO_APP_ID, "reauthorize")
WRONG_APP = ("wrong_developer",)
PICK = {"SELLERAUTH_ACCOUNT_NAME": DEMO_SELLER_NAME, "SELLERAUTH_MARKETPLACE": "JP"}


def cases() -> list[Case]:
    c = Case
    return [
        c("headerless", "status", "expiring", "every developer", check=every_developer),
        c("headerless", "renew", "expiring", "renewed", [RENEW], check=renew_action("renewed")),
        c("headerless", "register", "granted", "already_granted", check=already_granted),
        c("numbers-pager", "status", "many-developers", "every developer", check=every_developer),
        c("numbers-pager", "register", "many-developers", "already_granted", check=already_granted),
        c("pager-in-place", "status", "many-developers", "every developer", check=every_developer),
        c(
            "pager-in-place",
            "register",
            "many-developers",
            "already_granted",
            check=already_granted,
        ),
        c("rows-in-two-batches", "register", "expiring", "already_granted", check=already_granted),
        c(
            "rows-in-two-batches",
            "renew",
            "expiring",
            "renewed",
            [RENEW],
            check=renew_action("renewed"),
        ),
        c("rows-in-two-batches", "status", "expiring", "every developer", check=every_developer),
        c("id-in-nickname", "renew", "granted", "none (not due)", check=renew_action("none")),
        c(
            "id-in-nickname",
            "renew",
            "granted",
            "renewed (forced, ours only)",
            [RENEW],
            args=("--force",),
            check=renew_action("renewed"),
        ),
        c("id-in-nickname", "status", "granted", "every developer", check=every_developer),
        c(
            "actions-drawn-late",
            "renew",
            "expiring",
            "renewed",
            [RENEW],
            check=renew_action("renewed"),
        ),
        c(
            "en-headerless-history",
            "renew",
            "expired",
            "restored",
            [RESTORE],
            check=renew_action("restored"),
        ),
        c("en-headerless-history", "status", "expired", "every developer", check=every_developer),
        c("form-reversed", "register", "demo", "granted", [GRANT], check=granted),
        c(
            "consent-longer-name",
            "register",
            "demo",
            "refusal:wrong_developer",
            refusal=("wrong_developer",),
        ),
        c(
            "consent-other-named",
            "register",
            "demo",
            "refusal:wrong_developer",
            refusal=("wrong_developer",),
        ),
        c("completion-shuffled", "register", "demo", "granted", [GRANT], check=granted),
        c("picker-lookalike", "register", "picker", "granted", [GRANT], env=PICK, check=granted),
        c(
            "picker-lookalike",
            "status",
            "picker",
            "every developer",
            env=PICK,
            check=every_developer,
        ),
        c(
            "spapi-name-contains",
            "authorize",
            "spapi",
            "refusal:wrong_developer",
            refusal=WRONG_APP,
        ),
        c(
            "spapi-login-name-contains",
            "authorize",
            "spapi",
            "refusal:wrong_developer",
            env={"SELLERAUTH_LOGIN_URI": DEMO_LOGIN_URI},
            refusal=WRONG_APP,
        ),
        c(
            "spapi-box-names-other",
            "authorize",
            "spapi",
            "refusal:wrong_developer",
            refusal=WRONG_APP,
        ),
        c("spapi-confirm-late", "authorize", "spapi", "authorized", [CONSENT], check=authorized),
        c(
            "apps-lookalike-row",
            "app-renew",
            "spapi-authorized",
            "none (not due)",
            check=app_action("none"),
        ),
        c("apps-lookalike-row", "app-status", "spapi-authorized", "every app", check=every_app),
        c(
            "apps-ja-headerless",
            "app-renew",
            "spapi-expiring",
            "reauthorized",
            [REAUTHORIZE, CONSENT],
            check=app_action("reauthorized"),
        ),
        c("apps-ja-headerless", "app-status", "spapi-expiring", "every app", check=every_app),
        c("apps-numbers-pager", "app-status", "spapi-many-apps", "every app", check=every_app),
        c(
            "apps-numbers-pager",
            "app-renew",
            "spapi-many-apps",
            "reauthorized",
            [REAUTHORIZE, CONSENT],
            check=app_action("reauthorized"),
        ),
        # docs/pages.md §7: a lapsed row with no renewal control is authorized again through
        # the consent page, as for a new seller, and the result says so.
        c(
            "apps-no-renew-control",
            "app-renew",
            "spapi-expired",
            "authorized",
            [CONSENT],
            check=app_action("authorized"),
        ),
    ]


DISABLE_CONFIRMATION: Action = ("confirmation_change", "disabled")
PAGE_CHANGED = ("page_changed",)


def round_2_cases() -> list[Case]:
    """Round 2 (docs/simulator.md "Adversary layouts, round 2")."""
    c = Case
    login_uri = {"SELLERAUTH_LOGIN_URI": DEMO_LOGIN_URI}
    return [
        # §4: pagers of other forms; the count and the rows must agree.
        c("pager-arrows", "status", "many-developers", "every developer", check=every_developer),
        c("pager-arrows", "register", "many-developers", "already_granted", check=already_granted),
        c(
            "pager-words-and-numbers",
            "status",
            "many-developers",
            "every developer",
            check=every_developer,
        ),
        c(
            "pager-words-and-numbers",
            "renew",
            "many-developers",
            "renewed (forced)",
            [RENEW],
            args=("--force",),
            check=renew_action("renewed"),
        ),
        # docs/pages.md "every row of every table read: as many rows as the page's own count".
        c("count-disagrees", "renew", "expiring", "refusal:page_changed", refusal=PAGE_CHANGED),
        c("count-disagrees", "status", "expiring", "refusal:page_changed", refusal=PAGE_CHANGED),
        c("offscreen-copy", "renew", "expiring", "renewed", [RENEW], check=renew_action("renewed")),
        c("offscreen-copy", "status", "expiring", "every developer", check=every_developer),
        # "a row whose cells cannot be placed in columns makes the reading uncertain".
        c("row-misfit", "renew", "expiring", "refusal:page_changed", refusal=PAGE_CHANGED),
        c("row-misfit", "status", "expiring", "refusal:page_changed", refusal=PAGE_CHANGED),
        c(
            "confirm-names-other",
            "renew",
            "expiring",
            "refusal (no confirm)",
            refusal=("page_changed", "wrong_developer"),
        ),
        c(
            "disable-lookalike",
            "renew",
            "expired",
            "restored, confirmation off",
            [DISABLE_CONFIRMATION, RESTORE],
            args=("--disable-confirmation",),
            check=restored_and_confirmation_off,
        ),
        c(
            "id-off-by-one",
            "renew",
            "expired",
            "restored",
            [RESTORE],
            check=renew_action("restored"),
        ),
        c("id-off-by-one", "status", "expired", "every developer", check=every_developer),
        c("en-renew-label", "renew", "expiring", "renewed", [RENEW], check=renew_action("renewed")),
        c("en-renew-label", "status", "expiring", "every developer", check=every_developer),
        # §3
        c("option-self-preselected", "register", "demo", "granted", [GRANT], check=granted),
        c(
            "consent-other-id",
            "register",
            "demo",
            "refusal:wrong_developer",
            refusal=("wrong_developer", "page_changed"),
        ),
        c("consent-en-midsentence", "register", "demo", "granted", [GRANT], check=granted),
        c("completion-example-token", "register", "demo", "granted", [GRANT], check=granted),
        # §2
        c("switcher-listbox", "register", "picker", "granted", [GRANT], env=PICK, check=granted),
        # §6
        c(
            "spapi-interstitial-stuck",
            "authorize",
            "spapi",
            "authorized",
            [CONSENT],
            check=authorized,
        ),
        c("spapi-aria-checkbox", "authorize", "spapi", "authorized", [CONSENT], check=authorized),
        c(
            "spapi-login-button-other",
            "authorize",
            "spapi",
            "refusal:wrong_developer",
            env=login_uri,
            refusal=WRONG_APP + PAGE_CHANGED,
        ),
        # §7
        c(
            "apps-disable-only",
            "app-renew",
            "spapi-expiring",
            "(re)authorized via consent",
            [CONSENT],
            check=app_action_any("authorized", "reauthorized"),
        ),
        c(
            "apps-ja-extend-pager",
            "app-renew",
            "spapi-many-apps",
            "reauthorized",
            [REAUTHORIZE, CONSENT],
            check=app_action("reauthorized"),
        ),
        c("apps-ja-extend-pager", "app-status", "spapi-many-apps", "every app", check=every_app),
        # Two rows under our app's whole name: the one to act on is not identified exactly.
        c(
            "apps-same-name-twice",
            "app-renew",
            "spapi-authorized",
            "refusal:page_changed",
            refusal=PAGE_CHANGED,
        ),
    ]


def all_cases() -> list[Case]:
    """Every round's runs."""
    return cases() + round_2_cases()


ENGLISH = {"apps-numbers-pager", "apps-no-renew-control", "apps-lookalike-row"}
"""Round 1 layouts run on English pages (the others in the scenario's language, Japanese;
round 2's English layouts set the language themselves)."""


# -- running -------------------------------------------------------------------------------


@dataclass
class Outcome:
    case: Case
    exit_code: int
    got: str
    verdict: str
    detail: str
    command: str


def bot_env(sim: Simulator, url: str, state_dir: str, timeout_ms: int) -> dict[str, str]:
    login = sim.scenario.logins[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
    env.update(
        {
            "SELLERAUTH_STATE_DIR": state_dir,
            "SELLERAUTH_TIMEOUT_MS": str(timeout_ms),
            "SELLERAUTH_LOG_FORMAT": "json",
            "SELLERAUTH_EMAIL": login.email,
            "SELLERAUTH_PASSWORD": login.password,
            "SELLERAUTH_TOTP_SECRET": login.totp_secret or "",
            "SELLERAUTH_APP_ID": DEMO_APP_ID,
            "SELLERAUTH_APP_NAME": DEMO_APP_NAME,
            "SELLERAUTH_REDIRECT_URI": DEMO_REDIRECT_URI,
            "SELLERAUTH_LWA_CLIENT_ID": DEMO_LWA_CLIENT_ID,
            "SELLERAUTH_LWA_CLIENT_SECRET": DEMO_LWA_CLIENT_SECRET,
            "SELLERAUTH_LWA_TOKEN_URL": url + "/auth/o2/token",
            "SELLERAUTH_SPAPI_ENDPOINT": url,
            "SELLERAUTH_INTERSTITIAL_WAIT_MS": "5000",
        }
    )
    return env


def error_code(stdout: str, stderr: str) -> str:
    """The error code of a failed run: from its JSON on stdout, else from its log lines."""
    for text in (stdout, *reversed(stderr.splitlines())):
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict):
            for key in ("code", "error_code", "error"):
                value = data.get(key)
                if isinstance(value, str):
                    return value
                if isinstance(value, dict) and isinstance(value.get("code"), str):
                    return value["code"]
    return "?"


def judge(case: Case, sim: Simulator, done: subprocess.CompletedProcess[str]) -> tuple[str, str]:
    """(got, verdict) of one finished run."""
    acts = actions_of(sim)
    wrong = Counter(acts) - Counter(case.actions)
    result: dict[str, Any] = {}
    if done.returncode == 0:
        try:
            result = json.loads(done.stdout)
        except ValueError:
            result = {}
        got = str(result.get("outcome") or result.get("action") or "ok")
    else:
        got = f"exit {done.returncode} {error_code(done.stdout, done.stderr)}"
    if acts:
        got += " acts=" + ";".join("/".join(a) for a in acts)
    if wrong:
        return got, "ACTED-WRONGLY"
    code = error_code(done.stdout, done.stderr) if done.returncode else ""
    if done.returncode != 0 and not acts:
        if code in case.refusal:
            return got, "right"
        # Failing safely is saying the page could not be read; any other error is a claim
        # about the account (`not_authorized`, `wrong_developer`...) that is not true here.
        return got, "refused" if code in SAFE_CODES else "wrong-result"
    if done.returncode == 0 and not case.refusal:
        ok = case.check is not None and case.check(result, sim)
        return got, "right" if ok and Counter(acts) == Counter(case.actions) else "wrong-result"
    return got, "wrong-result"


def run_case(case: Case, timeout_ms: int) -> Outcome:
    overrides: dict[str, Any] = {"language": "en"} if case.adversary in ENGLISH else {}
    scenario = apply(build_scenario(case.scenario, **overrides), case.adversary)
    sim = Simulator(scenario)
    with SimulatorServer(sim) as server, tempfile.TemporaryDirectory() as state_dir:
        env = bot_env(sim, server.url, state_dir, timeout_ms)
        env.update(case.env)
        argv = [str(SELLERAUTH), case.job, "--json", "--base-url", server.url, *case.args]
        try:
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=240)
        except subprocess.TimeoutExpired as stuck:
            done = subprocess.CompletedProcess(argv, 124, stuck.stdout or "", stuck.stderr or "")
        got, verdict = judge(case, sim, done)
    extra = " ".join(f"{k}={shlex.quote(v)}" for k, v in case.env.items())
    command = f".venv/bin/python -m tests.adversary --only {case.adversary} --job {case.job}" + (
        f"  # bot env: {extra}" if extra else ""
    )
    detail = "" if verdict == "right" else (done.stdout.strip()[:400] or done.stderr.strip()[-400:])
    return Outcome(case, done.returncode, got, verdict, detail, command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.adversary", description=__doc__)
    parser.add_argument("--only", choices=sorted(ADVERSARIES), action="append", help="a layout")
    parser.add_argument("--round", type=int, choices=(1, 2), help="only this round's layouts")
    parser.add_argument("--job", action="append", help="only this job (repeatable)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (default 1)")
    parser.add_argument("--timeout-ms", type=int, default=8000, help="SELLERAUTH_TIMEOUT_MS")
    parser.add_argument("--verbose", action="store_true", help="print the bot's output on failure")
    args = parser.parse_args(argv)
    if not SELLERAUTH.exists():
        print(f"{SELLERAUTH} is missing: run `make setup` first", file=sys.stderr)
        return 2
    chosen = [
        case
        for case in all_cases()
        if (not args.only or case.adversary in args.only)
        and (not args.job or case.job in args.job)
        and (not args.round or ADVERSARIES[case.adversary].round == args.round)
    ]
    started = time.monotonic()
    width = max((len(c.adversary) for c in chosen), default=10)
    print(f"{'layout':{width}}  {'job':10} {'scenario':17} {'expected':28} {'got':40} verdict")
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for outcome in pool.map(lambda c: run_case(c, args.timeout_ms), chosen):
            c = outcome.case
            print(
                f"{c.adversary:{width}}  {c.job + ' '.join(('',) + c.args):10} {c.scenario:17} "
                f"{c.expect:28} {outcome.got:40} {outcome.verdict}",
                flush=True,
            )
            if args.verbose and outcome.detail:
                print("    " + outcome.detail.replace("\n", "\n    "))
            outcomes.append(outcome)
    counts = Counter(o.verdict for o in outcomes)
    print(
        f"\n{len(outcomes)} runs in {time.monotonic() - started:.0f} s: "
        f"{counts['right']} right, {counts['refused']} refused (failed safely), "
        f"{counts['wrong-result']} wrong-result, {counts['ACTED-WRONGLY']} ACTED-WRONGLY"
    )
    for o in outcomes:
        if o.verdict not in ("right",):
            print(f"  {o.verdict}: {o.case.name}: reproduce: {o.command}")
    return 1 if counts["ACTED-WRONGLY"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
