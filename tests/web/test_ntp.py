"""Time/Date (web manual 7.4) against two Debian chronyd servers on loopback: the device clock, started
far from the machine's time that chronyd serves, converges and the step is in the module's event log;
the first server stops and the second takes over; the board's clock (0x0180) follows the module's;
America/New_York switches to DST at its rule's instant; a default naming an Internet host is refused
and said so; malformed replies and bad settings give clear errors while the service keeps serving."""
import calendar
import os
import socket
import struct
import sys
import tempfile
import threading
import time

import pytest
from pymodbus.client import ModbusTcpClient

import acurev_sim

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from chrony_server import ChronyServer  # noqa: E402

if ChronyServer.unavailable():
    pytest.skip(ChronyServer.unavailable(), allow_module_level=True)

START = calendar.timegm((2025, 6, 1, 0, 0, 0))  # the device clock before NTP: far from the machine's time


def ntp_rig(*servers, start=START, **extra):
    settings = {"time.ntp_enable": True, "time.ntp_poll_interval": 64}
    for i, s in enumerate(servers, 1):
        settings[f"time.ntp_server_{i}"] = s
    settings.update(extra)
    return acurev_sim.Rig({"fidelity": "analytic", "start_time": start, "settings": settings})


def client(web, rig, level="admin"):
    w = web.__class__(rig, tempfile.mkdtemp())
    return w, w.login(level)


def ntp_state(web, rig):
    w, s = client(web, rig, "user")
    return next(x for x in s.get(w.url + "/api/v1/services").json()["services"] if x["name"] == "ntp")


def module_events(web, rig):
    w, s = client(web, rig, "user")
    return [e for e in s.get(w.url + "/api/v1/module-events?count=100").json()["events"] if e["source"] == "ntp"]


def wait_for(rig, check, seconds, step=1.0):
    """Advances the rig `step` at a time until check() holds (check may use the rig's sockets: the rig
    is paused, its loop serving, between advances, not inside run_until)."""
    for _ in range(int(seconds / step)):
        if check():
            return True
        rig.advance(step)
    return check()


def board_clock(rig):
    """The board's clock block (0x0180) as the module's Modbus TCP serves it: local wall time, seconds."""
    c = ModbusTcpClient("127.0.0.1", port=rig.modbus_port, timeout=5)
    assert c.connect()
    try:
        reply = c.read_holding_registers(0x0180, 7, slave=1)
    finally:
        c.close()
    if reply.isError():  # not read from the board yet
        return None, None
    r = reply.registers
    return calendar.timegm((r[0], r[1], r[2], r[3], r[4], r[5])), r[6]


def board_near(rig, utc_offset_s):
    """The board's clock shows the device's local time (UTC + offset) within 2 s."""
    t, _ = board_clock(rig)
    return t is not None and abs(t - (rig.clock_utc() + utc_offset_s)) < 2


def test_the_clock_converges_a_step_is_logged_and_the_board_clock_follows(web):
    with ChronyServer() as a, ChronyServer() as b:
        rig = ntp_rig(f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}")
        try:
            # chronyd serves the machine's time; virtual time stands still between advances, so the
            # device clock, once set, lags the machine's only by the wall time the test takes.
            assert rig.run_until(lambda: abs(rig.clock_utc() - time.time()) < 2, 30), (rig.clock_utc(), time.time(), a.output())
            state = ntp_state(web, rig)
            assert state["state"] == "running" and state["detail"].startswith(f"127.0.0.1:{a.port} (synchronised, offset "), state
            steps = [e for e in module_events(web, rig) if "stepped by" in e["text"]]
            assert len(steps) == 1, steps
            assert f"from NTP NTP Server 1 127.0.0.1:{a.port}" in steps[0]["text"]
            offset = float(steps[0]["text"].split("stepped by ")[1].split(" s")[0])
            assert abs(offset - (time.time() - START)) < 60, steps[0]
            # The board's clock is written at the next whole second and read back by the poller.
            assert wait_for(rig, lambda: board_near(rig, 0), 30), (board_clock(rig), rig.clock_utc())
            t, weekday = board_clock(rig)
            assert weekday == (time.gmtime(t).tm_wday + 1) % 7  # 0 = Sunday
        finally:
            rig.close()


