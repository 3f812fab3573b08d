"""Manual firmware update (web manual 10.1, docs/update.md) through the web API of a rig whose
factory key was made here with acurev-pkg: a package is refused with the reason and nothing in the
slot when it is signed by another key, for another model, older, truncated or needing a newer
running version; a good one is "ready for processing", Process reboots into it on trial and it is
confirmed once healthy; a trial that is not healthy within the window falls back to the confirmed
slot; Cancel empties the slot; a module without a key refuses every package."""
import json
import os
import subprocess
import tempfile

import pytest

import acurev_sim
from conftest import LOAD, Web

BIN = os.environ["ACUREV_BIN"]


def pkg(*args):
    r = subprocess.run([os.path.join(BIN, "acurev-pkg"), *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def keys():
    with tempfile.TemporaryDirectory() as d:
        pkg("keygen", os.path.join(d, "k"))
        pkg("keygen", os.path.join(d, "other"))
        image = os.path.join(d, "image.bin")
        with open(image, "wb") as f:
            f.write(os.urandom(300_000))
        yield {"dir": d, "pub": os.path.join(d, "k", "signing.pub"), "key": os.path.join(d, "k", "signing.key"),
               "other": os.path.join(d, "other", "signing.key"), "image": image}


def package(keys, version, key=None, model="AcuRev 2100-WEB2", min_version="0.0.0"):
    out = os.path.join(keys["dir"], f"{version}-{os.urandom(3).hex()}.a2up")
    pkg("build", "--key", key or keys["key"], "--model", model, "--version", version, "--min-version", min_version,
        "--payload", keys["image"], "--out", out)
    return open(out, "rb").read()


def upload(admin, web, body):
    return admin.post(web.url + "/api/v1/firmware/upload", data=body, headers={"Content-Type": "application/octet-stream"})


def state(web):
    return web.login("user").get(web.url + "/api/v1/firmware").json()


def events(web):
    return [e["text"] for e in web.login("user").get(web.url + "/api/v1/module-events").json()["events"] if e["source"] == "update"]


def test_refused_packages_leave_the_slot_empty_and_a_good_one_boots_on_trial_and_is_confirmed(keys, tmp_path):
    rig = acurev_sim.Rig({**LOAD, "update": {"public_key": keys["pub"]}})
    try:
        rig.advance(4)
        web = Web(rig, str(tmp_path))
        s = state(web)
        assert s["running"] == "0.1.0" and s["booted_slot"] == "a" and s["update_key_installed"] is True
        admin = web.login("admin")
        refusals = [
            (package(keys, "1.4.2", key=keys["other"]), "signature does not verify"),
            (package(keys, "1.4.2", model="AcuRev 2100-WEB3"), "the package is for AcuRev 2100-WEB3"),
            (package(keys, "0.0.9"), "is not newer than the running 0.1.0"),
            (package(keys, "1.4.2", min_version="0.5.0"), "updates from 0.5.0 or later"),
            (package(keys, "1.4.2")[:-5000], "truncated"),
            (b"PK\x03\x04 not a package", "not an .a2up package"),
        ]
        for body, reason in refusals:
            r = upload(admin, web, body)
            assert r.status_code == 400 and reason in r.json()["error"], (reason, r.text)
            s = state(web)
            assert s["state"] == "failed" and s["slots"][1] == {"name": "b", "version": None, "size": 0}, s
        slot_b = os.path.join(rig_data_dir(rig), "boot", "slot-b.img")
        assert not os.path.exists(slot_b) or os.path.getsize(slot_b) == 0  # nothing half-written
        assert admin.post(web.url + "/api/v1/firmware/process").status_code == 409  # nothing ready

        r = upload(admin, web, package(keys, "1.4.2"))
        assert r.status_code == 200 and r.json()["message"] == "Firmware file is ready for processing", r.text
        assert r.json()["package"]["version"] == "1.4.2" and r.json()["slots"][1]["version"] == "1.4.2"
        with open(keys["image"], "rb") as f, open(os.path.join(rig_data_dir(rig), "boot", "slot-b.img"), "rb") as g:
            assert f.read() == g.read()  # the payload as built, in the slot the module did not boot from
        assert admin.post(web.url + "/api/v1/firmware/process").status_code == 202
        rig.advance(1)  # the reboot
        s = state(web)
        assert s["running"] == "1.4.2" and s["booted_slot"] == "b" and s["trial"] is True, s
        rig.advance(10)  # services up, the board answering: confirmed
        s = state(web)
        assert s["trial"] is False and s["confirmed_slot"] == "b", s
        about = web.login("user").get(web.url + "/api/v1/device").json()
        assert "1.4.2" in json.dumps(about)
        text = events(web)
        assert any("in slot b: ready for processing" in t for t in text)
        assert any("confirmed on slot b" in t for t in text)
        assert sum("refused" in t for t in text) == len(refusals)

        # A trial that never becomes healthy (the board is off) falls back after the window.
        admin = web.login("admin")
        assert upload(admin, web, package(keys, "1.5.0")).status_code == 200
        rig.power_off()
        assert admin.post(web.url + "/api/v1/firmware/process").status_code == 202
        rig.advance(1)
        assert state(web)["running"] == "1.5.0" and state(web)["trial"] is True
        rig.advance(310)  # past the 5 min window: rebooted, the record fell back
        rig.advance(1)
        s = state(web)
        assert s["running"] == "1.4.2" and s["booted_slot"] == "b" and s["trial"] is False, s
        assert s["last_boot"] == "fell back to slot b: slot a was not confirmed"
        assert any("not healthy within 5 min (the metering board does not answer)" in t for t in events(web))
        rig.power_on()
        rig.advance(5)

        # Cancel empties the slot again.
        admin = web.login("admin")
        assert upload(admin, web, package(keys, "1.6.0")).status_code == 200
        s = admin.post(web.url + "/api/v1/firmware/cancel").json()
        assert s["state"] == "idle" and s["slots"][0] == {"name": "a", "version": None, "size": 0}
    finally:
        rig.close()


def rig_data_dir(rig):
    return rig.data_dir


def test_a_module_without_an_update_key_refuses_every_package(keys, tmp_path):
    rig = acurev_sim.Rig(LOAD)
    try:
        rig.advance(4)
        web = Web(rig, str(tmp_path))
        assert state(web)["update_key_installed"] is False
        r = upload(web.login("admin"), web, package(keys, "1.4.2"))
        assert r.status_code == 400 and "no update key is installed" in r.json()["error"]
        assert web.login("user").post(web.url + "/api/v1/firmware/upload", data=b"x").status_code == 403  # Admin only
    finally:
        rig.close()


def release_server(keys, folder, releases, corrupt=None):
    """An update server's folder: index.json listing `releases` [(version, critical)] and their packages."""
    entries = []
    for version, critical in releases:
        body = bytearray(package(keys, version))
        if version == corrupt:
            body[-100] ^= 0x01
        name = f"acurev-{version}.a2up"
        with open(os.path.join(folder, name), "wb") as f:
            f.write(bytes(body))
        entries.append({"version": version, "critical": critical, "url": name, "notes": f"release {version}"})
    with open(os.path.join(folder, "index.json"), "w") as f:
        json.dump({"model": "AcuRev 2100-WEB2", "releases": entries}, f)


def test_remote_update_checks_the_server_over_https_and_downloads_into_the_slot(keys, tmp_path):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
    from https_files import FileServer
    from test_ca import make_test_ca
    ca_dir, site = tmp_path / "ca", tmp_path / "site"
    ca_dir.mkdir()
    site.mkdir()
    ca = make_test_ca(str(ca_dir))
    release_server(keys, str(site), [("1.3.0", True), ("2.0.0", False), ("2.1.0", False)], corrupt="2.1.0")
    with FileServer(str(site), ca["server.pem"], ca["server.key"]) as server:
        rig = acurev_sim.Rig({**LOAD, "update": {"public_key": keys["pub"]}})
        try:
            rig.advance(4)
            web = Web(rig, str(tmp_path))
            admin = web.login("admin")
            check = lambda: admin.post(web.url + "/api/v1/firmware/check")  # noqa: E731
            r = check()
            assert r.status_code == 502 and "no Update Server URL" in r.json()["error"]
            assert rig.change_settings({"update.server_url": "https://firmware.example.com/acurev/index.json"}) == []
            r = check()
            assert r.status_code == 502 and "refused" in r.json()["error"], r.text  # the simulator contacts no outside host
            assert rig.change_settings({"update.server_url": server.url + "/index.json"}) == []
            r = check()
            assert r.status_code == 502 and "did not answer" in r.json()["error"]  # the test CA is not trusted yet
            with open(ca["ca.pem"]) as f, open(os.path.join(rig.data_dir, "update-ca.pem"), "w") as g:
                g.write(f.read())
            r = check()
            assert r.status_code == 200 and r.json()["available"] is True and r.json()["offer"]["version"] == "2.1.0", r.text
            # 2.1.0 is corrupted on the server: refused at its end, the slot left empty.
            r = admin.post(web.url + "/api/v1/firmware/download")
            assert r.status_code == 400 and "SHA-256" in r.json()["error"], r.text
            assert state(web)["slots"][1]["version"] is None
            assert rig.change_settings({"update.server_url": server.url + "/index.json"}) == []
            os.remove(os.path.join(str(site), "acurev-2.1.0.a2up"))
            release_server(keys, str(site), [("1.3.0", True), ("2.0.0", False)])
            r = check()
            assert r.json()["offer"]["version"] == "2.0.0"
            r = admin.post(web.url + "/api/v1/firmware/download")
            assert r.status_code == 202, r.text
            assert "/acurev-2.0.0.a2up" in server.requests
            rig.advance(1)
            rig.advance(10)
            s = state(web)
            assert s["running"] == "2.0.0" and s["trial"] is False and s["confirmed_slot"] == "b", s
            r = web.login("admin").post(web.url + "/api/v1/firmware/check")
            assert r.status_code == 200 and r.json()["available"] is False
        finally:
            rig.close()


def test_auto_update_critical_only_takes_the_critical_release_inside_the_check_hour(keys, tmp_path):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
    from https_files import FileServer
    release_server(keys, str(tmp_path), [("1.3.0", True), ("2.0.0", False)])
    with FileServer(str(tmp_path)) as server:
        settings = {"update.server_url": server.url + "/index.json", "update.auto": 1, "update.check_hour": 3}
        rig = acurev_sim.Rig({**LOAD, "update": {"public_key": keys["pub"]}, "settings": settings, "start_time": 1780015800})  # 00:50 UTC
        try:
            rig.advance(60 * 60)  # 01:50: outside the hour, nothing asked
            assert server.requests == []
            rig.advance(3 * 60 * 60)  # through 3-4 am: checked once, 1.3.0 (critical) taken, 2.0.0 not
            web = Web(rig, str(tmp_path))
            s = state(web)
            assert s["running"] == "1.3.0" and s["trial"] is False, s
            assert server.requests.count("/index.json") == 1 and "/acurev-2.0.0.a2up" not in server.requests
            assert any("automatic update (critical only) to 1.3.0" in t for t in events(web))
        finally:
            rig.close()
