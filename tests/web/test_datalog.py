"""The data loggers (web manual 7.5) and the Data Log page's API (6.4.2): the schema's rules in the
manual's words, gzip CSV files with the columns, timestamps and values the settings say, named
as the file-name format says, listed, downloaded and deleted; a torn last row (a power cut) cut
off at the next boot; a full disk stops logging and it resumes when space returns."""
import gzip
import os
import tempfile
import time

import acurev_sim

LOGGERS = {
    "data_log_1.enable": True,
    "data_log_1.parameters": ["Va_V", "Ia_A", "Freq_Hz", "DI01_Count"],
    "data_log_1.interval": 15,
    "data_log_1.timestamp_format": "UTC Seconds",
    "data_log_1.local_file_length": 3600,
    "data_log_2.enable": True,
    "data_log_2.parameters": ["EP_IMP_kWh", "Va_V"],
    "data_log_2.interval": 60,
    "data_log_2.timestamp_format": "ISO8601 Format",
    "data_log_2.file_name_format": "UTC Timestamp",
    "data_log_2.local_prefix": "energy",
    "data_log_3.enable": True,
    "data_log_3.parameters": ["Va_V"],
    "data_log_3.interval": 900,
    "data_log_3.post_file_length": 900,
    "data_log_3.local_file_length": 86400,
}


