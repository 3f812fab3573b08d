"""The JSON API over real HTTPS (docs/api.md): logins, throttling, session expiry, the role and
CSRF checked on every write endpoint the router lists, the API token, validation through the one
settings validator, and readings equal to the Modbus TCP values of the same instant."""
import struct

import pytest
from pymodbus.client import ModbusTcpClient


def test_login_at_both_levels_and_a_wrong_password(web):
    for level in ("admin", "user"):
        s = web.login(level)
        me = s.get(web.url + "/api/v1/session").json()
        assert me["level"] == level and me["default_password"] is True
        assert me["user_session_advice"] == 5 and me["user_session_limit"] == 10
    r = web.client().post(web.url + "/api/v1/session", json={"level": "admin", "password": "nope"})
    assert r.status_code == 401 and r.json() == {"error": "wrong password"}


def test_readings_need_a_session(web):
    r = web.client().get(web.url + "/api/v1/readings")
    assert r.status_code == 401 and r.json()["error"] == "log in first"
    r = web.bearer("0" * 64).get(web.url + "/api/v1/readings")
    assert r.status_code == 401


@pytest.mark.parametrize("body,status,words", [
    (b"{", 400, "the request body"),
    (b'{"level": "admin", "password": ', 400, "the request body"),
    (b"[" * 100 + b"]" * 100, 400, "nest"),
    (b'{"level": "root", "password": "x"}', 400, 'level must be "admin" or "user"'),
    (b'{"level": "admin", "password": 5}', 400, "give {"),
    (b'{"level": "admin", "password": "a", "level": "user"}', 400, "appears twice"),
    (b'{"password": "' + b"x" * 70000 + b'"}', 413, "too large"),
])
def test_malformed_truncated_nested_and_oversized_logins(web, body, status, words):
    r = web.client().post(web.url + "/api/v1/session", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status, r.text
    assert words in r.json()["error"]
    assert web.client().post(web.url + "/api/v1/session", json={"level": "user", "password": "view"}).status_code == 200  # still serving


def test_security_headers_and_cookie_flags(web):
    r = web.client().post(web.url + "/api/v1/session", json={"level": "user", "password": "view"})
    h = r.headers
    assert "default-src 'self'" in h["Content-Security-Policy"] and "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Content-Type-Options"] == "nosniff" and h["X-Frame-Options"] == "DENY"
    assert h["Strict-Transport-Security"].startswith("max-age=")
    cookie = h["Set-Cookie"]
    for flag in ("acurev_session=", "Secure", "HttpOnly", "SameSite=Strict"):
        assert flag in cookie
    page = web.client().get(web.url + "/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html") and "<script" in page.text


def routes(web):
    return web.login("user").get(web.url + "/api/v1/routes").json()["routes"]


def test_every_write_endpoint_refuses_a_user_and_a_stranger(web):
    """Walks the router's own list: a new endpoint cannot skip the check."""
    listed = routes(web)
    writes = [r for r in listed if r["method"] != "GET"]
    assert len(writes) >= 10
    user = web.login("user")
    stranger = web.client()
    for r in writes:
        if r["access"] == "public" or r["path"] == "/api/v1/session":
            continue
        assert r["access"] == "admin", r
        got = user.request(r["method"], web.url + r["example"], json={})
        assert got.status_code == 403 and got.json()["error"] == "Admin access required", (r, got.text)
        assert stranger.request(r["method"], web.url + r["example"], json={}).status_code == 401, r
    for r in listed:
        if r["method"] == "GET" and r["access"] != "public":
            assert stranger.get(web.url + r["example"]).status_code == 401, r


