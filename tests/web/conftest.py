"""Fixtures for the web interface's tests: a rig from the acurev_sim bindings (virtual time,
paused between advances while a background thread serves its sockets) and HTTPS clients
(python3-requests) that trust the module's own certificate, downloaded from the module."""
import os
import ssl
import tempfile

import pytest
import requests

import acurev_sim

LOAD = {"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0, "pf": 1.0}, {"channel": 2, "current": 5.0, "pf": 0.8}]}


class TimedSession(requests.Session):
    """A session whose requests give up after 60 s: a module that never answers fails the test, not the run."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", 60)
        return super().request(*args, **kwargs)


class Web:
    """HTTPS clients of one rig's web interface."""

    def __init__(self, rig, tmp):
        self.rig = rig
        self.url = rig.web_url
        host, port = self.url[len("https://"):].split(":")
        self.host, self.port = host, int(port)
        self.cert_pem = ssl.get_server_certificate((host, self.port))
        self.cert = os.path.join(tmp, "module.pem")
        with open(self.cert, "w") as f:
            f.write(self.cert_pem)

    def client(self):
        s = TimedSession()
        s.trust_env = False  # no proxy, and REQUESTS_CA_BUNDLE would override verify
        s.verify = self.cert  # the module's self-signed certificate names 127.0.0.1
        return s

    def login(self, level="admin", password=None):
        """A requests session logged in with the cookie, its csrf header set; .token holds the bearer token."""
        s = self.client()
        r = s.post(self.url + "/api/v1/session", json={"level": level, "password": password or {"admin": "admin", "user": "view"}[level]})
        assert r.status_code == 200, r.text
        body = r.json()
        s.headers["X-CSRF-Token"] = body["csrf"]
        s.token = body["token"]
        return s

    def bearer(self, token):
        s = self.client()
        s.headers["Authorization"] = "Bearer " + token
        return s


@pytest.fixture(scope="module")
def rig():
    with acurev_sim.Rig(LOAD) as r:
        r.advance(4)  # the module has read every block
        yield r


@pytest.fixture(scope="module")
def web(rig):
    with tempfile.TemporaryDirectory() as tmp:
        yield Web(rig, tmp)
