"""The running simulator (acurev-sim) as a browser or openssl meets it: TLS 1.0/1.1 refused and
1.2/1.3 accepted (openssl s_client), the certificate served is the downloadable one, the URL in the
endpoint table, the event log read through the board's window, and a load typed on stdin."""
import os
import re
import socket
import ssl
import subprocess
import tempfile
import time

import pytest
import requests

BIN = os.environ.get("ACUREV_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))


def free_port(lo, hi):
    for port in range(lo + os.getpid() % (hi - lo), hi):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


@pytest.fixture(scope="module")
def sim():
    tmp = tempfile.mkdtemp()
    https = free_port(6000, 9999)
    proc = subprocess.Popen([os.path.join(BIN, "acurev-sim"), "run", "--modbus-port", str(free_port(3000, 4999)), "--data-dir", tmp,
                             "--set", "network.https_port=%d" % https],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("acurev-sim exited: " + proc.stderr.read())
        lines.append(line.rstrip())
        if line.lstrip().startswith("seed"):
            break
    url = next(m.group(1) for l in lines for m in [re.match(r"\s+https\s+running\s+(https://\S+)", l)] if m)
    assert url == "https://127.0.0.1:%d" % https
    cert = os.path.join(tmp, "served.pem")
    with open(cert, "w") as f:
        f.write(ssl.get_server_certificate(("127.0.0.1", https)))
    s = requests.Session()
    s.trust_env = False
    s.verify = cert
    r = s.post(url + "/api/v1/session", json={"level": "admin", "password": "admin"})
    s.headers["Authorization"] = "Bearer " + r.json()["token"]
    yield {"proc": proc, "url": url, "port": https, "session": s, "cert": cert, "dir": tmp}
    proc.terminate()
    proc.wait(timeout=10)


def s_client(port, version):
    return subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-" + version, "-brief"],
                          input="", capture_output=True, text=True, timeout=20)


@pytest.mark.parametrize("version", ["tls1", "tls1_1"])
def test_old_tls_is_refused(sim, version):
    r = s_client(sim["port"], version)
    assert r.returncode != 0 and "Protocol version" not in r.stdout


@pytest.mark.parametrize("version,name", [("tls1_2", "TLSv1.2"), ("tls1_3", "TLSv1.3")])
def test_tls_12_and_13_are_accepted(sim, version, name):
    r = s_client(sim["port"], version)
    assert r.returncode == 0, r.stderr
    assert "Protocol version: " + name in r.stderr


def test_the_downloadable_certificate_is_the_one_served(sim):
    downloaded = requests.get(sim["url"] + "/api/v1/certificate", verify=sim["cert"]).text
    served = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % sim["port"], "-showcerts"], input="",
                            capture_output=True, text=True, timeout=20).stdout
    pem = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", served, re.S).group(0)
    assert pem.strip() == downloaded.strip()
    assert open(os.path.join(sim["dir"], "web-cert.pem")).read().strip() == downloaded.strip()


def test_the_event_log_is_read_through_the_boards_window(sim):
    s = sim["session"]
    before = s.get(sim["url"] + "/api/v1/events?count=1").json()["written"]
    for what in ("demand", "energy"):
        assert s.post(sim["url"] + "/api/v1/resets/" + what).status_code == 200
    body = s.get(sim["url"] + "/api/v1/events?count=5").json()
    assert body["written"] == before + 2
    newest = body["events"][:2]  # newest first
    assert [(e["number"], e["text"]) for e in newest] == [(before + 2, "energy reset"), (before + 1, "demand reset")]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$", newest[0]["time"])
    one = s.get(sim["url"] + "/api/v1/events?first=%d&count=1" % (before + 1)).json()["events"]
    assert [(e["number"], e["text"]) for e in one] == [(before + 1, "demand reset")]
    assert s.get(sim["url"] + "/api/v1/events?count=11").status_code == 400
    assert s.get(sim["url"] + "/api/v1/events?first=99999").status_code == 404


def test_the_meters_soft_reboot_is_two_power_events(sim):
    s = sim["session"]
    before = s.get(sim["url"] + "/api/v1/events?count=1").json()["written"]
    r = s.post(sim["url"] + "/api/v1/reboot", json={"target": "meter"})
    assert r.status_code == 202 and r.json() == {"rebooting": "meter"}
    time.sleep(3)  # off for 2 s
    events = s.get(sim["url"] + "/api/v1/events?count=2").json()["events"]
    assert [(e["number"], e["text"]) for e in events] == [(before + 2, "power on"), (before + 1, "power off")]


def test_a_load_typed_on_stdin_reaches_the_readings(sim):
    s = sim["session"]
    sim["proc"].stdin.write('load {"channel": 4, "current": 12.5, "pf": 1.0}\n')
    sim["proc"].stdin.flush()
    deadline = time.time() + 15
    while time.time() < deadline:
        v = s.get(sim["url"] + "/api/v1/readings/channels/4").json()["values"]["I004_A"]
        if abs(v["value"] - 12.5) < 0.125:
            break
        time.sleep(0.5)
    assert v["value"] == pytest.approx(12.5, rel=0.01)
    sim["proc"].stdin.write("load {\"channel\": 40}\n")
    sim["proc"].stdin.flush()
    assert s.get(sim["url"] + "/api/v1/readings").status_code == 200  # a bad command: the meter runs on
