"""The command line is built from the command specs: every job, its options, nothing else."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from automation.commands import Site
from automation.errors import InvalidInput
from sellerauth.app import SITE, build


def help_of(*args: str) -> str:
    done = CliRunner().invoke(build(), [*args, "--help"], prog_name="sellerauth")
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize("spec", SITE.commands, ids=lambda s: s.name)
def test_each_job_has_a_command_with_its_options(spec) -> None:
    """`sellerauth JOB` offers the job's options and account overrides; `batch JOB` only the
    options that make sense unattended."""
    single, batch = help_of(spec.name), help_of("batch", spec.name)
    for name, info in spec.options.model_fields.items():
        option = "--" + name.replace("_", "-")
        assert option in single
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        assert (option in batch) is (extra.get("batch") is not False)
    for name in spec.account_overrides.model_fields:
        assert "--" + name.replace("_", "-") in single


def test_unknown_jobs_do_not_exist() -> None:
    """A name no spec declares is a usage error, never some other job."""
    done = CliRunner().invoke(build(), ["batch", "anything-else"], prog_name="sellerauth")
    assert done.exit_code == 2
    with pytest.raises(InvalidInput, match="register, status, renew"):
        SITE.spec("anything-else")


def test_two_jobs_cannot_share_a_name() -> None:
    """A site declaring one name twice is refused when it is built."""
    with pytest.raises(ValueError, match="share a name"):
        Site(commands=[SITE.commands[0]] * 2, help="", account_overrides=SITE.account_overrides)


def test_options_are_checked_like_the_command_line() -> None:
    """Options given to a spec are validated, naming the option; defaults fill the rest."""
    renew = SITE.spec("renew")
    assert renew.command({}).options.renew_within == 30
    with pytest.raises(InvalidInput) as refused:
        renew.command({"renew_within": -1})
    assert refused.value.field == "renew_within"