def test_csrf_is_checked_on_every_write_made_with_the_cookie(web):
    admin = web.login("admin")
    csrf = admin.headers.pop("X-CSRF-Token")
    for r in routes(web):
        if r["method"] == "GET" or r["access"] != "admin":
            continue
        got = admin.request(r["method"], web.url + r["example"], json={})
        assert got.status_code == 403 and "CSRF" in got.json()["error"], r
    admin.headers["X-CSRF-Token"] = "0" * len(csrf)
    assert admin.put(web.url + "/api/v1/settings/device", json={"device.description": "x"}).status_code == 403
    admin.headers["X-CSRF-Token"] = csrf
    r = admin.put(web.url + "/api/v1/settings/device", json={"device.description": "Panel 7"})
    assert r.status_code == 200, r.text
    # A bearer token is never sent by a browser on its own: no CSRF header needed.
    assert web.bearer(admin.token).put(web.url + "/api/v1/settings/device", json={"device.description": "Panel 8"}).status_code == 200


def test_the_api_token_reads_as_a_user_and_a_reset_ends_it(web):
    admin = web.login("admin")
    token = admin.get(web.url + "/api/v1/api-token").json()["token"]
    machine = web.bearer(token)
    assert machine.get(web.url + "/api/v1/readings").status_code == 200
    assert machine.put(web.url + "/api/v1/settings/device", json={"device.description": "x"}).status_code == 403
    new = admin.post(web.url + "/api/v1/api-token/reset").json()["token"]
    assert new != token
    assert machine.get(web.url + "/api/v1/readings").status_code == 401
    assert web.bearer(new).get(web.url + "/api/v1/readings").status_code == 200


def test_session_expiry_counts_peer_time_and_logout_ends_a_session(rig, web):
    admin = web.login("admin")
    assert admin.get(web.url + "/api/v1/readings").status_code == 200
    rig.advance(14 * 60)  # within 15 min of the last request
    assert admin.get(web.url + "/api/v1/readings").status_code == 200
    rig.advance(15 * 60 + 1)
    r = admin.get(web.url + "/api/v1/readings")
    assert r.status_code == 401 and "ended" in r.json()["error"]
    user = web.login("user")
    assert user.delete(web.url + "/api/v1/session").status_code == 204
    assert user.get(web.url + "/api/v1/readings").status_code == 401


