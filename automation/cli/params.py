"""Command-line options: the shared ones, and those built from a job's pydantic options model."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

AccountOpt = Annotated[
    str | None,
    typer.Option(
        "--account",
        "-a",
        metavar="NAME",
        help="Named account from the accounts file (default: env).",
    ),
]
HeadedOpt = Annotated[
    bool,
    typer.Option("--headed", help="Show the browser; you finish captchas and e-mailed codes."),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON object on stdout (for scripts).")
]
AssistOpt = Annotated[
    bool,
    typer.Option(
        "--assist",
        help="Sit with the seller: show the browser, wait (up to SELLERAUTH_HUMAN_WAIT_SECONDS) "
        "while you answer a captcha or an e-mailed code, and ask for the OTP here when no "
        "TOTP secret is set.",
    ),
]
EvidenceOpt = Annotated[
    Path | None,
    typer.Option(
        "--evidence",
        metavar="DIR",
        help="Keep proof of what was done: masked screenshots of each step and steps.json.",
    ),
]
TraceOpt = Annotated[
    Path | None,
    typer.Option(
        "--trace",
        metavar="FILE",
        help="Write a Playwright trace (open with `playwright show-trace`); secrets removed.",
    ),
]
AccountsFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--accounts",
        help="Accounts file (default: SELLERAUTH_ACCOUNTS_FILE, else ./accounts.toml).",
    ),
]


def flag(name: str) -> str:
    """`renew_within` -> `--renew-within`."""
    return "--" + name.replace("_", "-")


def model_params(model: type[BaseModel], *, batch: bool = False) -> list[inspect.Parameter]:
    """One keyword parameter per field of `model` (its default, help, metavar and bounds);
    with `batch`, only the fields not marked `batch: False`."""
    params = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if batch and extra.get("batch") is False:
            continue
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[info.annotation, _option(name, info, extra)],
                default=info.default,
            )
        )
    return params


def _option(name: str, info: FieldInfo, extra: dict[str, Any]) -> Any:
    low: float | None = None
    high: float | None = None
    for rule in info.metadata:
        if isinstance(rule, Ge) and isinstance(rule.ge, int | float):
            low = rule.ge
        elif isinstance(rule, Le) and isinstance(rule.le, int | float):
            high = rule.le
    metavar = extra.get("metavar")
    return typer.Option(
        flag(name),
        help=info.description,
        metavar=metavar if isinstance(metavar, str) else None,
        min=low,
        max=high,
    )


def param(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    """A keyword parameter for a shared option such as `AccountOpt`."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def command_function(
    name: str,
    doc: str,
    params: Sequence[inspect.Parameter],
    body: Callable[[dict[str, Any]], None],
) -> Callable[..., None]:
    """A function typer can read (`name`, help `doc`, `params`) calling `body(values)`."""

    def command(**values: Any) -> None:
        body(values)

    command.__name__ = name.replace("-", "_")
    command.__doc__ = doc
    command.__signature__ = inspect.Signature(list(params))  # type: ignore[attr-defined]
    command.__annotations__ = {}
    return command


def split(values: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """Take `model`'s fields out of `values` (the command line's parsed values)."""
    return {name: values.pop(name) for name in list(values) if name in model.model_fields}
