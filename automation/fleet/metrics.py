"""`/metrics`: the fleet in Prometheus' text format (`prometheus_client`), built afresh for
each scrape from the store's fleet summary (docs/monitoring.md lists the series and alert
rules)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from automation.fleet.load import Fleet
from automation.fleet.model import STATES, account_states, counts


def seconds(iso: str) -> float:
    """An ISO-8601 time (`...Z`) or date as Unix seconds (a date: its midnight UTC)."""
    text = iso if "T" in iso else iso + "T00:00:00Z"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class FleetCollector(Collector):
    """The series of one fleet snapshot."""

    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet

    def collect(self) -> Iterator[GaugeMetricFamily]:
        rows = self.fleet.rows
        expiry = GaugeMetricFamily(
            "sellerauth_grant_expiry_timestamp_seconds",
            "When the grant lapses (Unix time, midnight UTC of its expiry date), read off the "
            "page or computed (source).",
            labels=["account", "grant_kind", "grant", "source"],
        )
        for row in rows:
            if row.expires_at:
                expiry.add_metric(
                    [row.account, row.grant_field, row.grant_id, row.expires_source or ""],
                    seconds(row.expires_at),
                )
        yield expiry
        last = GaugeMetricFamily(
            "sellerauth_last_run_timestamp_seconds",
            "When the account's last result of the job was written (Unix time), with its "
            "outcome: done, failed or needs_person.",
            labels=["account", "job", "outcome"],
        )
        newest: dict[tuple[str, str], tuple[str, str]] = {}
        for row in rows:
            for job in row.jobs:
                key = (row.account, job.command)
                if key not in newest or job.finished_at > newest[key][0]:
                    newest[key] = (job.finished_at, job.state)
        for (account, command), (at, state) in sorted(newest.items()):
            last.add_metric([account, command, state], seconds(at))
        yield last
        grants = GaugeMetricFamily(
            "sellerauth_grants", "Grants (account and grant) in each state.", labels=["state"]
        )
        for state, count in counts(rows).items():
            grants.add_metric([state], count)
        yield grants
        by_account = account_states(rows)
        accounts = GaugeMetricFamily(
            "sellerauth_accounts",
            "Accounts in each state (an account's most urgent grant).",
            labels=["state"],
        )
        for state in STATES:
            accounts.add_metric([state], sum(1 for s in by_account.values() if s == state))
        yield accounts
        yield GaugeMetricFamily(
            "sellerauth_accounts_needing_person",
            "Accounts a person must help: a captcha, an e-mailed code, an approval.",
            value=sum(1 for s in by_account.values() if s == "needs_person"),
        )
        batches = GaugeMetricFamily(
            "sellerauth_last_batch_finished_timestamp_seconds",
            "When the job's last batch run finished (Unix time).",
            labels=["job"],
        )
        for command, at in sorted(self.fleet.last_batches.items()):
            batches.add_metric([command], seconds(at))
        yield batches


def metrics_text(fleet: Fleet) -> tuple[bytes, str]:
    """The exposition of `fleet` and its content type."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FleetCollector(fleet))
    return generate_latest(registry), CONTENT_TYPE_LATEST
