"""Management through the API (web manual 8.1-8.3, 6.5): a reboot-pending setting until the
module reboots, passwords and their rules, the resets and I/O commands through the board, the
installation record and its PDF, the certificate download and upload."""
import os
import subprocess
import tempfile

import requests

import acurev_sim


def test_a_reboot_setting_stays_pending_until_the_module_reboots(web):
    rig = acurev_sim.Rig({"channels": [{"channel": 1, "current": 5.0}]})
    try:
        rig.advance(3)
        first = web.__class__(rig, tempfile.mkdtemp())
        admin = first.login("admin")
        new_port = first.port + 1 if first.port < 9999 else first.port - 1
        r = admin.put(first.url + "/api/v1/settings/network", json={"network.https_port": new_port})
        assert r.status_code == 200 and r.json()["pending_reboot"] == ["network.https_port"]
        assert admin.get(first.url + "/api/v1/pending-reboot").json() == {"keys": ["network.https_port"]}
        https = {s["key"]: s for s in admin.get(first.url + "/api/v1/settings/network").json()["settings"]}["network.https_port"]
        assert https["pending"] is True and https["value"] == new_port and https["applies"] == "reboot"
        assert admin.get(first.url + "/api/v1/readings").status_code == 200  # still served on the old port
        assert admin.post(first.url + "/api/v1/reboot", json={"target": "both"}).status_code == 400
        assert admin.post(first.url + "/api/v1/reboot", json={"target": "module"}).status_code == 202
        rig.advance(5)
        assert rig.web_url.endswith(":%d" % new_port)
        second = web.__class__(rig, tempfile.mkdtemp())
        assert second.cert_pem == first.cert_pem  # the certificate is kept in the data directory
        after = second.login("admin")
        assert after.get(second.url + "/api/v1/pending-reboot").json() == {"keys": []}
    finally:
        rig.close()


def test_password_rules_and_a_change(web):
    rig = acurev_sim.Rig(None)
    try:
        w = web.__class__(rig, tempfile.mkdtemp())
        admin = w.login("admin")
        url = w.url + "/api/v1/passwords"
        r = admin.put(url, json={"current_admin_password": "admin", "admin_password": "short"})
        assert r.status_code == 400 and r.json()["error"] == "Admin New Password must be 6 to 64 characters"
        r = admin.put(url, json={"current_admin_password": "admin", "user_password": "caf\u00e9-caf\u00e9"})
        assert r.status_code == 400 and "printable ASCII" in r.json()["error"]
        r = admin.put(url, json={"current_admin_password": "wrong", "admin_password": "long-enough"})
        assert r.status_code == 403
        r = admin.put(url, json={"current_admin_password": "admin", "admin_password": "s3cret-pw", "user_password": "reader-1"})
        assert r.status_code == 204, r.text
        assert admin.get(w.url + "/api/v1/readings").status_code == 401  # the sessions of changed levels end
        c = w.client()
        assert c.post(w.url + "/api/v1/session", json={"level": "admin", "password": "admin"}).status_code == 401
        me = w.login("admin", "s3cret-pw").get(w.url + "/api/v1/session").json()
        assert me["default_password"] is False
        w.login("user", "reader-1")
        # A wrong current password counts as a failed Admin login: a stolen session cannot guess it.
        admin = w.login("admin", "s3cret-pw")
        wrong = [admin.put(url, json={"current_admin_password": "guess%d" % i, "user_password": "reader-22"}).status_code for i in range(6)]
        assert wrong == [403] * 5 + [429]
        # Only salted hashes are kept.
        path = os.path.join(rig.data_dir, "credentials.json")
        assert os.stat(path).st_mode & 0o777 == 0o600 and os.stat(os.path.join(rig.data_dir, "web-key.pem")).st_mode & 0o777 == 0o600
        text = open(path).read()
        assert "s3cret-pw" not in text and "reader-1" not in text and text.count('"salt"') == 2
    finally:
        rig.close()


