"""Config Management (web manual 11, docs/config.md) through the web API of rigs sharing a device
family key made here: backup → export → import on a second rig → apply gives exactly the settings
the manual carries and leaves the ones it excepts as they were; the exported file holds no password
in clear; an 11th configuration and a duplicate import are refused with the manual's message; a
file from a higher firmware version is refused; a file of an older schema migrates; malformed,
truncated, oversized, nested and altered files are refused and nothing is kept."""
import base64
import hashlib
import json
import os
import re

import pytest

import acurev_sim
from conftest import LOAD, Web

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "config.md")

# Carried: set on the first rig, expected on the second after the import.
CARRIED = {
    "device.description": "Site A",
    "meter.wiring": "2LN",
    "meter.ct_ratio_1": 200,
    "network.modbus_tcp_port": 5020,
    "time.ntp_poll_interval": 2048,
    "data_log_1.prefix": "siteA",
    "post_channel_1.http_password": "Http-Pass-1a2b",
    "post_channel_1.http_token": "Bearer-Token-3c4d",
    "post_channel_2.ftp_password": "Ftp-Pass-5e6f",
    "post_channel_3.sftp_password": "Sftp-Pass-7a8b",
    "mqtt.username": "meterA",
    "mqtt.password": "Mqtt-Pass-9c0d",
    "bacnet.device_name": "SiteA_BAC",
    "bacnet.dcc_password": "Dcc-Pass-e1f2",
    "snmp.community": "sitea-community",
}
SECRETS = [v for k, v in CARRIED.items() if "password" in k or "token" in k]
# Left alone: each rig keeps its own.
EXCEPTED_A = {"network.http_port": 6080, "acucloud.token": "Cloud-Token-A1", "mqtt.client_id": "clientA", "network.modbus_tcp_idle_timeout": 120}
EXCEPTED_B = {"network.http_port": 6081, "acucloud.token": "Cloud-Token-B2", "mqtt.client_id": "clientB", "network.modbus_tcp_idle_timeout": 300}


def rules():
    """The table of docs/config.md: (prefix, carried), first match wins."""
    out = []
    for m in re.finditer(r"^\| `([^`]+)` \| (carried|left alone) \|", open(DOCS).read(), re.M):
        out.append((m.group(1), m.group(2) == "carried"))
    assert out
    return out


def carried(key, table):
    for prefix, inc in table:
        if (key.startswith(prefix) if prefix[-1] in "._" else key == prefix):
            return inc
    raise AssertionError("unclassified setting " + key)