def test_throttling_after_repeated_failures(rig, web):
    c = web.client()
    statuses = [c.post(web.url + "/api/v1/session", json={"level": "admin", "password": "wrong%d" % i}).status_code for i in range(50)]
    assert statuses[:5] == [401] * 5 and statuses.count(429) >= 40
    # Even the right password waits now: its answer is delayed, not checked.
    r = c.post(web.url + "/api/v1/session", json={"level": "admin", "password": "admin"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1 and "try again in" in r.json()["error"]
    rig.advance(int(r.headers["Retry-After"]) + 1)
    assert c.post(web.url + "/api/v1/session", json={"level": "admin", "password": "admin"}).status_code == 200


def test_a_settings_write_through_the_api_and_through_modbus_meet_the_same_validator(rig, web):
    admin = web.login("admin")
    url = web.url + "/api/v1/settings/meter"
    before = {s["key"]: s["value"] for s in admin.get(url).json()["settings"]}
    r = admin.put(url, json={"meter.ct_ratio_1": 60000})
    assert r.status_code == 400 and r.json()["errors"] == ["CT Ratio 1 must be between 5 and 50000 A, got 60000"]
    assert {s["key"]: s["value"] for s in admin.get(url).json()["settings"]} == before  # nothing changed
    r = admin.put(url, json={"meter.ct_ratio_1": 250, "meter.ct_ratio_2": 4})
    assert r.status_code == 400 and r.json()["errors"] == ["CT Ratio 2 must be between 5 and 50000 A, got 4"]
    c = ModbusTcpClient("127.0.0.1", port=rig.modbus_port, timeout=5)
    assert c.connect()
    try:
        ct1 = 0x0889
        assert c.write_register(ct1, 60000, slave=1).exception_code == 3  # the same value refused
        assert c.read_holding_registers(ct1, 1, slave=1).registers == [before["meter.ct_ratio_1"]]
        assert admin.put(url, json={"meter.ct_ratio_1": 250}).json() == {"saved": ["meter.ct_ratio_1"], "pending_reboot": []}
        rig.advance(2)
        assert c.read_holding_registers(ct1, 1, slave=1).registers == [250]
        assert not c.write_register(ct1, 300, slave=1).isError()
        rig.advance(2)
    finally:
        c.close()
    ct = {s["key"]: s for s in admin.get(url).json()["settings"]}["meter.ct_ratio_1"]
    assert ct["value"] == 300 and ct["range"] == "Default: 100, Range: 5 - 50000" and ct["applies"] == "meter"


def catalogue():
    """id -> (type, scale, module register), from docs/register-map.md (generated from the catalogue)."""
    if not _CATALOGUE:
        import os
        import re
        doc = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "register-map.md")
        for line in open(doc):
            m = re.match(r"\| (\S+) \| [^|]* \| [^|]* \| (float32|uint32|uint16) \| ([0-9.e-]+) \| (0x[0-9A-F]{4}) \(\d+\) \|", line)
            if m:
                _CATALOGUE[m.group(1)] = (m.group(2), float(m.group(3)), int(m.group(4), 16))
    return _CATALOGUE


_CATALOGUE = {}


def modbus_value(c, kind, scale, register):
    regs = c.read_holding_registers(register, 1 if kind == "uint16" else 2, slave=1).registers
    if kind == "float32":
        return struct.unpack(">f", struct.pack(">HH", *regs))[0]
    raw = regs[0] if kind == "uint16" else (regs[0] << 16) | regs[1]
    return raw * scale


def test_every_reading_equals_the_modbus_tcp_value_of_the_same_instant(rig, web):
    """Time is paused between advances: the API and Modbus TCP answer from the same poll. Every
    value of every group reply (system and a channel), against the register the catalogue names."""
    rig.advance(15)  # the slow blocks (demand, power quality) read at least once
    user = web.login("user")
    cat = catalogue()
    c = ModbusTcpClient("127.0.0.1", port=rig.modbus_port, timeout=5)
    assert c.connect()
    try:
        checked = 0
        for path in ["/api/v1/readings", "/api/v1/readings/channels/1", "/api/v1/readings/users/1", "/api/v1/demand",
                     "/api/v1/demand/channels/2", "/api/v1/energy", "/api/v1/energy/channels/1", "/api/v1/harmonics",
                     "/api/v1/harmonics/channels/1"]:
            body = user.get(web.url + path).json()
            assert body["quality"] == "fresh", path
            for key, v in body["values"].items():
                kind, scale, register = cat[v["id"]]
                assert v["value"] == modbus_value(c, kind, scale, register), (path, key, v)
                checked += 1
        assert checked > 300  # 311 with this catalogue
        ch1 = user.get(web.url + "/api/v1/readings/channels/1").json()["values"]
        assert ch1["I001_A"]["value"] == pytest.approx(10.0, rel=0.01) and ch1["I001_A"]["unit"] == "A"
    finally:
        c.close()


def test_unknown_paths_methods_and_channels(web):
    user = web.login("user")
    assert user.get(web.url + "/api/v1/nothing").status_code == 404
    assert user.delete(web.url + "/api/v1/readings").status_code == 405
    r = user.get(web.url + "/api/v1/readings/channels/19")
    assert r.status_code == 404 and r.json()["error"] == "input channel must be 1-18, got '19'"
    assert user.get(web.url + "/api/v1/settings/nothing").status_code == 404
    admin = web.login("admin")
    r = admin.put(web.url + "/api/v1/settings/meter", json={"network.https_port": 6001})
    assert r.status_code == 400 and "not a setting of section 'meter'" in r.json()["errors"][0]


def test_a_right_user_password_does_not_clear_the_count_of_admin_guesses(rig, web):
    rig.advance(3600)  # earlier tests' counts forgotten
    c = web.client()
    for i in range(4):
        assert c.post(web.url + "/api/v1/session", json={"level": "admin", "password": "guess%d" % i}).status_code == 401
    assert c.post(web.url + "/api/v1/session", json={"level": "user", "password": "view"}).status_code == 200
    assert c.post(web.url + "/api/v1/session", json={"level": "admin", "password": "guess4"}).status_code == 401
    assert c.post(web.url + "/api/v1/session", json={"level": "admin", "password": "admin"}).status_code == 429
    rig.advance(2)
    assert c.post(web.url + "/api/v1/session", json={"level": "admin", "password": "admin"}).status_code == 200


def test_logins_sent_all_at_once_get_no_more_guesses(rig, web):
    import concurrent.futures
    rig.advance(3600)

    def guess(i):
        return web.client().post(web.url + "/api/v1/session", json={"level": "admin", "password": "parallel%d" % i}).status_code

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(guess, range(20)))
    assert statuses.count(401) <= 5 and statuses.count(429) >= 15, statuses
    rig.advance(3600)