def test_resets_and_relay_through_the_board(rig, web):
    admin = web.login("admin")
    for what in ("demand", "energy", "alarm-record", "run-time"):
        r = admin.post(web.url + "/api/v1/resets/" + what)
        assert r.status_code == 200 and r.json() == {"done": True}, (what, r.text)
    assert admin.post(web.url + "/api/v1/resets/everything").status_code == 404
    assert admin.post(web.url + "/api/v1/io/digital-inputs/all/reset-counter").json() == {"done": True}
    assert admin.post(web.url + "/api/v1/io/digital-inputs/19/reset-counter").status_code == 404
    r = admin.put(web.url + "/api/v1/io/relay-outputs/1", json={"on": True})
    assert r.status_code == 200, r.text
    rig.advance(2)
    io = admin.get(web.url + "/api/v1/io").json()
    assert io["relay_outputs"][0] == {"n": 1, "name": "Relay Output 1", "mode": "manual", "status": "On"}
    assert len(io["digital_inputs"]) == 18 and io["digital_inputs"][0]["status"] == "Off"
    assert admin.put(web.url + "/api/v1/io/relay-outputs/1", json={"on": "yes"}).status_code == 400
    admin.put(web.url + "/api/v1/io/relay-outputs/1", json={"on": False})


def test_installation_record_is_kept_checked_and_downloads_as_a_pdf(rig, web):
    admin = web.login("admin")
    url = web.url + "/api/v1/installation-record"
    change = {"client": {"client": "Accuenergy Canada Inc.", "address": "2 Lansing Square"},
              "installation": {"installer_name": "Technician A", "nominal_voltage": "120/208V"},
              "channels": [{"channel": 2, "phase": "B", "ct_model": "RCT16-1000A", "panel_description": "Motor"}]}
    r = admin.put(url, json=change)
    assert r.status_code == 200, r.text
    record = admin.get(url).json()
    assert record["client"]["client"] == "Accuenergy Canada Inc." and record["channels"][1]["phase"] == "B"
    assert record["communication"]["HTTPS Port"] == web.port
    for bad, words in [({"client": {"client": "x" * 65}}, "at most 64 characters"), ({"channels": [{"channel": 2, "phase": "D"}]}, "Phase must be"),
                       ({"owner": {}}, "no part 'owner'"), ({"client": {"colour": "red"}}, "no field 'colour'")]:
        r = admin.put(url, json=bad)
        assert r.status_code == 400 and words in r.json()["error"], (bad, r.text)
    assert admin.get(url).json()["client"] == record["client"]  # nothing half-written
    assert web.login("user").put(url, json=change).status_code == 403
    pdf = web.login("user").get(url + ".pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf.content)
        f.flush()
        text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True).stdout
    serial = admin.get(web.url + "/api/v1/device").json()["meter"]["serial_number"]
    assert serial and serial in text and "Accuenergy Canada Inc." in text and "Technician A" in text


def test_the_downloadable_certificate_is_the_one_served_and_an_upload_replaces_it(rig, web):
    r = web.client().get(web.url + "/api/v1/certificate")
    assert r.status_code == 200 and r.text.strip() == web.cert_pem.strip()
    with tempfile.TemporaryDirectory() as tmp:
        key, crt = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                        "-out", crt, "-days", "30", "-subj", "/CN=uploaded", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        cert_text, key_text = open(crt).read(), open(key).read()
        admin = web.login("admin")
        other_key = subprocess.run(["openssl", "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
                                   capture_output=True, text=True, check=True).stdout
        weak_key, weak_crt = os.path.join(tmp, "wk.pem"), os.path.join(tmp, "wc.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", weak_key, "-out", weak_crt, "-days", "30",
                        "-subj", "/CN=weak"], check=True, capture_output=True)
        for body, words in [({"certificate": "junk", "private_key": key_text}, "not a PEM"),
                            ({"certificate": open(weak_crt).read(), "private_key": open(weak_key).read()}, "cannot be used"),
                            ({"certificate": cert_text, "private_key": other_key}, "does not match"),
                            ({"certificate": cert_text}, "give {")]:
            r = admin.put(web.url + "/api/v1/certificate", json=body)
            assert r.status_code == 400 and words in r.json()["error"], r.text
        assert admin.put(web.url + "/api/v1/certificate", json={"certificate": cert_text, "private_key": key_text}).status_code == 200
        s = requests.Session()
        s.trust_env = False
        s.verify = crt
        assert s.get(web.url + "/api/v1/certificate").text == cert_text  # new connections get the new certificate
        web.cert = crt
        web.cert_pem = cert_text
