"""MQTT (web manual 7.10) against Debian's mosquitto on loopback: the selected parameters published
every interval of device time to the topic, in the WEB2 gateway/device envelope with values equal to
what Modbus TCP serves; a user credential the broker refuses shows in the service's status; a broker
that is down, then up, is reconnected to. Subscribers are Debian's mosquitto_sub."""
import json
import os
import sys
import tempfile

import pytest

import acurev_sim

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from mosquitto_broker import Broker, Subscriber  # noqa: E402

if Broker.unavailable():
    pytest.skip(Broker.unavailable(), allow_module_level=True)

KEYS = ["Freq_Hz", "Va_V", "Ia_A", "P_kW", "EP_IMP_kWh"]


def mqtt_rig(port, **extra):
    settings = {"mqtt.enable": True, "mqtt.broker_port": port, "mqtt.interval": 10, "mqtt.parameters": KEYS, **extra}
    return acurev_sim.Rig({"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0, "pf": 0.9}], "settings": settings})


def mqtt_state(web, rig):
    w = web.__class__(rig, tempfile.mkdtemp())
    services = w.login("user").get(w.url + "/api/v1/services").json()["services"]
    return next(s for s in services if s["name"] == "mqtt")


def test_the_selected_parameters_arrive_every_interval_with_the_values_modbus_serves(web):
    with Broker() as broker:
        sub = Subscriber(broker, "acurev2100/#")
        rig = mqtt_rig(broker.port, **{"mqtt.facility_id": "site-7"})
        try:
            rig.advance(4)
            assert "(connected)" in mqtt_state(web, rig)["detail"]
            w = web.__class__(rig, tempfile.mkdtemp())
            r = w.login("admin").post(w.url + "/api/v1/mqtt/test").json()  # Test MQTT: one message now
            assert r["ok"] and "published 1 message(s) to acurev2100/EHM26110001-W" in r["detail"], r
            assert len(sub.wait_for(1)) == 1
            rig.advance(31)
            lines = sub.wait_for(3)
            readings = rig.readings()
        finally:
            rig.close()
            sub.close()
        assert len(lines) >= 4, (lines, broker.output()[-2000:])
        stamps = []
        for line in lines:
            topic, payload = line.split(" ", 1)
            assert topic == "acurev2100/EHM26110001-W"
            doc = json.loads(payload)
            assert doc["gateway"] == {"model": "AcuRev 2100-WEB2", "serial": "EHM26110001-W", "facility_id": "site-7"}
            assert doc["device"]["online"] is True
            assert [r["param"] for r in doc["device"]["readings"]] == KEYS
            stamps.append(doc["timestamp"])
            for r in doc["device"]["readings"]:
                assert r["unit"] == readings[r["param"]]["unit"]
                assert len(r["value"].split(".")[1]) == 3  # strings with 3 decimals, as the family sends
        every = stamps[1:]  # the first is Test MQTT's, published at once
        assert all(t % 10 == 0 for t in every) and every == sorted(every) and len(set(every)) == len(every), stamps
        last = json.loads(lines[-1].split(" ", 1)[1])["device"]["readings"]
        for r in last:
            if r["param"] != "EP_IMP_kWh":  # energy rises between the last message and the end of the run
                want = readings[r["param"]]["value"]
                assert abs(float(r["value"]) - want) <= 0.0005 + 1e-6 * abs(want), (r, want)


def test_a_refused_credential_shows_in_the_status_and_the_right_one_connects(web):
    with Broker(users={"meter": "s3cret"}) as broker:
        rig = mqtt_rig(broker.port, **{"mqtt.username": "meter", "mqtt.password": "wrong-one"})
        try:
            rig.advance(4)
            state = mqtt_state(web, rig)
            assert "disconnected: refused: " in state["detail"] and "not authorised" in state["detail"], state
        finally:
            rig.close()
        sub = Subscriber(broker, "acurev2100/#", user="meter", password="s3cret")
        rig = mqtt_rig(broker.port, **{"mqtt.username": "meter", "mqtt.password": "s3cret"})
        try:
            rig.advance(15)
            assert "(connected)" in mqtt_state(web, rig)["detail"]
            assert len(sub.wait_for(1)) >= 1
        finally:
            rig.close()
            sub.close()


def test_a_broker_that_is_down_then_up_is_reconnected_to(web):
    broker = Broker()
    broker.stop()
    rig = mqtt_rig(broker.port)
    try:
        rig.advance(5)
        state = mqtt_state(web, rig)
        assert "disconnected: " in state["detail"] and "refused" in state["detail"].lower(), state
        w = web.__class__(rig, tempfile.mkdtemp())
        r = w.login("admin").post(w.url + "/api/v1/mqtt/test").json()
        assert not r["ok"] and "disconnected: " in r["detail"], r
        broker.start()
        sub = Subscriber(broker, "acurev2100/#")
        rig.advance(90)  # the back-off is at most 60 s
        assert "(connected)" in mqtt_state(web, rig)["detail"]
        assert len(sub.wait_for(1)) >= 1
        sub.close()
    finally:
        rig.close()
        broker.close()


def test_qos1_messages_wait_while_the_broker_is_away_and_arrive_in_order(web):
    broker = Broker()
    broker.stop()
    rig = mqtt_rig(broker.port, **{"mqtt.qos": 1})
    try:
        rig.advance(35)  # three intervals with the broker away
        assert "3 waiting for the broker" in mqtt_state(web, rig)["detail"]
        broker.start()
        sub = Subscriber(broker, "acurev2100/#")
        rig.advance(90)
        lines = sub.wait_for(10)
        sub.close()
        stamps = [json.loads(line.split(" ", 1)[1])["timestamp"] for line in lines]
        assert len(stamps) >= 10 and stamps == list(range(stamps[0], stamps[0] + 10 * len(stamps), 10)), stamps
        assert stamps[0] <= rig.clock_utc() - 115  # the first waited since before the broker came back
    finally:
        rig.close()
        broker.close()


def test_the_last_will_is_published_when_the_simulator_is_killed():
    import signal
    import subprocess
    import time
    with Broker() as broker:
        sub = Subscriber(broker, "acurev2100/+/status")
        data = tempfile.mkdtemp()
        sim = subprocess.Popen([os.path.join(os.environ["ACUREV_BIN"], "acurev-sim"), "run", "--data-dir", data, "--modbus-port", "5795",
                                "--set", "network.https_port=6795", "--set", "mqtt.enable=true", "--set", f"mqtt.broker_port={broker.port}",
                                "--set", "mqtt.will_enable=true"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            table = []
            for line in sim.stdout:
                table.append(line)
                if line.strip().startswith("seed"):
                    break
            mqtt = [t for t in table if t.strip().startswith("mqtt")]
            assert mqtt and f"tcp://127.0.0.1:{broker.port}" in mqtt[0], table
            deadline = time.monotonic() + 10
            while "acurev2100-EHM26110001-W" not in broker.output() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert sub.lines() == []  # nothing yet: the module is there
            sim.send_signal(signal.SIGKILL)
            sim.wait(10)
            lines = sub.wait_for(1)
            assert lines == ['acurev2100/EHM26110001-W/status {"serial": "EHM26110001-W", "online": false}'], (lines, broker.output()[-1500:])
        finally:
            if sim.poll() is None:
                sim.kill()
            sub.close()


def test_ssl_tls_checks_the_broker_against_the_uploaded_ca_and_authenticates_with_the_uploaded_pair(web, tmp_path):
    from test_ca import make_test_ca
    files = make_test_ca(str(tmp_path))
    read = lambda name: open(files[name]).read()  # noqa: E731
    with Broker(tls=(files["ca.pem"], files["server.pem"], files["server.key"]), require_certificate=True) as broker:
        sub = Subscriber(broker, "acurev2100/#")  # on the plain listener
        rig = mqtt_rig(broker.tls_port, **{"mqtt.tls_enable": True})
        try:
            rig.advance(4)
            state = mqtt_state(web, rig)
            assert f"ssl://127.0.0.1:{broker.tls_port} (disconnected: " in state["detail"], state  # not a system CA's
            w = web.__class__(rig, tempfile.mkdtemp())
            admin = w.login("admin")
            url = w.url + "/api/v1/mqtt/tls/"
            # Refused whole, nothing saved: not PEM, truncated, a key that is not the certificate's, an unknown file.
            for which, body, words in [("ca", {"pem": "hello"}, "no PEM certificate"), ("ca", {"pem": read("ca.pem")[:200]}, "not a whole X.509"),
                                       ("key", {"pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, "not a whole PEM key"),
                                       ("cert", {"pem": 7}, "give {"), ("ca", [read("ca.pem")], "give {")]:
                r = admin.put(url + which, json=body)
                assert r.status_code == 400 and words in r.json()["error"], (which, words, r.text)
            assert admin.put(url + "secret", json={"pem": read("ca.pem")}).status_code == 404
            assert admin.get(w.url + "/api/v1/mqtt/tls").json() == {"ca": {"present": False, "certificates": []},
                                                                   "cert": {"present": False, "certificates": []}, "key": {"present": False}}
            r = admin.put(url + "ca", json={"pem": read("ca.pem")})
            assert r.status_code == 200 and r.json()["certificates"] == ["/CN=AcuRev test CA"], r.text
            rig.advance(4)
            assert "(disconnected: " in mqtt_state(web, rig)["detail"]  # the broker wants a client certificate
            assert admin.put(url + "cert", json={"pem": read("client.pem")}).status_code == 200
            r = admin.put(url + "key", json={"pem": read("server.key")})  # not the client certificate's key
            assert r.status_code == 400 and "does not belong to the certificate" in r.json()["error"], r.text
            assert admin.put(url + "key", json={"pem": read("client.key")}).status_code == 200
            rig.advance(15)
            state = mqtt_state(web, rig)
            assert f"ssl://127.0.0.1:{broker.tls_port} (connected)" in state["detail"], (state, broker.output()[-1500:])
            assert len(sub.wait_for(1)) >= 1
            key_path = os.path.join(rig.data_dir, "mqtt-key.pem")
            assert oct(os.stat(key_path).st_mode & 0o777) == "0o600"
        finally:
            rig.close()
            sub.close()


def test_home_assistant_discovery_messages_are_well_formed_and_name_the_state_topic(web):
    with Broker() as broker:
        sub = Subscriber(broker, "homeassistant/#")
        status = Subscriber(broker, "acurev2100/+/status")
        rig = mqtt_rig(broker.port, **{"mqtt.ha_discovery": True, "mqtt.will_enable": True})
        try:
            rig.advance(4)
            lines = sub.wait_for(len(KEYS))
            births = status.wait_for(1)
        finally:
            rig.close()
            sub.close()
            status.close()
        assert len(lines) == len(KEYS), lines
        seen = set()
        for line in lines:
            topic, payload = line.split(" ", 1)
            config = json.loads(payload)
            key = topic.split("/")[3]
            assert topic == f"homeassistant/sensor/EHM26110001-W/{key}/config" and key in KEYS
            assert config["state_topic"] == "acurev2100/EHM26110001-W" and config["unique_id"] == f"EHM26110001-W_{key}"
            assert f"r.param == '{key}'" in config["value_template"]
            assert config["device"]["identifiers"] == ["EHM26110001-W"] and config["device"]["manufacturer"] == "Accuenergy"
            assert config["availability"][0]["topic"] == "acurev2100/EHM26110001-W/status"
            seen.add(config["unique_id"])
        assert len(seen) == len(KEYS)
        by_key = {line.split(" ", 1)[0].split("/")[3]: json.loads(line.split(" ", 1)[1]) for line in lines}
        assert by_key["Va_V"]["device_class"] == "voltage" and by_key["Va_V"]["unit_of_measurement"] == "V"
        assert by_key["EP_IMP_kWh"]["device_class"] == "energy" and by_key["EP_IMP_kWh"]["state_class"] == "total_increasing"
        assert births == ['acurev2100/EHM26110001-W/status {"serial": "EHM26110001-W", "online": true}']


def test_qos2_messages_arrive_exactly_once_across_a_broker_restart(web):
    broker = Broker(persistence=True)
    sub = Subscriber(broker, "acurev2100/#", durable_id="bench-subscriber", qos=2)
    rig = mqtt_rig(broker.port, **{"mqtt.qos": 2, "mqtt.clean_session": False, "mqtt.client_id": "acurev-qos2"})
    try:
        rig.advance(35)
        assert len(sub.wait_for(3)) >= 3
        broker.stop()  # saves its sessions
        rig.advance(30)  # three more wait in the module
        broker.start()
        rig.advance(90)  # the module and mosquitto_sub reconnect
        lines = sub.wait_for(15, timeout=20)
        stamps = [json.loads(line.split(" ", 1)[1])["timestamp"] for line in lines]
        assert len(stamps) == len(set(stamps)), ("a message arrived twice", stamps)
        assert stamps == list(range(stamps[0], stamps[0] + 10 * len(stamps), 10)), ("a message is missing", stamps)
        assert len(stamps) >= 15, stamps
    finally:
        rig.close()
        sub.close()
        broker.close()


def test_a_capture_of_connect_publish_and_will_decodes_cleanly_in_wireshark(web):
    """Wireshark's MQTT dissector on a tshark capture (root only) of the module's session with
    mosquitto: CONNECT with a will, PUBLISH at QoS 1 with its PUBACK, Home Assistant discovery,
    DISCONNECT; no malformed packet, no expert error."""
    from capture import Capture
    if Capture.unavailable():
        pytest.skip(Capture.unavailable())
    with Broker() as broker:
        capture = Capture(f"tcp port {broker.port}", decode_as=f"tcp.port=={broker.port},mqtt")
        with capture:
            sub = Subscriber(broker, "acurev2100/#")
            rig = mqtt_rig(broker.port, **{"mqtt.qos": 1, "mqtt.will_enable": True, "mqtt.ha_discovery": True})
            try:
                rig.advance(25)
                lines = sub.wait_for(2)
            finally:
                rig.close()
                sub.close()
        assert len(lines) >= 2
    verbose = capture.verbose()
    assert capture.problems() == ""
    for kind in ("Connect Command", "Connect Ack", "Publish Message", "Publish Ack", "Disconnect Req"):
        assert kind in verbose, kind
    assert "acurev2100/EHM26110001-W" in verbose