def test_the_first_server_stops_and_the_second_takes_over(web):
    with ChronyServer() as a, ChronyServer() as b:
        rig = ntp_rig(f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}", "127.0.0.1:9")
        try:
            assert wait_for(rig, lambda: ntp_state(web, rig)["detail"].startswith(f"127.0.0.1:{a.port} (synchronised"), 30)
            a.stop()
            w, s = client(web, rig)
            r = s.post(w.url + "/api/v1/time/sync").json()  # Force Update
            assert r["ok"] and r["detail"].startswith(f"127.0.0.1:{b.port} ("), r
            status = s.get(w.url + "/api/v1/time").json()
            assert status["synchronised"] and status["server"] == f"127.0.0.1:{b.port}"
            assert status["servers"][0]["state"].startswith("no answer within 5 s") or "no NTP server at" in status["servers"][0]["state"], status
            assert status["servers"][1]["state"] == "synchronised"
            assert ntp_state(web, rig)["detail"].startswith(f"127.0.0.1:{b.port} (synchronised, offset ")
            assert any(f"NTP Server 2 127.0.0.1:{b.port} takes over from 127.0.0.1:{a.port}" in e["text"] for e in module_events(web, rig))
            # Both gone: the status says why, server by server; the first one back serves again.
            b.stop()
            r = s.post(w.url + "/api/v1/time/sync").json()
            assert not r["ok"] and r["detail"].startswith("no NTP server answered: NTP Server 1"), r
            assert "NTP Server 3 127.0.0.1:9" in r["detail"]
            state = ntp_state(web, rig)
            assert state["state"] == "unhealthy" and "no NTP server answered" in state["detail"], state
            a.start()
            r = s.post(w.url + "/api/v1/time/sync").json()
            assert r["ok"] and r["detail"].startswith(f"127.0.0.1:{a.port} ("), r
        finally:
            rig.close()


def test_new_york_switches_to_dst_at_the_rules_instant_and_the_board_clock_follows(web):
    switch = calendar.timegm((2026, 3, 8, 7, 0, 0))  # 02:00 EST, the second Sunday of March
    rig = acurev_sim.Rig({"fidelity": "analytic", "start_time": switch - 120, "settings": {"time.zone": "America/New_York"}})
    try:
        rig.advance(30)
        w, s = client(web, rig)
        # The board keeps its own clock until the module's is set (by hand here, or by NTP).
        assert not board_near(rig, -5 * 3600)
        assert s.put(w.url + "/api/v1/time/clock", json={"utc": switch - 90}).status_code == 200
        status = s.get(w.url + "/api/v1/time").json()
        assert status["zone"] == "America/New_York" and status["abbreviation"] == "EST" and status["utc_offset_s"] == -5 * 3600
        assert status["next_zone_change"] == switch
        assert wait_for(rig, lambda: board_near(rig, -5 * 3600), 60), board_clock(rig)
        rig.advance(switch + 30 - rig.clock_utc())
        dst = [e for e in module_events(web, rig) if e["text"].startswith("DST starts")]
        assert len(dst) == 1, module_events(web, rig)
        assert dst[0]["time"] == switch
        assert dst[0]["text"] == "DST starts: local time is now EDT (UTC-04:00, America/New_York)"
        status = s.get(w.url + "/api/v1/time").json()
        assert status["dst"] and status["local"].endswith("-04:00") and status["local"].startswith("2026-03-08T03:00:")
        # The board keeps local wall time: it jumped from 01:59 to 03:00 with the module.
        assert wait_for(rig, lambda: board_near(rig, -4 * 3600), 30), board_clock(rig)
    finally:
        rig.close()


def test_the_clock_set_by_hand_in_local_time_is_logged_and_bad_forms_are_refused(web):
    rig = acurev_sim.Rig({"fidelity": "analytic", "settings": {"time.zone": "America/New_York"}})
    try:
        rig.advance(2)
        w, s = client(web, rig)
        r = s.put(w.url + "/api/v1/time/clock", json={"local": "2026-07-04 12:00:00"})
        assert r.status_code == 200, r.text
        assert r.json()["local"] == "2026-07-04T12:00:00-04:00"
        assert abs(rig.clock_utc() - calendar.timegm((2026, 7, 4, 16, 0, 0))) < 1
        assert any(e["text"].startswith("device clock set by hand: ") and e["text"].endswith("-> 2026-07-04T12:00:00-04:00")
                   for e in module_events(web, rig))
        for body, words in [({}, "give {\"utc\""), ({"local": "2026-02-30 00:00:00"}, "is not a date"), ({"local": "2026-07-04 12:00"}, "is not a date"),
                            ({"local": "x" * 5000}, "is not a date"), ({"utc": "soon"}, "must be a number"), ({"utc": 1e30}, "out of range"),
                            ({"utc": 1, "local": "2026-07-04 12:00:00"}, "give {"), ({"local": 7}, "must be a string")]:
            r = s.put(w.url + "/api/v1/time/clock", json=body)
            assert r.status_code == 400 and words in r.json()["error"], (body, r.status_code, r.text)
        r = s.post(w.url + "/api/v1/time/sync").json()
        assert not r["ok"] and "NTP is not enabled" in r["detail"]
        _, user = client(web, rig, "user")
        assert user.put(w.url + "/api/v1/time/clock", json={"utc": 1767225600}).status_code == 403
        zones = user.get(w.url + "/api/v1/time/zones").json()["zones"]
        assert "America/New_York" in zones and "UTC" in zones and len(zones) > 300
    finally:
        rig.close()