def test_odd_bodies_on_admin_endpoints_answer_400(web):
    admin = web.login("admin")
    for target in (1, None, ["module"], {"a": 1}):
        r = admin.post(web.url + "/api/v1/reboot", json={"target": target})
        assert r.status_code == 400, (target, r.text)
    for body in ([], "x", 5, {"meter.ct_ratio_1": {"deep": [1]}}):
        r = admin.put(web.url + "/api/v1/settings/meter", json=body)
        assert r.status_code == 400, (body, r.text)
    r = admin.put(web.url + "/api/v1/passwords", json={"current_admin_password": 5, "admin_password": "x"})
    assert r.status_code == 400
    assert admin.get(web.url + "/api/v1/readings").status_code == 200


def test_head_answers_without_a_body(web):
    user = web.login("user")
    r = user.head(web.url + "/api/v1/readings")
    assert r.status_code == 200 and r.content == b"" and int(r.headers["Content-Length"]) > 100
    assert user.get(web.url + "/api/v1/readings").json()["quality"] == "fresh"  # the connection still in step


def test_a_long_poll_answers_at_the_next_snapshot(rig, web):
    import threading
    user = web.login("user")
    now = user.get(web.url + "/api/v1/readings").json()
    seq = now["sequence"]
    assert seq >= 1
    assert user.get(web.url + "/api/v1/readings?after=%d" % (seq - 1)).json()["sequence"] == seq  # newer already: at once
    got = {}
    t = threading.Thread(target=lambda: got.update(user.get(web.url + "/api/v1/readings/channels/1?after=%d" % seq, timeout=30).json()))
    t.start()
    t.join(0.5)
    assert t.is_alive()  # waits: time is paused, no new poll cycle
    rig.advance(1.5)
    t.join(10)
    assert not t.is_alive() and got["sequence"] > seq and got["values"]["I001_A"]["quality"] == "fresh"
    assert user.get(web.url + "/api/v1/readings?after=x").status_code == 400


def test_keys_of_several_sections_save_as_one_change(web):
    admin = web.login("admin")
    r = admin.put(web.url + "/api/v1/settings", json={"device.description": "Both", "meter.ct_ratio_2": 4})
    assert r.status_code == 400 and r.json()["errors"] == ["CT Ratio 2 must be between 5 and 50000 A, got 4"]
    assert {s["key"]: s["value"] for s in admin.get(web.url + "/api/v1/settings/device").json()["settings"]}["device.description"] != "Both"
    r = admin.put(web.url + "/api/v1/settings", json={"device.description": "Both", "meter.ct_ratio_2": 400})
    assert r.status_code == 200 and sorted(r.json()["saved"]) == ["device.description", "meter.ct_ratio_2"]
    assert admin.put(web.url + "/api/v1/settings", json={"no.such": 1}).json()["errors"] == ["unknown setting 'no.such' (docs/settings.md lists them)"]
