"""Post channels (web manual 7.6) against real servers on loopback: an HTTP receiver (Python's
http.server) and python3-pyftpdlib. Files arrive whole, once and in order; while a server is down
they queue on disk and all arrive once it is back; the Test button reports success or the
failure's details; Clear Post Channel Logs empties the queue."""
import gzip
import json
import os
import sys
import tempfile
import threading

import acurev_sim

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from http_receiver import Receiver  # noqa: E402
from test_ca import make_test_ca  # noqa: E402


def rig_posting_to(channel_settings, logger_extra=None):
    settings = {"post_channel_1.enable": True, **channel_settings,
                "data_log_1.enable": True, "data_log_1.parameters": ["Va_V", "EP_IMP_kWh"], "data_log_1.interval": 60,
                "data_log_1.post_file_length": 300, "data_log_1.post_channel": 1, **(logger_extra or {})}
    return acurev_sim.Rig({"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0}], "settings": settings})


def local_rows(rig):
    rows = {}
    logs = os.path.join(rig.data_dir, "logs")
    for name in sorted(os.listdir(logs)):
        with gzip.open(os.path.join(logs, name), "rt") as f:
            for line in f.read().splitlines()[1:]:
                rows[line.split(",")[0]] = line.split(",")[1:]
    return rows


def test_http_posts_carry_the_json_log_body_and_queue_while_the_server_is_down():
    rx = Receiver()
    rig = rig_posting_to({"post_channel_1.http_url": f"http://127.0.0.1/post", "post_channel_1.http_port": rx.port,
                          "post_channel_1.meter_id": "meter_001", "post_channel_1.http_token": "s3cret"},
                         {"data_log_1.timestamp_format": "UTC Seconds", "data_log_1.file_name_format": "UTC Timestamp"})
    try:
        rig.advance(31 * 60)
        assert 5 <= len(rx.posts) <= 7, [p["headers"].get("X-File-Name") for p in rx.posts]
        rows = local_rows(rig)
        for p in rx.posts:
            h = p["headers"]
            assert p["path"] == "/post" and h["Content-Type"] == "application/json" and h["X-Meter-ID"] == "meter_001"
            assert h["Authorization"] == "Bearer s3cret"
            body = json.loads(p["body"])
            # Five rows a file; the first file lacks the row of the interval running at boot.
            assert body["device_name"] and body["online"] is True and len(body["timestamp"]) == (5 if p is not rx.posts[0] else 4)
            start = int(body["timestamp"][-1]) // 300 * 300
            assert h["X-File-Name"] == f"logger1-{start}.json"
            assert [r["param"] for r in body["readings"]] == ["Va_V", "EP_IMP_kWh"]
            for i, t in enumerate(body["timestamp"]):  # the same values as the local log's rows
                assert [r["value"][i] for r in body["readings"]] == rows[t]
        # Six hours with the server down: the files queue on disk, then all arrive once, in order.
        sent_before = len(rx.posts)
        rx.down = True
        rig.advance(6 * 3600)
        queued = os.listdir(os.path.join(rig.data_dir, "post1"))
        assert len(queued) >= 70
        rx.down = False
        rig.advance(40 * 60)  # the back-off is at most 30 minutes
        ids = [p["headers"]["X-Post-Id"] for p in rx.posts]
        assert len(ids) == len(set(ids)), "a file arrived twice"
        starts = [int(json.loads(p["body"])["timestamp"][-1]) // 300 * 300 for p in rx.posts]
        assert starts == sorted(starts) and all(b - a == 300 for a, b in zip(starts, starts[1:])), "a file is missing or out of order"
        assert len(rx.posts) >= sent_before + 70 + 7
        assert len(os.listdir(os.path.join(rig.data_dir, "post1"))) <= 1
    finally:
        rig.close()
        rx.close()


def test_ftp_uploads_arrive_byte_identical_and_the_test_button_reports(web):
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

    root = tempfile.mkdtemp()
    authorizer = DummyAuthorizer()
    authorizer.add_user("datalog", "pw123456", root, perm="elradfmw")
    handler = type("Handler", (FTPHandler,), {"authorizer": authorizer, "passive_ports": None})
    ftp = ThreadedFTPServer(("127.0.0.1", 0), handler)
    port = ftp.socket.getsockname()[1]
    threading.Thread(target=ftp.serve_forever, kwargs={"timeout": 0.2}, daemon=True).start()
    rig = rig_posting_to({"post_channel_1.method": "FTP", "post_channel_1.ftp_url": "ftp://127.0.0.1", "post_channel_1.ftp_port": port,
                          "post_channel_1.ftp_user": "datalog", "post_channel_1.ftp_password": "pw123456"},
                         {"data_log_1.timestamp_format": "ISO8601 Format"})
    try:
        rig.advance(21 * 60)
        files = sorted(f for f in os.listdir(root) if not f.startswith("."))
        assert 3 <= len(files) <= 5, files
        rows = local_rows(rig)
        for name in files:
            assert name.endswith("-1min.csv") and "-logger1-" in name
            text = open(os.path.join(root, name)).read()
            lines = text.splitlines()
            assert lines[0] == "Time,Va_V,EP_IMP_kWh" and len(lines) in (5, 6) and text.endswith("\n")
            for line in lines[1:]:
                assert rows[line.split(",")[0]] == line.split(",")[1:]
        w = web.__class__(rig, tempfile.mkdtemp())
        admin = w.login("admin")
        r = admin.post(w.url + "/api/v1/post/1/test").json()
        assert r["ok"] is True, r
        assert any(f.endswith("-test.csv") for f in os.listdir(root))
        # The server goes away: its listener closed too (close_all races the serving thread, and a listener
        # left open would accept and never greet, so the test would wait out the FTP response timeout).
        ftp.close_all()
        try:
            ftp.socket.close()
        except OSError:
            pass
        import socket
        import time
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    break
            time.sleep(0.05)
        r = admin.post(w.url + "/api/v1/post/1/test").json()
        assert r["ok"] is False and r["error"], r
        assert admin.post(w.url + "/api/v1/post/2/test").json()["ok"] is False
        assert admin.post(w.url + "/api/v1/post/7/test").status_code == 404
        status = admin.get(w.url + "/api/v1/post").json()["channels"][1]
        assert status["enabled"] and status["method"] == "FTP" and status["sent"] >= 3
        rig.advance(10 * 60)
        assert admin.get(w.url + "/api/v1/post").json()["channels"][1]["queued"] >= 1
        assert admin.post(w.url + "/api/v1/post/clear").status_code == 204
        assert admin.get(w.url + "/api/v1/post").json()["channels"][1]["queued"] == 0
    finally:
        rig.close()


def test_acucloud_posts_every_five_minutes_with_its_token(web):
    rx = Receiver()
    rig = acurev_sim.Rig({"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0}],
                          "settings": {"acucloud.enable": True, "acucloud.token": "tok-123", "acucloud.url": f"http://127.0.0.1:{rx.port}/cloud"}})
    try:
        rig.advance(16 * 60)
        readings = rig.readings()
        assert len(rx.posts) == 3, len(rx.posts)  # the five minutes running at boot are not posted
        times = []
        for p in rx.posts:
            assert p["path"] == "/cloud" and p["headers"]["Authorization"] == "Bearer tok-123"
            body = json.loads(p["body"])
            times.append(int(body["timestamp"][0]))
            values = {r["param"]: float(r["value"][0]) for r in body["readings"]}
            assert body["online"] is True and {"Va_V", "EP_IMP_kWh"} <= values.keys()
        assert all(t % 300 == 0 for t in times) and [b - a for a, b in zip(times, times[1:])] == [300, 300]
        assert abs(values["Va_V"] - readings["Va_V"]["value"]) <= 1e-3 * readings["Va_V"]["value"]
        w = web.__class__(rig, tempfile.mkdtemp())
        admin = w.login("admin")
        assert admin.post(w.url + "/api/v1/post/0/test").json()["ok"] is True
        rx.down = True
        r = admin.post(w.url + "/api/v1/post/0/test").json()
        assert r["ok"] is False and r["status"] == 503 and "503" in r["error"]
        cloud = admin.get(w.url + "/api/v1/post").json()["channels"][0]
        assert cloud["method"] == "AcuCloud" and cloud["enabled"] and cloud["sent"] == 3
    finally:
        rig.close()
        rx.close()


def test_sftp_uploads_arrive_byte_identical_under_their_names(tmp_path):
    import pytest
    from sshd_server import SftpReceiver

    why = SftpReceiver.unavailable()
    if why:
        pytest.skip(why)
    inbox = str(tmp_path / "inbox")
    with SftpReceiver(inbox, user="meter", password="s3cret") as srv:
        rig = rig_posting_to({"post_channel_1.method": "SFTP", "post_channel_1.sftp_url": "sftp://127.0.0.1/", "post_channel_1.sftp_port": srv.port,
                              "post_channel_1.sftp_user": "meter", "post_channel_1.sftp_password": "s3cret"},
                             {"data_log_1.timestamp_format": "UTC Seconds"})
        try:
            rig.advance(16 * 60)
            files = sorted(f for f in os.listdir(inbox) if not f.startswith("."))
            assert 2 <= len(files) <= 4, (files, srv.log()[-2000:])
            rows = local_rows(rig)
            for name in files:
                lines = open(os.path.join(inbox, name)).read().splitlines()
                assert lines[0] == "Time,Va_V,EP_IMP_kWh" and len(lines) in (5, 6)
                for line in lines[1:]:
                    assert rows[line.split(",")[0]] == line.split(",")[1:]
            # The server's host key was kept at first contact.
            assert os.path.getsize(os.path.join(rig.data_dir, "post-known-hosts")) > 0
        finally:
            rig.close()


def test_the_cache_limit_drops_the_oldest_files_and_the_event_log_says_so(web):
    import socket
    with socket.socket() as s:  # a port nothing listens on: the server is down all along
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    params = [p["key"] for p in web.login("user").get(web.url + "/api/v1/datalog/parameters").json()["parameters"]]
    rig = rig_posting_to({"post_channel_1.http_url": "http://127.0.0.1/post", "post_channel_1.http_port": closed, "post.cache_limit_mb": 1},
                         {"data_log_1.parameters": params, "data_log_1.timestamp_format": "UTC Seconds"})
    try:
        w = web.__class__(rig, tempfile.mkdtemp())
        dropped = []
        for _ in range(48):
            rig.advance(1800)
            user = w.login("user")  # a session ends 15 minutes of device time after its last request
            dropped = [e for e in user.get(w.url + "/api/v1/module-events?count=50").json()["events"] if e["source"] == "post"]
            if dropped:
                break
        assert dropped, "a 1 MB cache filled within a day"
        assert dropped[0]["text"].startswith("Post cache full (1 MB): the oldest queued file") and dropped[0]["text"].endswith("deleted, never sent")
        rig.advance(3600)
        user = w.login("user")
        channel = user.get(w.url + "/api/v1/post").json()["channels"][1]
        assert 0 < channel["queued_bytes"] <= 1024 * 1024 and channel["sent"] == 0
        queue = sorted(os.listdir(os.path.join(rig.data_dir, "post1")))
        starts = [int(name.split("-")[0]) for name in queue]
        # What is kept is the newest run of post periods, none missing between them.
        assert starts == list(range(starts[0], starts[0] + 300 * len(starts), 300)), queue[:3]
        assert starts[-1] >= rig.clock_utc() - 600
        assert sum(os.path.getsize(os.path.join(rig.data_dir, "post1", n)) for n in queue) == channel["queued_bytes"]
    finally:
        rig.close()


def test_https_posts_are_checked_against_an_uploaded_ca(web, tmp_path):
    files = make_test_ca(str(tmp_path))
    rx = Receiver(tls=(files["server.pem"], files["server.key"]))
    rig = rig_posting_to({"post_channel_1.http_url": "https://127.0.0.1/post", "post_channel_1.http_port": rx.port,
                          "post_channel_1.meter_id": "tls-meter", "post_channel_1.http_token": "s3cret"},
                         {"data_log_1.timestamp_format": "UTC Seconds"})
    try:
        w = web.__class__(rig, tempfile.mkdtemp())
        admin = w.login("admin")
        ca_path = os.path.join(rig.data_dir, "post-ca.pem")
        # Without the private CA the server is not trusted, and Test says why.
        r = admin.post(w.url + "/api/v1/post/1/test").json()
        assert not r["ok"] and "certificate" in r["error"].lower(), r
        assert rx.posts == []
        # Malformed, truncated and oversized bundles are refused whole; nothing is written.
        pem = open(files["ca.pem"]).read()
        for body, words in [({"pem": "hello"}, "no PEM certificate"), ({"pem": pem[: len(pem) // 2]}, "not a whole X.509 certificate"),
                            ({"pem": pem + pem[:-40]}, "certificate 2 of 2"), ({"pem": pem * 101}, "at most 100"),
                            ({"pem": 5}, "give {"), ({"pem": pem, "extra": 1}, "give {"), ([pem], "give {")]:
            r = admin.put(w.url + "/api/v1/post/ca", json=body)
            assert r.status_code in (400, 413) and (r.status_code == 413 or words in r.json()["error"]), (words, r.status_code, r.text[:200])
            assert not os.path.exists(ca_path)
        assert admin.get(w.url + "/api/v1/post/ca").json() == {"present": False, "certificates": []}
        r = admin.put(w.url + "/api/v1/post/ca", json={"pem": pem})
        assert r.status_code == 200 and r.json()["certificates"] == ["/CN=AcuRev test CA"], r.text
        assert open(ca_path).read() == pem
        r = admin.post(w.url + "/api/v1/post/1/test").json()
        assert r["ok"] and r["status"] == 200, r
        rig.advance(16 * 60)
        bodies = [json.loads(p["body"]) for p in rx.posts if p["headers"].get("X-File-Name", "").find("-test") < 0]
        assert len(bodies) >= 2 and all(p["headers"]["Authorization"] == "Bearer s3cret" for p in rx.posts)
        rows = local_rows(rig)
        for b in bodies:
            assert b["device_name"] and len(b["timestamp"]) >= 4
            for i, t in enumerate(b["timestamp"]):  # over TLS the same values as the local log's rows
                assert [r["value"][i] for r in b["readings"]] == rows[t]
        admin = w.login("admin")  # the session ended with the 16 minutes
        assert admin.delete(w.url + "/api/v1/post/ca").status_code == 204 and not os.path.exists(ca_path)
    finally:
        rig.close()
        rx.close()