def test_defaults_naming_internet_hosts_are_shown_but_refused(web):
    rig = acurev_sim.Rig({"fidelity": "analytic", "settings": {"time.ntp_enable": True}})
    try:
        rig.advance(2)
        assert rig.settings()["time.ntp_server_1"] == "0.us.pool.ntp.org"
        state = ntp_state(web, rig)
        assert state["state"] == "unhealthy", state
        assert "NTP Server 1 0.us.pool.ntp.org: destination 0.us.pool.ntp.org refused: the simulator contacts only 127.0.0.0/8" in state["detail"]
        assert "--allow-outside" in state["detail"]
        assert abs(rig.clock_utc() - calendar.timegm((2026, 1, 1, 0, 0, 2))) < 1  # untouched
    finally:
        rig.close()


def test_bad_time_settings_are_refused_naming_the_field():
    with acurev_sim.Rig({"fidelity": "analytic"}) as rig:
        assert rig.change_settings({"time.zone": "Mars/Olympus_Mons"})[0].startswith("Time Zone 'Mars/Olympus_Mons' is not an IANA time zone")
        assert "NTP Server 2 must be a host name or IP address" in rig.change_settings({"time.ntp_server_2": "a b;c"})[0]
        assert "NTP Server 1 must be" in rig.change_settings({"time.ntp_server_1": "host:70000"})[0]
        errors = rig.change_settings({"time.ntp_enable": True, "time.ntp_server_1": "", "time.ntp_server_2": "", "time.ntp_server_3": ""})
        assert errors == ["NTP Server 1, 2 or 3 must be given when NTP is enabled"], errors
        assert rig.change_settings({"time.ntp_server_1": "x" * 300})  # oversized
        assert rig.change_settings({"time.ntp_poll_interval": 5})  # RFC 4330: not below 16 s
        assert rig.change_settings({"time.zone": "Europe/Berlin"}) == []


class BadServer:
    """A UDP server on loopback answering every request with `make(request)`: the malformed forms."""

    def __init__(self, make):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.make = make
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                data, peer = self.sock.recvfrom(2048)
            except OSError:
                return
            self.sock.sendto(self.make(data), peer)

    def close(self):
        self.sock.close()


def server_reply(request, first=0x24, stratum=8, originate=None, transmit=None):
    now = int(time.time()) + 2208988800
    originate = request[40:48] if originate is None else originate
    transmit = struct.pack("!II", now, 0) if transmit is None else transmit
    return bytes([first, stratum]) + bytes(10) + b"LOCL" + bytes(8) + originate + struct.pack("!II", now, 0) + transmit


@pytest.mark.parametrize("make, words", [
    (lambda r: server_reply(r)[:20], "reply truncated: 20 bytes"),
    (lambda r: server_reply(r) + bytes(600), "reply oversized"),
    (lambda r: server_reply(r) + bytes(100), "reply oversized: 148 bytes"),
    (lambda r: server_reply(r, first=0x23), "not a server's reply: mode 3"),
    (lambda r: server_reply(r, stratum=0)[:12] + b"RATE" + server_reply(r)[16:], "kiss-o'-death RATE"),
    (lambda r: server_reply(r, first=0xE4), "server not synchronised"),
    (lambda r: server_reply(r, transmit=bytes(8)), "transmit timestamp is zero"),
    (lambda r: server_reply(r, originate=bytes(8)), "no answer within 5 s"),  # not ours: ignored, still waited for
])
def test_malformed_replies_are_refused_clearly_and_the_next_server_serves(web, make, words):
    bad = BadServer(make)
    try:
        with ChronyServer() as good:
            rig = ntp_rig(f"127.0.0.1:{bad.port}", f"127.0.0.1:{good.port}")
            try:
                assert wait_for(rig, lambda: ntp_state(web, rig)["detail"].startswith(f"127.0.0.1:{good.port} (synchronised"), 30), ntp_state(web, rig)
                w, s = client(web, rig, "user")
                status = s.get(w.url + "/api/v1/time").json()
                assert status["servers"][0]["state"].startswith(words), status
            finally:
                rig.close()
    finally:
        bad.close()
