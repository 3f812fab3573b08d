"""The trend log (web manual 6.4.1): the trend service stores real-time values every 15 s and
energy every minute from the data hub; the API answers the manual's time frames and intervals,
and a stale stretch (the meter not answering) is a gap, never zeros."""
import acurev_sim


def test_trend_rows_follow_the_readings_and_a_stale_stretch_is_a_gap(web):
    rig = acurev_sim.Rig({"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0}]})
    try:
        w = web.__class__(rig, __import__("tempfile").mkdtemp())
        rig.advance(300)
        user = w.login("user")
        va = rig.readings()["Va_V"]["value"]
        r = user.get(w.url + "/api/v1/trend/realtime", params={"key": "Va_V", "frame": "last_10_minutes", "interval": 15})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["unit"] == "V" and body["interval"] == 15 and len(body["points"]) == 40
        filled = [p for p in body["points"] if p["count"]]
        assert 17 <= len(filled) <= 21  # five minutes of 15 s samples
        assert all(abs(p["average"] - va) < 0.005 * va and p["minimum"] <= p["average"] <= p["maximum"] for p in filled)

        rig.power_off()
        rig.advance(120)  # stale after 30 s: nothing stored from then on
        rig.power_on()
        rig.advance(60)
        points = user.get(w.url + "/api/v1/trend/realtime", params={"key": "Va_V", "frame": "last_10_minutes", "interval": 15}).json()["points"]
        counts = [p["count"] for p in points]
        last_filled = max(i for i, n in enumerate(counts) if n)
        first_filled = min(i for i, n in enumerate(counts) if n)
        gap = [i for i in range(first_filled, last_filled) if counts[i] == 0]
        assert len(gap) >= 5, counts
        assert all(points[i]["average"] is None for i in gap)
        assert all(p["average"] > 100 for p in points if p["count"])  # never a zero for a stale value

        energy = user.get(w.url + "/api/v1/trend/energy", params={"key": "EP_IMP_kWh", "frame": "last_1_hour", "interval": 60}).json()
        deltas = [p["delta"] for p in energy["points"] if p["delta"] is not None]
        assert len(deltas) >= 6 and all(d >= 0 for d in deltas) and sum(deltas) > 0
    finally:
        rig.close()


def test_frames_and_intervals_as_the_manual_lists_them(web):
    user = web.login("user")
    url = web.url + "/api/v1/trend/realtime"
    assert user.get(url, params={"key": "Va_V", "frame": "last_1_hour", "interval": 15}).json()["error"] == \
        "interval 15 s is not one of last_1_hour's: 60 s"
    assert "not a realtime time frame" in user.get(url, params={"key": "Va_V", "frame": "last_year"}).json()["error"]
    assert user.get(web.url + "/api/v1/trend/energy", params={"key": "EP_IMP_kWh", "frame": "last_year", "interval": 86400}).status_code == 200
    assert "is not kept" in user.get(url, params={"key": "I001_A", "frame": "last_1_hour"}).json()["error"]
    assert "custom range needs" in user.get(url, params={"key": "Va_V", "frame": "custom", "start": 10, "end": 5, "interval": 60}).json()["error"]
    assert user.get(web.url + "/api/v1/trend/reactive", params={"key": "Va_V"}).status_code == 404
    assert web.client().get(url, params={"key": "Va_V", "frame": "last_1_hour"}).status_code == 401


def test_trendlog_management_makes_one_file_and_clear_logs_empties_the_trend(web):
    import gzip
    rig = acurev_sim.Rig({"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0}]})
    try:
        w = web.__class__(rig, __import__("tempfile").mkdtemp())
        rig.advance(600)
        admin = w.login("admin")
        info = admin.get(w.url + "/api/v1/trend").json()
        first, last = info["realtime"]["first"], info["realtime"]["last"]
        assert first and last - first >= 500 and "last_year" in info["frames"]["energy"] and "last_year" not in info["frames"]["realtime"]
        assert {"key": "Va_V", "name": "Phase A Line-to-Neutral Voltage", "unit": "V"} in info["realtime"]["keys"]
        body = {"kind": "realtime", "keys": ["Va_V", "P_kW"], "interval": 60, "start": first - first % 60, "end": last + 60}
        r = admin.post(w.url + "/api/v1/trend/file", json=body)
        assert r.status_code == 200, r.text
        made = r.json()
        assert made["name"].endswith("-1min.csv.gz") and made["name"].startswith("EHM")
        assert admin.get(w.url + "/api/v1/trend/file").json() == made
        csv = gzip.decompress(admin.get(w.url + "/api/v1/trend/file/download").content).decode().splitlines()
        assert csv[0] == "time,Va_V,P_kW" and len(csv) - 1 == -(-(body["end"] - body["start"]) // 60)
        q = admin.get(w.url + "/api/v1/trend/realtime", params={"key": "Va_V", "frame": "custom", "start": body["start"], "end": body["end"],
                                                               "interval": 60}).json()["points"]
        for line, p in zip(csv[1:], q):
            cell = line.split(",")[1]
            assert (cell == "") == (p["average"] is None) and (cell == "" or float(cell) == p["average"])
        r = admin.post(w.url + "/api/v1/trend/file", json=dict(body, interval=3600))  # a new file replaces the old one
        assert r.status_code == 200 and r.json()["name"].endswith("-1h.csv.gz")
        assert made["name"] not in __import__("os").listdir(rig.data_dir)
        for bad, words in [(dict(body, interval=15), "Log Interval"), (dict(body, keys=["I001_A"]), "not kept"), (dict(body, end=body["start"]), "before")]:
            r = admin.post(w.url + "/api/v1/trend/file", json=bad)
            assert r.status_code == 400 and words in r.json()["error"], r.text
        assert w.login("user").post(w.url + "/api/v1/trend/clear").status_code == 403
        assert admin.post(w.url + "/api/v1/trend/clear").status_code == 204
        after = admin.get(w.url + "/api/v1/trend").json()
        assert after["realtime"]["first"] is None and after["energy"]["first"] is None
        assert admin.get(w.url + "/api/v1/trend/file").status_code == 404
    finally:
        rig.close()
