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
            rig.advance(31)
            lines = sub.wait_for(3)
            readings = rig.readings()
        finally:
            rig.close()
            sub.close()
        assert len(lines) >= 3, (lines, broker.output()[-2000:])
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
        assert all(t % 10 == 0 for t in stamps) and stamps == sorted(stamps) and len(set(stamps)) == len(stamps), stamps
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
        broker.start()
        sub = Subscriber(broker, "acurev2100/#")
        rig.advance(90)  # the back-off is at most 60 s
        assert "(connected)" in mqtt_state(web, rig)["detail"]
        assert len(sub.wait_for(1)) >= 1
        sub.close()
    finally:
        rig.close()
        broker.close()
