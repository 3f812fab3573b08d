"""The HTTP server against clients that misbehave (ARCHITECTURE "Security"; issue: every input
from outside): garbage, an oversized header, a request never finished (closed after the request
timeout, in peer time), more connections than slots (the idle one makes room), and plain HTTP
only when enabled, with a cookie that is not marked Secure."""
import socket
import ssl
import tempfile

import requests

import acurev_sim


def tls_socket(web):
    ctx = ssl.create_default_context(cafile=web.cert)
    raw = socket.create_connection((web.host, web.port), timeout=5)
    return ctx.wrap_socket(raw, server_hostname=web.host)


def answer(sock):
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, ssl.SSLError, socket.timeout):
        pass
    return data.split(b"\r\n", 1)[0].decode(errors="replace")


def test_garbage_and_an_oversized_header_get_clear_answers(web):
    s = tls_socket(web)
    s.sendall(b"HELLO THERE\r\n\r\n")
    assert answer(s).startswith("HTTP/1.1 400")
    s.close()
    s = tls_socket(web)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
    assert answer(s).startswith("HTTP/1.1 431")
    s.close()
    s = tls_socket(web)
    s.sendall(b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer(s).startswith("HTTP/1.1 400")
    s.close()
    assert web.client().get(web.url + "/api/v1/certificate").status_code == 200  # still serving


def test_a_request_never_finished_is_closed_after_the_request_timeout(rig, web):
    s = tls_socket(web)
    s.sendall(b"GET /api/v1/readings HTTP/1.1\r\nHost: x\r\n")  # no blank line: never finished
    rig.advance(29)
    s.settimeout(0.3)
    try:
        assert s.recv(1) != b""  # nothing yet, still open
    except socket.timeout:
        pass
    rig.advance(2)
    s.settimeout(5)
    try:
        assert s.recv(1) == b""  # closed by the module
    except (ConnectionResetError, ssl.SSLError):
        pass
    s.close()


def test_more_connections_than_slots_the_idle_ones_make_room(web):
    idle = [tls_socket(web) for _ in range(140)]  # 128 slots
    try:
        assert web.client().get(web.url + "/api/v1/certificate").status_code == 200
    finally:
        for s in idle:
            s.close()


def free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_plain_http_only_when_enabled(web):
    assert web.rig.web_url.startswith("https://")
    http_port = next(p for p in range(9999, 6000, -1) if free(p))  # away from the bindings' choice
    rig = acurev_sim.Rig({"settings": {"network.http_enable": True, "network.http_port": http_port}})
    try:
        w = web.__class__(rig, tempfile.mkdtemp())
        assert rig.settings()["network.http_port"] == http_port
        s = requests.Session()
        s.trust_env = False
        r = s.post("http://127.0.0.1:%d/api/v1/session" % http_port, json={"level": "user", "password": "view"})
        assert r.status_code == 200 and "Secure" not in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
        assert "Strict-Transport-Security" not in r.headers
        assert w.login("user").get(w.url + "/api/v1/readings").status_code == 200
    finally:
        rig.close()
    try:
        requests.get("http://127.0.0.1:%d/" % web.port, timeout=2)
        plain_on_tls_port = True
    except requests.exceptions.ConnectionError:
        plain_on_tls_port = False
    assert not plain_on_tls_port
