"""Command specs: what a job is (name, options, flow, result, audit rule, columns), declared once.

A site declares one `CommandSpec` per job next to its flow; the composition root hands the
list to `automation.cli.build_app`, which builds `<job>` and `batch <job>` from it. The engine
never names a job: everything it needs to run, record, audit and print one is on its spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from automation.accounts import AccountProfile
from automation.audit import AuditEvent
from automation.errors import InvalidInput
from automation.store.fleet import GrantFacts, GrantNote

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from rich.console import Console

    from automation.accounts import AccountProfile
    from automation.runner import Flow, RunContext
    from automation.settings import Settings
    from automation.store import Store

# A site's triage of an error's JSON form: {"cause", "owner", "next_step"}, or None.
Triage = Callable[[Mapping[str, Any]], dict[str, str] | None]

OptionsT = TypeVar("OptionsT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)


class NoOptions(BaseModel):
    """The options of a job that has none."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def no_audit(data: dict[str, Any], options: Any) -> list[AuditEvent]:
    """The audit rule of a job that only reads: no action on the account, nothing audited."""
    return []


def no_summary(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """The summary of a job that declares none: no outcome, no expiry."""
    return "-", "-"


def expiry_in_data(data: dict[str, Any], grant_id: str, on: date) -> GrantFacts | None:
    """The default grant facts of a result: its `expires_at`, read off the page, when it has
    one; None (the result says nothing of the expiry) otherwise."""
    expires = data.get("expires_at")
    if not isinstance(expires, str) or not expires:
        return None
    return GrantFacts(expires_at=expires, source="page")


def same_options(options: Any) -> Any:
    """The retry rule of an idempotent job: an account a killed run may have acted on is run
    again with the same options."""
    return options


@dataclass(frozen=True)
class CommandSpec(Generic[OptionsT, ResultT]):
    """One job of the command line, declared once, in its flow module.

    - `name`: the command (`sellerauth NAME`, `sellerauth batch NAME`); unique in a site.
    - `help`: the command's help; its first line is the one-line summary.
    - `options`: a frozen pydantic model of the job's own options, every field with a default.
      Each field becomes `--field-name` (underscores as hyphens); its `description` is the
      option's help; `json_schema_extra` may give `metavar` and `batch: False` (single runs
      only). `ge`/`le` constraints become the option's bounds.
    - `flow(page, ctx, options) -> result`: what runs in the browser, once per attempt.
    - `browser`: False for a job whose flow needs no page (it only calls HTTP APIs): the
      engine then starts no browser for it, and its flow is called with `page=None`.
    - `result`: the pydantic model the flow returns (SecretStr fields go to the store
      encrypted, never to logs or JSON lines).
    - `audit(data, options) -> [AuditEvent]`: the actions on the account a result's public
      data says were taken (the audit trail); `no_audit` for jobs that only read.
    - `summary(data, account) -> (outcome, expiry)`: a few words each for the batch summary
      table; `account` is the run's profile, None when it is no longer in the accounts file.
    - `render(data, account, console)`: the result for a person at a terminal (single runs).
    - `retry_safe(options) -> options`: the options for an account a killed run may already
      have acted on (a forced renewal becomes unforced); idempotent jobs keep `same_options`.
    - `account_overrides`: a model of the account settings this job lets the command line
      override (e.g. `base_url`); fields are `str | None`, None meaning "not given".
    - `export_columns`: result keys the export lists first, in this order.
    - `grant_field`: the result key naming the access the job is about (a developer ID, an
      app ID), if any: the export keeps one row per account and grant, so two jobs' keys of
      one name (an expiry, an outcome) never mix and each grant keeps its own secrets.
    - `grant_facts(data, grant_id, on) -> GrantFacts | None`: what a successful result,
      written on the day `on` (UTC), says of its grant's expiry (the date, read off the page or
      computed from `on`, and whether it lapsed), for the fleet view; None when it says
      nothing. The default reads `expires_at`.
    - `grant_of(options) -> str | None`: the grant the prepared options act on (an app ID a
      shared setting gives), for a failure's fleet row; None: the account's own setting
      (`AccountProfile.grant_id`) or the result's.
    - `secret_fields`: the result's secret fields (documentation and a check; the store
      splits SecretStr fields off by their type).
    - `batch`: whether `sellerauth batch NAME` exists; `batch_help` its help.
    - `prepare(options, settings, account, store) -> options`: the options made ready for
      one account before any browser starts (settings of the job's own validated, values
      from earlier results read from the store, kept on the options' private attributes);
      InvalidInput refuses the account. None: the options as given.
    """

    name: str
    help: str
    options: type[OptionsT]
    flow: Callable[[Page, RunContext, OptionsT], ResultT]
    result: type[ResultT]
    account_overrides: type[BaseModel]
    audit: Callable[[dict[str, Any], OptionsT], list[AuditEvent]] = no_audit
    summary: Callable[[dict[str, Any], AccountProfile | None], tuple[str, str]] = no_summary
    render: Callable[[dict[str, Any], AccountProfile, Console], None] | None = None
    retry_safe: Callable[[OptionsT], OptionsT] = same_options
    export_columns: tuple[str, ...] = ()
    grant_field: str | None = None
    grant_facts: Callable[[dict[str, Any], str, date], GrantFacts | None] = expiry_in_data
    grant_of: Callable[[OptionsT], str | None] | None = None
    secret_fields: tuple[str, ...] = ()
    batch: bool = True
    batch_help: str | None = None
    prepare: Callable[[OptionsT, Settings, AccountProfile, Store | None], OptionsT] | None = None
    browser: bool = True

    def grant_note(
        self,
        data: dict[str, Any] | None,
        error: dict[str, Any] | None,
        account: AccountProfile | None,
        on: date | None = None,
        grant: str | None = None,
    ) -> GrantNote | None:
        """The grant a result (its public data, or its error; written on the day `on`, UTC,
        today by default) is about, for the fleet view: `grant` (what the prepared options
        act on), else the account's configured one (`AccountProfile.grant_id`), else the one
        the result names ('' when none is known); None for a job about no grant. Its
        outcome is the summary's words, or the error's code."""
        kind = self.grant_field
        if kind is None:
            return None
        named = (data or {}).get(kind)
        grant = (
            grant
            or (account.grant_id(kind) if account is not None else None)
            or (named if isinstance(named, str) else "")
        )
        if error is not None:
            return GrantNote(kind, grant, str(error.get("code", "error")))
        words = self.summary(data, account)[0] if data else "-"
        day = on or datetime.now(UTC).date()
        return GrantNote(kind, grant, words, self.grant_facts(data or {}, grant, day))

    def parse_options(self, given: Mapping[str, Any]) -> OptionsT:
        """The job's options from `given` (missing ones take their defaults); InvalidInput
        naming the option when one is not allowed."""
        from pydantic import ValidationError

        try:
            return self.options.model_validate(dict(given))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            name = str(first["loc"][0]) if first["loc"] else "options"
            raise InvalidInput(
                f"--{name.replace('_', '-')} {first['msg']}".replace("Value error, ", ""),
                field=name,
            ) from None

    def command(self, given: Mapping[str, Any] | None = None) -> Command:
        """This job with its options (missing ones take their defaults)."""
        return Command(self, self.parse_options(given or {}))


@dataclass(frozen=True)
class Command:
    """A job with its options, as a run records them: what to run on each account."""

    spec: CommandSpec[Any, Any]
    options: BaseModel

    @property
    def name(self) -> str:
        """The job's name, as runs are recorded under it."""
        return self.spec.name

    def prepared(self, settings: Settings, account: AccountProfile, store: Store | None) -> Command:
        """This command made ready for `account` by its spec's `prepare`, before any browser
        starts; InvalidInput (exit 2) when the account's settings do not allow the job."""
        if self.spec.prepare is None:
            return self
        return Command(self.spec, self.spec.prepare(self.options, settings, account, store))

    def recorded_options(self) -> dict[str, Any]:
        """The options as the store keeps them (JSON-ready)."""
        return self.options.model_dump(mode="json")

    def flow(self, *, may_have_acted: bool = False) -> Flow[Any]:
        """The flow to run; `may_have_acted` when an interrupted attempt may already have acted
        (then the spec's `retry_safe` options are used)."""
        options = self.spec.retry_safe(self.options) if may_have_acted else self.options
        flow = self.spec.flow

        def run(page: Page, ctx: RunContext) -> Any:
            return flow(page, ctx, options)

        run.options = options  # type: ignore[attr-defined]  # for tests and logs
        return run

    @property
    def needs_browser(self) -> bool:
        """Whether the job's flow runs in a browser (`CommandSpec.browser`)."""
        return self.spec.browser

    def audit(self, data: dict[str, Any]) -> list[AuditEvent]:
        """The actions a result (its public data) says were taken on the account."""
        return self.spec.audit(data, self.options)

    def describe(
        self, data: dict[str, Any] | None, account: AccountProfile | None
    ) -> tuple[str, str]:
        """A result's outcome and expiry in a few words, for the summary table."""
        if not data:
            return "-", "-"
        return self.spec.summary(data, account)

    def grant_note(
        self,
        data: dict[str, Any] | None,
        error: dict[str, Any] | None,
        account: AccountProfile | None,
    ) -> GrantNote | None:
        """The grant a result written now is about (`CommandSpec.grant_note`), with the grant
        these options act on (`CommandSpec.grant_of`)."""
        grant = self.spec.grant_of(self.options) if self.spec.grant_of else None
        return self.spec.grant_note(data, error, account, grant=grant)


@dataclass(frozen=True)
class RecordHook:
    """How a site records a flow as a HAR archive for replay tests (`sellerauth record`)."""

    # record(command, settings, account, out, headed=..., human=...) -> the expected result
    record: Callable[..., dict[str, Any]]
    # The job recorded when none is named.
    default: str


@dataclass(frozen=True)
class Site:
    """What the composition root hands the engine: the jobs and the site's few hooks.

    - `commands`: the jobs, in the order `--help` lists them.
    - `help`: the top-level help text.
    - `watching_person(settings)`: what runs when only a person can go on and one watches
      (`--headed`/`--assist`): called with (page, what is asked); None: nobody is asked.
    - `account_overrides`: the account settings `record` lets the command line override.
    - `record`: how `sellerauth record` records a flow; None: no `record` command.
    - `triage(error) -> {cause, owner, next_step} | None`: what the site knows of an error
      (its JSON form, `SellerAuthError.to_dict()`): the likely cause, who can fix it, the next
      step. Error results carry it as `triage`; None (the hook, or its answer): nothing added.
    - `account_model`: the site's account profile, an `AccountProfile` subclass adding the
      site's per-account fields (validated, defaulted, inherited from its `SiteSettings`);
      every account is resolved as one (`resolve_account(..., model=site.account_model)`)
      and the accounts file accepts its fields. The engine's own profile by default.
    - `grant_labels`: each grant kind (a job's `grant_field`) in words, for the fleet view.
    - `renew_window_days`: a grant expiring within this many days is `due` in the fleet view.
    - `error_detail_keys`: an error's keys the fleet view shows beside its code.
    - `resolved_by`: an error code -> the jobs whose later success resolves a failure with it
      (besides the failed job's own success), in the fleet view; on the same grant, or on any
      grant of the account for a code in `account_wide_codes` (sign-in problems).
    """

    commands: Sequence[CommandSpec[Any, Any]]
    help: str
    account_overrides: type[BaseModel]
    watching_person: Callable[[Settings], Callable[[Page, str], None]] | None = None
    record: RecordHook | None = None
    account_model: type[AccountProfile] = AccountProfile
    triage: Triage | None = None
    grant_labels: Mapping[str, str] = field(default_factory=dict)
    renew_window_days: int = 30
    error_detail_keys: tuple[str, ...] = ()
    resolved_by: Mapping[str, frozenset[str]] = field(default_factory=dict)
    account_wide_codes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        names = [spec.name for spec in self.commands]
        if len(set(names)) != len(names):
            raise ValueError(f"two commands share a name: {names}")

    def spec(self, name: str) -> CommandSpec[Any, Any]:
        """The job called `name`; InvalidInput naming the known ones otherwise."""
        for spec in self.commands:
            if spec.name == name:
                return spec
        known = ", ".join(s.name for s in self.commands)
        raise InvalidInput(f"unknown command {name!r}: use one of {known}", field="command")
