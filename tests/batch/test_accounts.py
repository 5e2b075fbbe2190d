"""The accounts file without a browser: `accounts check`, `--only`, shards, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def run(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SELLERAUTH_", "JOB_"))}
    full.update(
        {
            "SELLERAUTH_STATE_DIR": str(root / "state"),
            "SELLERAUTH_ACCOUNTS_FILE": str(root / "accounts.toml"),
            "SELLERAUTH_SECRETS_DIR": str(root / "secrets"),
            "SELLERAUTH_LOG_FORMAT": "json",
        }
    )
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "sellerauth", *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=root,
        timeout=60,
    )


def write(root: Path, toml: str, secrets: dict[str, str]) -> None:
    (root / "secrets").mkdir(parents=True, exist_ok=True)
    (root / "accounts.toml").write_text(toml)
    for name, value in secrets.items():
        (root / "secrets" / name).write_text(value)


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """An accounts file of 20 complete accounts (no site behind them: nothing is run)."""
    tables = [
        f'[accounts.shop-{n:02d}]\nemail = "shop{n:02d}@example.com"\n'
        f'base_url = "http://127.0.0.1:9"\n'
        for n in range(1, 21)
    ]
    write(tmp_path, "\n".join(tables), {f"shop-{n:02d}.password": "pw" for n in range(1, 21)})
    return tmp_path


class TestAccountsCheck:
    def test_says_per_account_what_is_missing(self, tmp_path: Path) -> None:
        """Each account's problems are named; warnings do not fail; exit 2; no browser."""
        write(
            tmp_path,
            '[accounts.good]\nemail = "good@example.com"\n\n'
            '[accounts.no-password]\nemail = "np@example.com"\n\n'
            "[accounts.nothing]\n\n"
            '[accounts.bad-market]\nemail = "bm@example.com"\nmarketplace = "XX"\n',
            {
                "good.password": "pw-1",
                "good.totp_secret": TOTP,
                "bad-market.password": "pw-3",
            },
        )
        done = run(tmp_path, "accounts", "check", "--json")
        assert done.returncode == 2, done.stderr
        report = json.loads(done.stdout)
        assert report["ok"] is False and report["errors"] == []
        checks = {c["account"]: c for c in report["accounts"]}
        assert checks["good"]["ok"] and checks["good"]["totp"] and not checks["good"]["warnings"]
        assert not checks["no-password"]["ok"]
        assert "SELLERAUTH_ACCOUNTS__NO_PASSWORD__PASSWORD" in checks["no-password"]["problems"][0]
        nothing = " ".join(checks["nothing"]["problems"])
        assert "no email" in nothing and "password" in nothing  # both missing fields named
        assert "marketplace" in " ".join(checks["bad-market"]["problems"])
        assert checks["bad-market"]["warnings"]  # no TOTP secret: unattended runs need a person
        assert not (tmp_path / "state" / "sessions").exists()
        assert "pw-1" not in done.stdout + done.stderr

    def test_all_good_exits_0_with_a_table(self, many: Path) -> None:
        """A complete file passes; the table lists every account."""
        done = run(many, "accounts", "check")
        assert done.returncode == 0, done.stderr
        assert "shop-20" in done.stdout and "All 20 accounts can run" in done.stdout

    def test_broken_file_exits_2(self, tmp_path: Path) -> None:
        """A secret in the accounts file is refused for the whole file."""
        write(tmp_path, '[accounts.a]\nemail = "a@example.com"\npassword = "in-the-file"\n', {})
        done = run(tmp_path, "accounts", "check", "--json")
        assert done.returncode == 2
        assert "secrets never go in the accounts file" in done.stdout
        assert "in-the-file" not in done.stdout + done.stderr


class TestPlan:
    def test_shards_cover_every_account_once(self, many: Path) -> None:
        """--shard K/N over K = 0..N-1 lists every account exactly once."""
        shards = [
            run(many, "batch", "status", "--list", "--shard", f"{k}/3").stdout.split()
            for k in range(3)
        ]
        listed = [name for shard in shards for name in shard]
        assert sorted(listed) == [f"shop-{n:02d}" for n in range(1, 21)]
        assert all(shards)

    def test_indexed_job_environment_picks_the_shard(self, many: Path) -> None:
        """JOB_COMPLETION_INDEX / JOB_COMPLETIONS give the same split as --shard."""
        by_env = run(
            many, "batch", "renew", "--list", JOB_COMPLETION_INDEX="1", JOB_COMPLETIONS="3"
        )
        by_option = run(many, "batch", "renew", "--list", "--shard", "1/3")
        assert by_env.returncode == 0 and by_env.stdout == by_option.stdout

    def test_only_and_bad_input(self, many: Path) -> None:
        """--only narrows the batch; unknown names, bad shards and unknown runs exit 2."""
        only = run(many, "batch", "register", "--list", "--only", "shop-03,shop-01")
        assert only.stdout.split() == ["shop-01", "shop-03"]
        assert run(many, "batch", "register", "--only", "nobody").returncode == 2
        assert run(many, "batch", "register", "--shard", "3/3").returncode == 2
        unknown = run(many, "batch", "renew", "--resume", "no-such-run")
        assert unknown.returncode == 2 and "no batch run" in unknown.stderr