def integrity(doc):
    body = {k: v for k, v in doc.items() if k != "integrity"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    path = tmp_path_factory.mktemp("family") / "family.key"
    path.write_text(os.urandom(32).hex() + "\n")
    return str(path)


def make_rig(family):
    rig = acurev_sim.Rig({**LOAD, "update": {"family_key": family}})
    rig.advance(4)
    return rig


def configs(admin, web):
    r = admin.get(web.url + "/api/v1/config")
    assert r.status_code == 200, r.text
    return [c["name"] for c in r.json()["configurations"]]


def imp(admin, web, body):
    return admin.post(web.url + "/api/v1/config/import", data=body, headers={"Content-Type": "application/octet-stream"})


def test_backup_export_import_apply_carries_exactly_the_listed_settings(family, tmp_path):
    with make_rig(family) as a:
        assert a.change_settings({**CARRIED, **EXCEPTED_A}) == []
        web = Web(a, str(tmp_path))
        admin = web.login()
        r = admin.post(web.url + "/api/v1/config/backup", json={"description": "Test1"})
        assert r.status_code == 200, r.text
        name = r.json()["name"]
        assert re.fullmatch(r"[A-Za-z0-9_-]+-v\d+\.\d+\.\d+-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d[+-]\d{4}\.conf\.ehm", name), name
        detail = admin.get(web.url + "/api/v1/config/" + name).json()
        assert detail["model"] == "AcuRev 2100-WEB2" and detail["description"] == "Test1"
        assert detail["serial"] and detail["firmware_version"] and detail["created"]
        r = admin.get(web.url + "/api/v1/config/" + name + "/file")
        assert r.status_code == 200 and name in r.headers["Content-Disposition"]
        exported = r.content
        settings_a = a.settings()
    # No secret in clear, nor in base64 or hex of it.
    for s in SECRETS + [EXCEPTED_A["acucloud.token"]]:
        for form in (s.encode(), base64.b64encode(s.encode()), s.encode().hex().encode()):
            assert form not in exported, s
    doc = json.loads(exported)
    assert doc["integrity"] == integrity(doc)
    assert "mqtt.password" not in doc["settings"] and doc["secrets"]["cipher"] == "AES-256-GCM"

    table = rules()
    with make_rig(family) as b:
        assert b.change_settings(EXCEPTED_B) == []
        before = b.settings()
        web = Web(b, str(tmp_path))
        admin = web.login()
        r = imp(admin, web, exported)
        assert r.status_code == 200, r.text
        assert r.json()["message"] == "Configuration file import successful"
        assert configs(admin, web) == [name]
        r = admin.post(web.url + "/api/v1/config/" + name + "/apply")
        assert r.status_code == 200, r.text
        answer = r.json()
        assert answer["reboot_required"] and "post_channel_1.http_password" in answer["pending_reboot"]
        after = b.settings()
        for key in after:
            if carried(key, table):
                assert after[key] == settings_a[key], key
            else:
                assert after[key] == before[key], key
        for k, v in CARRIED.items():
            assert after[k] == settings_a[k]
        for k, v in EXCEPTED_B.items():
            assert after[k] == v
        # "Reboot now": the pending settings take effect and nothing is pending after.
        assert admin.post(web.url + "/api/v1/reboot", json={"target": "module"}).status_code == 202
        b.advance(5)
        admin = Web(b, str(tmp_path)).login()
        assert admin.get(b.web_url + "/api/v1/pending-reboot").json()["keys"] == []
        assert b.settings()["post_channel_1.http_password"] == CARRIED["post_channel_1.http_password"]


def test_an_eleventh_configuration_and_a_duplicate_import_are_refused(family, tmp_path):
    with make_rig(family) as rig:
        web = Web(rig, str(tmp_path))
        admin = web.login()
        names = []
        for i in range(10):
            r = admin.post(web.url + "/api/v1/config/backup", json={"description": f"backup {i}"})
            assert r.status_code == 200, r.text
            names.append(r.json()["name"])
            rig.advance(1)  # a backup a second: the time created names the file
        assert sorted(names) == configs(admin, web)
        r = admin.post(web.url + "/api/v1/config/backup", json={"description": "the 11th"})
        assert r.status_code == 409 and r.json()["error"] == "Cannot have more than 10 configurations"
        exported = admin.get(web.url + "/api/v1/config/" + names[0] + "/file").content
        r = imp(admin, web, exported)
        assert r.status_code == 409 and r.json()["error"] == "Cannot import a file that already exists in the List of Local Configurations"
        assert admin.delete(web.url + "/api/v1/config/" + names[0]).status_code == 200
        assert len(configs(admin, web)) == 9
        r = imp(admin, web, exported)  # no longer a duplicate
        assert r.status_code == 200, r.text
        # Full again: another file is refused with the manual's message.
        doc = json.loads(exported)
        doc["header"]["created"] = "2020-01-01T00:00:00+0000"
        doc.pop("secrets")
        doc["integrity"] = integrity(doc)
        r = imp(admin, web, json.dumps(doc).encode())
        assert r.status_code == 409 and r.json()["error"] == "Cannot have more than 10 configurations"
        assert len(configs(admin, web)) == 10


def test_a_file_from_a_higher_firmware_version_is_refused_and_an_older_schema_migrates(family, tmp_path):
    with make_rig(family) as rig:
        web = Web(rig, str(tmp_path))
        admin = web.login()
        name = admin.post(web.url + "/api/v1/config/backup", json={"description": "mine"}).json()["name"]
        doc = json.loads(admin.get(web.url + "/api/v1/config/" + name + "/file").content)
        version = doc["header"]["firmware_version"]
        major = int(version.split(".")[0])
        higher = dict(doc, header=dict(doc["header"], firmware_version=f"{major + 1}.0.0", created="2021-01-18T16:06:52-0500"))
        higher.pop("secrets")
        higher["integrity"] = integrity(higher)
        r = imp(admin, web, json.dumps(higher).encode())
        assert r.status_code == 409, r.text
        assert "higher firmware version" in r.json()["error"]
        assert configs(admin, web) == [name]
        # Schema version 1: flat keys, a float setting in two words (settings_schema.cpp migrate).
        old = {"format": "acurev-conf-ehm", "format_version": 1,
               "header": {"model": "AcuRev 2100-WEB2", "serial": "EHM20020009", "firmware_version": "0.0.1", "schema_version": 1,
                          "created": "2020-08-17T12:01:32-0700", "description": "from an old unit"},
               "settings": {"modbus_tcp_port": 5021, "device_description": "Old unit", "wiring": 4, "ct_primary_2": 300}}
        old["integrity"] = integrity(old)
        r = imp(admin, web, json.dumps(old).encode())
        assert r.status_code == 200, r.text
        old_name = r.json()["name"]
        assert old_name == "EHM20020009-v0.0.1-2020-08-17T12-01-32-0700.conf.ehm"
        r = admin.post(web.url + "/api/v1/config/" + old_name + "/apply")
        assert r.status_code == 200, r.text
        s = rig.settings()
        assert s["network.modbus_tcp_port"] == 5021 and s["device.description"] == "Old unit"
        assert s["meter.ct_ratio_2"] == 300
        assert s["meter.wiring"] in ("2LL", 4)
        # A v1 file with a value the validator refuses is refused whole at import.
        bad = dict(old, header=dict(old["header"], created="2020-08-17T12:01:33-0700"), settings={"modbus_tcp_port": 70000})
        bad["integrity"] = integrity(bad)
        r = imp(admin, web, json.dumps(bad).encode())
        assert r.status_code == 400 and "Modbus TCP Port" in r.json()["error"], r.text


def test_malformed_truncated_oversized_nested_and_altered_files_are_refused(family, tmp_path):
    with make_rig(family) as rig:
        web = Web(rig, str(tmp_path))
        admin = web.login()
        name = admin.post(web.url + "/api/v1/config/backup", json={"description": "x"}).json()["name"]
        good = admin.get(web.url + "/api/v1/config/" + name + "/file").content
        assert admin.delete(web.url + "/api/v1/config/" + name).status_code == 200
        doc = json.loads(good)
        altered = dict(doc, settings=dict(doc["settings"], **{"network.modbus_tcp_port": 5999}))
        excepted = dict(doc, settings=dict(doc["settings"], **{"network.https_port": 7000}))
        excepted["integrity"] = integrity(excepted)
        nested = b'{"format":"acurev-conf-ehm","settings":' + b"[" * 200 + b"]" * 200 + b"}"
        other_model = dict(doc, header=dict(doc["header"], model="AcuRev 1310"))
        other_model.pop("secrets")
        other_model["integrity"] = integrity(other_model)
        cases = {
            "garbage": b"\x00\xffnot a file",
            "json": b"[1, 2, 3]",
            "truncated": good[: len(good) // 2],
            "oversized": b'{"format":"acurev-conf-ehm","pad":"' + b"x" * (2 << 20) + b'"}',
            "nested": nested,
            "altered": json.dumps(altered).encode(),
            "excepted setting": json.dumps(excepted).encode(),
            "other model": json.dumps(other_model).encode(),
        }
        for what, body in cases.items():
            r = imp(admin, web, body)
            assert r.status_code in (400, 413), (what, r.status_code, r.text)
            if r.status_code == 400:
                assert r.json()["error"].startswith("configuration file refused") or r.json()["error"], what
            assert configs(admin, web) == [], what
        assert "integrity check does not match" in imp(admin, web, cases["altered"]).json()["error"]
        assert "network.https_port" in imp(admin, web, cases["excepted setting"]).json()["error"]
    # A rig of another family (or none) cannot open the sealed secrets.
    other = os.path.join(str(tmp_path), "other.key")
    open(other, "w").write(os.urandom(32).hex())
    with make_rig(other) as rig:
        web = Web(rig, str(tmp_path))
        r = imp(web.login(), web, good)
        assert r.status_code == 400 and "family" in r.json()["error"]
