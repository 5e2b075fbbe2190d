"""The simulator served over HTTP: start/stop, control endpoints, dropped and hanging responses."""

from __future__ import annotations

import http.client
import json
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from fixtures.simulator import Faults, Simulator, SimulatorServer, build_scenario, paths


def fetch(url: str, method: str = "GET", timeout: float = 5) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


class TestSimulatorServer:
    def test_start_returns_a_listening_server_on_a_free_loopback_port(self):
        """`start()` returns only once the server listens: the very first request, with no
        retry, gets the sign-in page. Port 0 picks a free loopback port, so two servers at
        once never collide."""
        with (
            SimulatorServer(Simulator(build_scenario("demo"))) as server,
            SimulatorServer(Simulator(build_scenario("demo"))) as other,
        ):
            assert server.url.startswith("http://127.0.0.1:")
            assert urlsplit(server.url).port != urlsplit(other.url).port
            status, body = fetch(server.url + paths.SIGNIN)
            assert status == 200 and b'id="ap_email"' in body

    def test_it_stops_quickly_and_frees_the_port(self):
        """Stopping takes under a second and nothing answers on the port afterwards."""
        server = SimulatorServer(Simulator(build_scenario("demo"))).start()
        url = server.url
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1
        with pytest.raises(OSError):
            fetch(url + paths.SIGNIN, timeout=1)

    def test_the_url_before_start_is_an_error(self):
        """Asking a server that has not started for its URL raises RuntimeError."""
        with pytest.raises(RuntimeError):
            _ = SimulatorServer(Simulator(build_scenario("demo"))).url

    def test_events_are_served_as_json_and_can_be_filtered(self):
        """The event log is served as JSON without control requests, and `?kind=` filters it."""
        sim = Simulator(build_scenario("demo"))
        with SimulatorServer(sim) as server:
            fetch(server.url + paths.SIGNIN)
            status, body = fetch(server.url + paths.CONTROL_EVENTS)
            events = json.loads(body)
            assert status == 200 and events[-1]["kind"] == "request"
            assert all(not e["path"].startswith("/__sim") for e in events)
            _, body = fetch(server.url + paths.CONTROL_EVENTS + "?kind=signin_email")
            assert json.loads(body) == []

    def test_the_control_index_lists_the_logins_and_the_current_otp(self):
        """The control index shows each login's e-mail, password, TOTP secret and current OTP, and
        the paths."""
        sim = Simulator(build_scenario("demo"))
        with SimulatorServer(sim) as server:
            login = sim.scenario.logins[0]
            before = sim.current_otp(login)
            status, body = fetch(server.url + "/__sim/")
            after = sim.current_otp(login)  # the 30-second step may turn during the fetch
            assert status == 200
            for value in (login.email, login.password, login.totp_secret):
                assert str(value).encode() in body
            assert before.encode() in body or after.encode() in body
            assert paths.REGISTER.encode() in body

    def test_control_posts_expire_sessions_and_clear_events(self):
        """The control POSTs expire every session (saying how many) and clear the event log."""
        sim = Simulator(build_scenario("demo"))
        with SimulatorServer(sim) as server:
            fetch(server.url + paths.SIGNIN)
            assert json.loads(fetch(server.url + paths.CONTROL_EXPIRE_SESSIONS, "POST")[1]) == {
                "expired": 1
            }
            fetch(server.url + paths.CONTROL_CLEAR_EVENTS, "POST")
            assert sim.events == []

    def test_a_dropped_connection_closes_without_a_response_once(self):
        """Over HTTP a `drop_once` path closes the connection without a response once, then serves
        the page."""
        sim = Simulator(build_scenario("demo", faults=Faults(drop_once=["/ap/signin"])))
        with SimulatorServer(sim) as server:
            with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
                fetch(server.url + paths.SIGNIN)
            assert fetch(server.url + paths.SIGNIN)[0] == 200
            assert sim.events_of("request")[0]["fault"] == "drop"

    def test_a_hanging_path_sends_headers_but_never_finishes_the_body(self):
        """A hanging path sends headers and an unending body, other paths still answer, and stop
        ends it within 2 s."""
        sim = Simulator(build_scenario("demo", faults=Faults(hang=["/gp/"], hang_seconds=30)))
        server = SimulatorServer(sim).start()
        parts = urlsplit(server.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        conn.request("GET", paths.HOME)
        response = conn.getresponse()
        assert response.status == 200
        deadline = time.monotonic() + 0.6
        while time.monotonic() < deadline:
            assert response.read1(100) != b"", "the body ended"
        assert fetch(server.url + paths.SIGNIN)[0] == 200
        started = time.monotonic()
        server.stop()
        response.read()
        conn.close()
        assert time.monotonic() - started < 2

    def test_a_real_browser_style_request_gets_a_session_cookie(self):
        """A plain HTTP request gets a session-id cookie."""
        server = SimulatorServer(Simulator(build_scenario("demo")))
        with server, urllib.request.urlopen(server.url + paths.SIGNIN, timeout=5) as r:
            assert "session-id=" in r.headers["Set-Cookie"]
