"""Fault knobs: latency, failures, dropped and hanging responses, applied by path prefix."""

from __future__ import annotations

import time

import pytest

from fixtures.simulator import Faults, paths
from fixtures.simulator import faults as faults_module


class TestLatency:
    def test_every_page_is_delayed_by_the_latency(self, make_client):
        """A latency fault delays every page by at least that many seconds."""
        c = make_client(faults=Faults(latency=0.1))
        started = time.monotonic()
        c.get(paths.SIGNIN)
        assert time.monotonic() - started >= 0.1

    def test_control_endpoints_are_never_delayed(self, make_client, monkeypatch):
        """The /__sim control endpoints answer without the latency's wait; pages wait it."""
        slept: list[float] = []
        monkeypatch.setattr(faults_module.time, "sleep", slept.append)
        c = make_client(faults=Faults(latency=1))
        assert c.get(paths.CONTROL_EVENTS).status_code == 200
        assert slept == []
        c.get(paths.SIGNIN)
        assert slept == [1]


class TestFailures:
    def test_fail_once_serves_one_500_per_path_prefix(self, make_client):
        """`fail_once` serves Amazon's error page with a 500 once per path prefix, then the page,
        and the log shows both."""
        c = make_client(faults=Faults(fail_once=["/ap/signin"]))
        first = c.get(paths.SIGNIN)
        assert first.status_code == 500
        assert "問題が発生しました" in first.text
        assert c.get(paths.SIGNIN).status_code == 200
        assert [e["status"] for e in c.simulator.events_of("request")] == [500, 200]

    def test_fail_once_leaves_other_paths_alone(self, make_client):
        """`fail_once` fails only the paths under its prefix, each once."""
        c = make_client(faults=Faults(fail_once=["/gp/"]))
        assert c.get(paths.SIGNIN).status_code == 200
        assert c.get(paths.HOME).status_code == 500
        assert c.get(paths.HOME).status_code == 302

    def test_fail_rate_fails_about_that_share_of_requests_reproducibly(self, make_client):
        """`fail_rate` with a seed fails about that share of requests, the same ones every time."""

        def statuses():
            c = make_client(faults=Faults(fail_rate=0.3, fail_seed=42))
            return [c.get(paths.SIGNIN).status_code for _ in range(200)]

        first = statuses()
        assert first == statuses()
        assert 40 <= first.count(500) <= 80

    def test_fail_once_may_name_the_method(self, make_client):
        """A `fail_once` entry naming a method fails only requests of that method."""
        c = make_client(faults=Faults(fail_once=["POST /ap/signin"]))
        assert c.get(paths.SIGNIN).status_code == 200
        assert c.post(paths.SIGNIN, data={"email": "x@example.com"}).status_code == 500

    def test_fail_after_once_carries_the_request_out_then_answers_500(self, make_client):
        """`fail_after_once` acts on the request (its event is logged) and only then answers 500."""
        c = make_client(faults=Faults(fail_after_once=["POST /ap/signin"]))
        assert c.post(paths.SIGNIN, data={"email": "nobody@example.com"}).status_code == 500
        assert c.simulator.events_of("signin_email")
        assert [e.get("fault") for e in c.simulator.events_of("request")] == ["fail_after"]

    def test_the_english_error_page_is_english(self, make_client):
        """The error page of an English scenario says `Something went wrong`."""
        c = make_client(language="en", faults=Faults(fail_once=["/"]))
        assert "Something went wrong" in c.get(paths.SIGNIN).text


class TestDropAndHang:
    def test_a_drop_raises_a_connection_error_in_the_test_client_once(self, make_client):
        """`drop_once` aborts the connection of the first request only."""
        c = make_client(faults=Faults(drop_once=["/ap/mfa"]))
        with pytest.raises(ConnectionAbortedError):
            c.get(paths.MFA)
        assert c.get(paths.MFA).status_code == 302

    def test_a_hang_streams_a_body_until_its_bound(self, make_client):
        """A hanging path streams a 200 body until `hang_seconds` and logs the fault."""
        c = make_client(faults=Faults(hang=["/gp/"], hang_seconds=0.05))
        r = c.get(paths.HOME)
        assert r.status_code == 200 and r.text.startswith("<!doctype html>")
        assert c.simulator.events_of("request")[0]["fault"] == "hang"

    def test_hang_once_hangs_only_the_first_request(self, make_client):
        """`hang_once` hangs the first request of the path only; the next is answered normally."""
        c = make_client(faults=Faults(hang_once=["/gp/"], hang_seconds=0.05))
        c.get(paths.HOME)
        assert c.get(paths.HOME).status_code == 302