def logging_rig():
    return acurev_sim.Rig({"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0, "pf": 1.0}], "settings": LOGGERS})


def rows_of(path):
    with gzip.open(path, "rt") as f:
        lines = f.read().splitlines()
    return lines[0].split(","), [line.split(",") for line in lines[1:]]


def test_the_schema_enforces_the_manuals_rules_in_its_words(web):
    admin = web.login("admin")

    def refused(changes):
        r = admin.put(web.url + "/api/v1/settings", json=changes)
        assert r.status_code == 400, r.text
        return " | ".join(r.json()["errors"])

    assert "Data Log 1 Log Interval must be at least 1 minute for energy, demand and power quality readings (EP_IMP_kWh), got 15 seconds" in refused(
        {"data_log_1.parameters": ["Va_V", "EP_IMP_kWh"], "data_log_1.interval": 15})
    assert "at least 15 seconds for real-time and I/O readings (Va_V), got 5 seconds" in refused({"data_log_1.parameters": ["Va_V"], "data_log_1.interval": 5})
    assert "Data Log 2 Post File Length must be a whole number of log intervals (5 minutes), got 1 minute" in refused(
        {"data_log_2.parameters": ["Va_V"], "data_log_2.interval": 300, "data_log_2.post_file_length": 60})
    assert "Local Log File Length must be a whole number of log intervals (1 day), got 1 hour" in refused(
        {"data_log_1.parameters": ["Va_V"], "data_log_1.interval": 86400, "data_log_1.local_file_length": 3600, "data_log_1.post_file_length": 86400})
    assert "Post Channel 2 is not enabled (only an enabled post channel can be selected)" in refused({"data_log_3.post_channel": 2})
    assert "Data Log 1 is enabled with no parameters" in refused({"data_log_1.enable": True})
    assert "Log File Name Prefix must be text of 1-40 characters" in refused({"data_log_1.prefix": "x" * 41})
    assert "must hold parameter keys" in refused({"data_log_1.parameters": ["Va_V", "NoSuchKey_V"]})
    assert "holds 'Va_V' twice" in refused({"data_log_1.parameters": ["Va_V", "Va_V"]})
    assert "must be a list" in refused({"data_log_1.parameters": "Va_V"})
    assert "HTTP/HTTPS URL must begin with http:// or https://, got 'ftp://x'" in refused(
        {"post_channel_1.enable": True, "post_channel_1.http_url": "ftp://x"})
    # A channel in use cannot be disabled, and the message names its loggers (7.6).
    ok = admin.put(web.url + "/api/v1/settings", json={"post_channel_2.enable": True, "post_channel_2.http_url": "http://127.0.0.1:9/p"})
    assert ok.status_code == 200, ok.text
    assert admin.put(web.url + "/api/v1/settings", json={"data_log_1.post_channel": 2, "data_log_3.post_channel": 2}).status_code == 200
    assert "Post Channel 2 cannot be disabled while in use. (Used by Data Log 1, Data Log 3)" in refused({"post_channel_2.enable": False})
    # Nothing of a refused change was kept.
    assert admin.put(web.url + "/api/v1/settings", json={"data_log_1.post_channel": 0, "data_log_3.post_channel": 0, "post_channel_2.enable": False}).status_code == 200
    params = admin.get(web.url + "/api/v1/datalog/parameters").json()["parameters"]
    by_key = {p["key"]: p for p in params}
    assert by_key["Va_V"]["minimum_interval"] == 15 and by_key["EP_IMP_kWh"]["minimum_interval"] == 60 and "io" in by_key["DI01_Count"]["groups"]


def test_loggers_write_the_files_the_settings_say():
    rig = logging_rig()
    try:
        rig.advance(2 * 3600 + 30)
        readings = rig.readings()
        serial_files = sorted(os.listdir(os.path.join(rig.data_dir, "logs")))
        one = [f for f in serial_files if "-logger1-" in f]
        two = [f for f in serial_files if "-energy-" in f]
        three = [f for f in serial_files if "-logger3-" in f]
        # Logger 1: 1 h files in Time Interval Format, UTC seconds every 15 s.
        assert len(one) >= 2 and all(f.endswith("-15sec-backup.csv.gz") for f in one), one
        rows_total = 0
        previous = None
        for name in one:
            header, rows = rows_of(os.path.join(rig.data_dir, "logs", name))
            assert header == ["Time", "Va_V", "Ia_A", "Freq_Hz", "DI01_Count"]
            for r in rows:
                t = int(r[0])
                assert t % 15 == 0
                if previous is not None:
                    assert t == previous + 15, (name, t, previous)  # no gap, no duplicate
                previous = t
            rows_total += len(rows)
            # The name is the start of its hour, with the device's offset (UTC here).
            hour = int(rows[0][0]) // 3600 * 3600
            assert name.endswith("-logger1-" + time.strftime("%Y-%m-%dT%H-%M-%S+0000", time.gmtime(hour)) + "-15sec-backup.csv.gz"), name
        assert rows_total >= 2 * 3600 // 15 - 2
        last = rows_of(os.path.join(rig.data_dir, "logs", one[-1]))[1][-1]
        assert abs(float(last[1]) - readings["Va_V"]["value"]) <= 1e-3 * readings["Va_V"]["value"]
        assert abs(float(last[2]) - readings["Ia_A"]["value"]) <= 2e-3 * readings["Ia_A"]["value"]
        assert float(last[4]) == readings["DI01_Count"]["value"]
        # Logger 2: UTC Timestamp file names, ISO 8601 rows every minute, energy rising.
        stamp = two[0].split("-energy-")[1].split("-")[0]
        assert len(two) == 1 and stamp.isdigit() and int(stamp) % 86400 == 0, two  # the UTC start of its (local) day
        header, rows = rows_of(os.path.join(rig.data_dir, "logs", two[0]))
        assert header == ["Time", "EP_IMP_kWh", "Va_V"]
        assert all(len(r[0]) == 25 and r[0][10] == "T" and r[0][19] in "+-" and r[0].endswith(":00") for r in rows), rows[:2]
        energy = [float(r[1]) for r in rows]
        assert energy == sorted(energy) and energy[-1] > energy[0]
        assert abs(energy[-1] - readings["EP_IMP_kWh"]["value"]) <= 0.01 * readings["EP_IMP_kWh"]["value"] + 0.1
        # Logger 3: local time strings every 15 minutes.
        header, rows = rows_of(os.path.join(rig.data_dir, "logs", three[0]))
        assert len(rows) >= 7 and all(len(r[0]) == 19 and r[0][10] == " " and r[0][14:] in ("00:00", "15:00", "30:00", "45:00") for r in rows)
    finally:
        rig.close()


def test_the_data_log_page_lists_downloads_and_deletes_files(web):
    rig = logging_rig()
    try:
        w = web.__class__(rig, tempfile.mkdtemp())
        rig.advance(3600 + 60)
        user, admin = w.login("user"), w.login("admin")
        loggers = user.get(w.url + "/api/v1/datalog").json()["loggers"]
        files = {f["name"]: f for f in loggers[1]["files"]}
        assert len(files) >= 2 and loggers[2]["files"] and loggers[3]["files"]
        for name, f in files.items():
            on_disk = os.path.join(rig.data_dir, "logs", name)
            assert f["size"] == os.path.getsize(on_disk) and isinstance(f["updated"], int)
            body = user.get(w.url + "/api/v1/datalog/files/" + name)
            assert body.status_code == 200 and body.content == open(on_disk, "rb").read()
            assert body.headers["Content-Type"] == "application/gzip"
        assert user.get(w.url + "/api/v1/datalog/files/nothing.csv.gz").status_code == 404
        assert user.get(w.url + "/api/v1/datalog/files/..%2Fsettings.json").status_code in (400, 404)
        victim = sorted(files)[0]
        # Users read; only Admin deletes. A selection with one unknown name deletes nothing.
        assert user.post(w.url + "/api/v1/datalog/delete", json={"files": [victim]}).status_code == 403
        r = admin.post(w.url + "/api/v1/datalog/delete", json={"files": [victim, "../settings.json"]})
        assert r.status_code == 400 and "is not a data log file name" in r.json()["error"]
        assert os.path.exists(os.path.join(rig.data_dir, "logs", victim))
        for bad in ({"files": []}, {"files": "x"}, {"files": [1]}, [], {"files": ["a"] * 10001}):
            assert admin.post(w.url + "/api/v1/datalog/delete", json=bad).status_code == 400
        assert admin.post(w.url + "/api/v1/datalog/delete", json={"files": [victim]}).json() == {"deleted": 1}
        assert not os.path.exists(os.path.join(rig.data_dir, "logs", victim))
        names = {f["name"] for f in user.get(w.url + "/api/v1/datalog").json()["loggers"][1]["files"]}
        assert victim not in names
    finally:
        rig.close()


def test_a_torn_last_row_is_cut_off_at_boot_and_a_full_disk_pauses_logging(web):
    rig = logging_rig()
    try:
        w = web.__class__(rig, tempfile.mkdtemp())
        rig.advance(120)
        logs = os.path.join(rig.data_dir, "logs")
        current = sorted(f for f in os.listdir(logs) if "-logger1-" in f)[-1]
        path = os.path.join(logs, current)
        with open(path, "ab") as f:
            f.write(gzip.compress(b"1,2,3,4,5\n")[:15])  # a member torn by a power cut
        admin = w.login("admin")
        assert admin.post(w.url + "/api/v1/reboot", json={"target": "module"}).status_code == 202
        rig.advance(5)
        w = web.__class__(rig, tempfile.mkdtemp())
        rig.advance(60)
        header, rows = rows_of(path)  # readable whole again
        assert len(rows) >= 9 and all(len(r) == 5 for r in rows)
        times = [int(r[0]) for r in rows]
        assert times == sorted(set(times))  # the interval running at the reboot is not written twice
        # A full disk: rows are lost and said so; logging resumes when space returns.
        rig.set_disk_full(True)
        rig.advance(60)
        states = {s["name"]: s for s in w.login("admin").get(w.url + "/api/v1/services").json()["services"]}
        assert "rows not written" in states["datalog"]["detail"] and "No space left" in states["datalog"]["detail"]
        rig.set_disk_full(False)
        before = len(rows_of(path)[1])
        rig.advance(60)
        assert len(rows_of(path)[1]) >= before + 3
        # The module's event log says when logging stopped and that it resumed, with the rows lost.
        log = module_events(w)
        texts = [e["text"] for e in log["events"]]
        assert any(t.startswith("Data Log 1: logging stopped, the disk is full") for t in texts), texts
        resumed = [t for t in texts if t.startswith("Data Log 1: logging resumed; ")]
        assert resumed and int(resumed[0].split("; ")[1].split()[0]) >= 3, texts
        assert log["unsaved"] >= 1  # the stop could not reach the full disk, the resume did
        with open(os.path.join(rig.data_dir, "module-events.log")) as f:
            assert "logging resumed" in f.read()
    finally:
        rig.close()


def module_events(w):
    return w.login("user").get(w.url + "/api/v1/module-events?count=50").json()


def test_across_clock_steps_and_a_dst_change_time_only_moves_forward_and_names_carry_the_offset(web):
    import datetime
    settings = {"data_log_1.enable": True, "data_log_1.parameters": ["Va_V"], "data_log_1.interval": 15,
                "data_log_1.timestamp_format": "ISO8601 Format", "data_log_1.local_file_length": 3600,
                "data_log_2.enable": True, "data_log_2.parameters": ["Va_V"], "data_log_2.interval": 60,
                "data_log_2.timestamp_format": "Local Time String", "data_log_2.file_name_format": "UTC Timestamp",
                "data_log_2.local_file_length": 3600}
    rig = acurev_sim.Rig({"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0, "pf": 1.0}], "settings": settings})
    try:
        w = web.__class__(rig, tempfile.mkdtemp())
        rig.set_clock(zone_minutes=-300, dst=False)  # UTC-5, standard time
        rig.advance(20 * 60)
        rig.set_clock(utc=rig.clock_utc() + 2 * 3600)  # set forward two hours
        rig.advance(20 * 60)
        last_before_back = rig.clock_utc()
        rig.set_clock(utc=rig.clock_utc() - 3600)  # set back an hour: nothing until it passes the last row
        rig.advance(30 * 60)
        logs = os.path.join(rig.data_dir, "logs")
        assert max(datetime.datetime.fromisoformat(r[0]).timestamp() for f in os.listdir(logs) if "-logger1-" in f
                   for r in rows_of(os.path.join(logs, f))[1]) <= last_before_back
        texts = [e["text"] for e in module_events(w)["events"]]
        assert any(t.startswith("Data Log 1: the device clock went back behind the last row") for t in texts), texts
        rig.advance(40 * 60)  # past the last row again
        rig.set_clock(dst=True)  # DST starts: UTC-4
        rig.advance(90 * 60)
        readings = rig.readings()

        one = sorted(f for f in os.listdir(logs) if "-logger1-" in f)
        stamps = []
        offsets_in_names = set()
        for name in one:
            header, rows = rows_of(os.path.join(logs, name))
            assert header == ["Time", "Va_V"]
            first = datetime.datetime.fromisoformat(rows[0][0])
            # The name: the local start of the file's hour with the UTC offset in force when it began.
            start = first.replace(minute=0, second=0)
            offset = first.strftime("%z")
            assert name.endswith(f"-logger1-{start.strftime('%Y-%m-%dT%H-%M-%S')}{offset}-15sec-backup.csv.gz"), (name, rows[0][0])
            offsets_in_names.add(offset)
            for r in rows:
                t = datetime.datetime.fromisoformat(r[0])
                assert t.second % 15 == 0
                stamps.append(t.timestamp())
                assert abs(float(r[1]) - readings["Va_V"]["value"]) <= 1e-3 * readings["Va_V"]["value"]
        assert offsets_in_names == {"-0500", "-0400"}, one
        assert stamps == sorted(stamps) and len(stamps) == len(set(stamps)), "time only moves forward, no row twice"
        gaps = [b - a for a, b in zip(stamps, stamps[1:]) if b - a != 15]
        # One gap: the two hours stepped over. After the step back the rows go on from the last one
        # written, once the clock passes it again.
        assert len(gaps) == 1 and gaps[0] == 2 * 3600 + 15, gaps

        # Logger 2 names its files by the UTC seconds of their start and stamps rows with local time.
        two = sorted(f for f in os.listdir(logs) if "-logger2-" in f)
        for name in two:
            start = int(name.split("-logger2-")[1].split("-")[0])
            assert start % 3600 == 0, name
            header, rows = rows_of(os.path.join(logs, name))
            assert all(len(r[0]) == 19 and r[0][10] == " " and r[0].endswith(":00") for r in rows)
        assert len(two) == len(set(two))
    finally:
        rig.close()
