"""BACnet/IP (web manual 7.8, docs/bacnet-pics.md) against @bacnet-js/client, a BACnet client no one
on this project wrote, and raw datagrams for what the client library cannot send: Who-Is/I-Am,
every required Device property, every object's values equal to Modbus TCP at the same instant,
ReadPropertyMultiple with segmented replies, errors, rejects and aborts, COV, relays through
Binary Outputs, DeviceCommunicationControl, time synchronization, a foreign-device registration
with a BBMD that restarts, the EDE files, each claim of the PICS, and random datagrams."""
import contextlib
import os
import random
import re
import socket
import struct
import sys
import tempfile
import time

import pytest
import requests
from pymodbus.client import ModbusTcpClient

import acurev_sim

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "peers"))
from bacnet_peer import BacnetPeer  # noqa: E402
from bbmd import Bbmd  # noqa: E402
from capture import Capture  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")
DEVICE = 4242
AI, BI, BO, DEV = 0, 3, 4, 8
PV, NAME, UNITS, FLAGS, DESCRIPTION, RELIABILITY, OBJECT_LIST = 85, 77, 117, 111, 28, 103, 76


def free_udp_port(address="127.0.0.1", low=47810, high=47990):
    for _ in range(200):
        port = random.randint(low, high)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind((address, port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free UDP port")


def bacnet_rig(port, **settings):
    config = {"fidelity": "analytic", "channels": [{"channel": 1, "current": 10.0, "pf": 0.9}, {"channel": 2, "current": 5.0, "pf": 0.8}],
              "settings": {"bacnet.enable": True, "bacnet.port": port, "bacnet.device_instance": DEVICE,
                           "bacnet.device_name": "AcuRev Test Meter", "bacnet.location": "Lab 2", **settings}}
    return acurev_sim.Rig(config)


@contextlib.contextmanager
def fresh_meter(peer_env=None, **settings):
    """A rig of its own with BACnet on (the settings added) and a client: (rig, peer, device address)."""
    port = free_udp_port()
    rig = bacnet_rig(port, **settings)
    try:
        rig.advance(4)
        with BacnetPeer(free_udp_port(), env=peer_env) as peer:
            yield rig, peer, f"127.0.0.1:{port}"
    finally:
        rig.close()


def catalogue():
    """AI instance (= module register) -> (id, key, type, scale), from docs/register-map.md and released-ids.tsv."""
    kinds = {}
    for line in open(os.path.join(ROOT, "docs", "register-map.md")):
        m = re.match(r"\| (\S+) \| [^|]* \| [^|]* \| (float32|uint32|uint16) \| ([0-9.e-]+) \| (0x[0-9A-F]{4}) \(\d+\) \|", line)
        if m:
            kinds[m.group(1)] = (m.group(2), float(m.group(3)))
    out = {}
    for line in open(os.path.join(ROOT, "firmware", "catalogue", "released-ids.tsv")):
        if line.startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        if fields[3].startswith("analog-input,"):
            instance = int(fields[3].split(",")[1])
            out[instance] = (fields[0], fields[1]) + kinds[fields[0]]
    return out


def modbus_value(c, kind, scale, register):
    regs = c.read_holding_registers(register, 1 if kind == "uint16" else 2, slave=1).registers
    if kind == "float32":
        return struct.unpack(">f", struct.pack(">HH", *regs))[0]
    raw = regs[0] if kind == "uint16" else (regs[0] << 16) | regs[1]
    return raw * scale


def as_real(v):
    return struct.unpack(">f", struct.pack(">f", v))[0]


def pics():
    """The PICS's object tables: type name -> [(property name, id, required)] and its BIBB lines."""
    tables, bibbs, current = {}, [], None
    for line in open(os.path.join(ROOT, "docs", "bacnet-pics.md")):
        m = re.match(r"### ([a-z-]+) \((\d+)\)", line)
        if m:
            current = int(m.group(2))
            tables[current] = []
            continue
        m = re.match(r"\| ([a-z-]+) \| (\d+) \| (yes|optional) \|", line)
        if m and current is not None:
            tables[current].append((m.group(1), int(m.group(2)), m.group(3) == "yes"))
        m = re.match(r"- ((?:DS|DM)-[A-Z]+-B): (.*)", line)
        if m:
            bibbs.append((m.group(1), m.group(2).split()))
    return tables, bibbs


# ---- raw datagrams (what the client library cannot send) ----

def bvll(function, payload):
    return struct.pack(">BBH", 0x81, function, len(payload) + 4) + payload


def confirmed(service, data, invoke=1, max_apdu_code=5, segmented_accepted=True):
    return bvll(0x0A, bytes([1, 0x04]) + bytes([0x02 if segmented_accepted else 0x00, 0x70 | max_apdu_code, invoke, service]) + data)


def unconfirmed(service, data, broadcast=False):
    return bvll(0x0B if broadcast else 0x0A, bytes([1, 0x00, 0x10, service]) + data)


def ctx_objid(tag, otype, instance):
    return bytes([(tag << 4) | 0x0C]) + struct.pack(">I", (otype << 22) | instance)


def ctx_uint(tag, v):
    n = max(1, (v.bit_length() + 7) // 8)
    return bytes([(tag << 4) | 0x08 | n]) + v.to_bytes(n, "big")


class Raw:
    def __init__(self, target):
        self.target = target
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(2)

    def ask(self, datagram, timeout=2):
        self.sock.settimeout(timeout)
        self.sock.sendto(datagram, self.target)
        try:
            return self.sock.recvfrom(4096)[0]
        except socket.timeout:
            return None

    def close(self):
        self.sock.close()


def apdu_of(reply):
    """The APDU of a reply datagram (no routing in our replies: NPDU is 2 octets)."""
    assert reply[0] == 0x81 and reply[4] == 1
    return reply[6:]


@pytest.fixture(scope="module")
def meter():
    port = free_udp_port()
    rig = bacnet_rig(port)
    rig.advance(15)  # every block read, the slow ones too
    peer = BacnetPeer(free_udp_port())
    try:
        yield rig, peer, f"127.0.0.1:{port}", port
    finally:
        peer.close()
        rig.close()


def test_who_is_gets_i_am_with_the_pics_claims_and_a_range_outside_gets_nothing(meter):
    rig, peer, addr, port = meter
    peer.events()
    peer.request(op="whoIs", address=addr)
    ams = [e for e in peer.events() if e["event"] == "iAm"]
    assert len(ams) == 1
    assert ams[0]["payload"] == {"len": 13, "deviceId": DEVICE, "maxApdu": 1476, "segmentation": 1, "vendorId": 631}
    peer.request(op="whoIs", address=addr, low=DEVICE, high=DEVICE)
    assert len([e for e in peer.events() if e["event"] == "iAm"]) == 1
    peer.request(op="whoIs", address=addr, low=DEVICE + 1, high=DEVICE + 100)
    assert [e for e in peer.events() if e["event"] == "iAm"] == []


def test_every_device_property_of_the_pics_reads_with_its_value(meter):
    rig, peer, addr, port = meter
    tables, _ = pics()
    got = {}
    for name, pid, required in tables[DEV]:
        v = peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=pid)
        assert not (isinstance(v, tuple)), (name, v)
        got[name] = v
    one = lambda n: got[n][0]["value"]  # noqa: E731
    assert one("object-identifier") == {"type": DEV, "instance": DEVICE}
    assert one("object-name") == "AcuRev Test Meter" and one("location") == "Lab 2"
    assert one("vendor-name") == "Accuenergy" and one("vendor-identifier") == 631
    assert one("model-name") == "AcuRev 2100-WEB2" and one("protocol-version") == 1 and one("protocol-revision") == 14
    assert one("max-apdu-length-accepted") == 1476 and one("segmentation-supported") == 1 and one("system-status") == 0
    assert one("object-type") == DEV and got["device-address-binding"] == []
    assert len(got["object-list"]) == 1 + 1727 + 18 + 2  # the whole list, in a segmented reply
    assert got["object-list"][0]["value"] == {"type": DEV, "instance": DEVICE}
    # The required ones are all there (ASHRAE 135 12.11), and property-list names the rest.
    required = {pid for _, pid, req in tables[DEV] if req}
    assert {75, 77, 79, 112, 121, 120, 70, 44, 12, 98, 139, 97, 96, 76, 62, 107, 11, 73, 30, 155, 371} <= required
    listed = {x["value"] for x in got["property-list"]}
    assert listed == {pid for _, pid, _ in tables[DEV]} - {75, 77, 79, 371}
    count = peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=OBJECT_LIST, index=0)
    assert count[0]["value"] == len(got["object-list"])
    # "this device" wildcard instance
    assert peer.call(op="readProperty", address=addr, type=DEV, instance=4194303, property=NAME)[0]["value"] == "AcuRev Test Meter"
    # local time follows the device clock
    rig.set_clock(utc=1780000000)
    date = peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=56)[0]["value"]
    assert date.startswith("2026-05-28") or "2026" in str(date)


def test_every_analog_input_present_value_units_and_flags_equal_modbus_tcp(meter):
    """ReadProperty of every Analog Input's present value, units and status flags: each present
    value equals what Modbus TCP serves at the same instant (time is paused), as REAL."""
    rig, peer, addr, port = meter
    cat = catalogue()
    objects = peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=OBJECT_LIST)
    ais = [o["value"]["instance"] for o in objects if o["value"]["type"] == AI]
    assert sorted(ais) == sorted(cat)
    c = ModbusTcpClient("127.0.0.1", port=rig.modbus_port, timeout=5)
    assert c.connect()
    try:
        for instance in ais:
            pid, key, kind, scale = cat[instance]
            pv = peer.call(op="readProperty", address=addr, type=AI, instance=instance, property=PV)
            expected = modbus_value(c, kind, scale, instance)
            assert pv[0]["type"] == 4 and pv[0]["value"] == pytest.approx(as_real(expected), rel=1e-7, abs=1e-30), (key, pv, expected)
            flags = peer.call(op="readProperty", address=addr, type=AI, instance=instance, property=FLAGS)
            assert flags[0]["value"]["value"] == [0], (key, flags)  # in-alarm, fault, overridden, out-of-service all clear
            units = peer.call(op="readProperty", address=addr, type=AI, instance=instance, property=UNITS)
            assert units[0]["type"] == 9
        va = next(i for i, v in cat.items() if v[1] == "Va_V")
        assert peer.call(op="readProperty", address=addr, type=AI, instance=va, property=UNITS)[0]["value"] == 5  # volts
        assert peer.call(op="readProperty", address=addr, type=AI, instance=va, property=NAME)[0]["value"] == "AcuRev2100-Va_V"
        assert peer.call(op="readProperty", address=addr, type=AI, instance=va, property=DESCRIPTION)[0]["value"] == \
            "Phase A Line-to-Neutral Voltage"
    finally:
        c.close()


def test_read_property_multiple_of_all_objects_with_segmented_replies(meter):
    """Every object with ALL its properties, in requests of 100 objects (a request is never
    segmented: PICS), each reply segmented over the client's 480-octet APDUs."""
    rig, peer, addr, port = meter
    tables, _ = pics()
    objects = [o["value"] for o in peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=OBJECT_LIST)]
    seen = 0
    for i in range(0, len(objects), 100):
        batch = objects[i:i + 100]
        specs = [{"type": o["type"], "instance": o["instance"], "props": [{"id": 8}]} for o in batch]
        reply = peer.call(op="readPropertyMultiple", address=addr, specs=specs, maxApdu=3, maxSegments=0x60)  # the library takes the encoded fields: 480 octets, 64 segments
        assert not isinstance(reply, tuple), reply
        assert [r["objectId"] for r in reply] == batch
        for r in reply:
            ids = [v["id"] for v in r["values"]]
            assert ids == [pid for _, pid, _ in tables[r["objectId"]["type"]]], r["objectId"]
            assert not [v for v in r["values"] if any(x["type"] == 105 for x in v["value"])], r  # no property access error
        seen += len(reply)
    assert seen == len(objects)
    # REQUIRED and a property of each kind in one request
    reply = peer.call(op="readPropertyMultiple", address=addr,
                      specs=[{"type": DEV, "instance": DEVICE, "props": [{"id": 105}]}, {"type": BI, "instance": 1, "props": [{"id": PV}, {"id": NAME}]}])
    assert [v["id"] for v in reply[0]["values"]] == [pid for _, pid, req in tables[DEV] if req]
    assert reply[1]["values"][1]["value"][0]["value"] == "AcuRev2100-DI01_Status"


def test_unknown_objects_properties_services_and_too_long_replies(meter):
    rig, peer, addr, port = meter
    assert peer.call(op="readProperty", address=addr, type=AI, instance=1, property=PV) == ("error", 1, 31)      # unknown-object
    assert peer.call(op="readProperty", address=addr, type=AI, instance=0x4000, property=87) == ("error", 2, 32)  # unknown-property
    assert peer.call(op="readProperty", address=addr, type=AI, instance=0x4000, property=PV, index=1) == ("error", 2, 50)  # not an array
    assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=OBJECT_LIST, index=5000) == ("error", 2, 42)
    assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE + 1, property=NAME) == ("error", 1, 31)
    # An RPM where every property fails is an Error as a whole.
    assert peer.call(op="readPropertyMultiple", address=addr, specs=[{"type": AI, "instance": 3, "props": [{"id": PV}]}]) == ("error", 1, 31)
    raw = Raw(("127.0.0.1", port))
    try:
        # ReadRange (26): not ours -> Reject unrecognized-service (9)
        r = apdu_of(raw.ask(confirmed(26, ctx_objid(0, DEV, DEVICE) + ctx_uint(1, 76), invoke=9)))
        assert r == bytes([0x60, 9, 9])
        # a segmented request -> Abort segmentation-not-supported (4), from the server
        seg = bvll(0x0A, bytes([1, 0x04, 0x0E, 0x75, 10, 0, 4, 12]) + ctx_objid(0, DEV, DEVICE))
        assert apdu_of(raw.ask(seg)) == bytes([0x71, 10, 4])
        # the object list does not fit 1476 octets and the client takes no segments -> Abort segmentation-not-supported
        r = apdu_of(raw.ask(confirmed(12, ctx_objid(0, DEV, DEVICE) + ctx_uint(1, 76), invoke=11, segmented_accepted=False)))
        assert r == bytes([0x71, 11, 4])
        # a ReadProperty with a broken tag -> Reject invalid-tag (4); with an extra argument -> Reject
        assert apdu_of(raw.ask(confirmed(12, bytes([0x0C, 0x00]), invoke=12)))[:2] == bytes([0x60, 12])
        extra = confirmed(12, ctx_objid(0, DEV, DEVICE) + ctx_uint(1, 77) + ctx_uint(2, 0) + ctx_uint(3, 1), invoke=13)
        assert apdu_of(raw.ask(extra))[:2] == bytes([0x60, 13])
        # a BBMD function to a device that is not one -> its NAK
        assert raw.ask(bvll(0x02, b"")) == bytes([0x81, 0x00, 0x00, 0x06, 0x00, 0x20])
        # Who-Has by name and by identifier -> I-Have
        name = "AcuRev2100-Va_V".encode()
        r = apdu_of(raw.ask(unconfirmed(7, bytes([0x3D, len(name) + 1, 0]) + name)))
        assert r[:2] == bytes([0x10, 1]) and name in r
        r = apdu_of(raw.ask(unconfirmed(7, ctx_objid(2, BO, 2))))
        assert r[:2] == bytes([0x10, 1]) and b"AcuRev2100-RO02_Status" in r
        assert raw.ask(unconfirmed(7, bytes([0x3D, 4, 0]) + b"nah"), timeout=0.3) is None
    finally:
        raw.close()


def test_cov_notifications_when_a_load_moves_more_than_the_increment(meter):
    rig, peer, addr, port = meter
    cat = catalogue()
    ia = next(i for i, v in cat.items() if v[1] == "I001_A")
    increment = peer.call(op="readProperty", address=addr, type=AI, instance=ia, property=22)[0]["value"]
    assert increment == pytest.approx(0.1)
    peer.events()
    assert peer.call(op="subscribeCov", address=addr, type=AI, instance=ia, id=7, confirmed=False, lifetime=120) is True
    time.sleep(0.2)
    first = [e for e in peer.events() if e["event"] == "cov"]
    assert len(first) == 1  # the initial notification
    payload = first[0]["payload"]
    assert payload["subscriberProcessId"] == 7 and payload["monitoredObjectId"] == {"type": AI, "instance": ia}
    assert payload["initiatingDeviceId"] == {"type": DEV, "instance": DEVICE} and 0 < payload["timeRemaining"] <= 120
    values = {v["property"]["id"]: v["value"][0]["value"] for v in payload["values"]}
    assert values[PV] == pytest.approx(10.0, rel=0.01)
    rig.set_current(1, 10.02, pf=0.9)  # less than the increment: nothing
    rig.advance(5)
    time.sleep(0.2)
    assert [e for e in peer.events() if e["event"] == "cov"] == []
    rig.set_current(1, 12.0, pf=0.9)
    rig.advance(5)
    time.sleep(0.2)
    moved = [e for e in peer.events() if e["event"] == "cov"]
    assert len(moved) >= 1
    last = {v["property"]["id"]: v["value"][0]["value"] for v in moved[-1]["payload"]["values"]}
    assert last[PV] == pytest.approx(12.0, rel=0.01)
    # confirmed notifications, acknowledged by the client; a cancellation stops them
    assert peer.call(op="subscribeCov", address=addr, type=BI, instance=3, id=8, confirmed=True, lifetime=60) is True
    rig.set_digital_input(3, True)
    rig.advance(15)  # the I/O group's snapshot waits for its slow blocks (the DI counters) to be read again
    time.sleep(0.2)
    di = [e for e in peer.events() if e["event"] == "cov" and e["payload"]["monitoredObjectId"]["type"] == BI]
    assert di and di[-1]["confirmed"] is True
    assert {v["property"]["id"]: v["value"][0]["value"] for v in di[-1]["payload"]["values"]}[PV] == 1
    assert peer.call(op="subscribeCov", address=addr, type=BI, instance=3, id=8, cancel=True) is True
    # the analog subscription's lifetime runs out: no more notifications
    rig.advance(130)
    rig.set_current(1, 4.0, pf=0.9)
    rig.advance(5)
    rig.set_digital_input(3, False)
    rig.advance(3)
    time.sleep(0.2)
    assert [e for e in peer.events() if e["event"] == "cov"] == []
    rig.set_current(1, 10.0, pf=0.9)
    rig.advance(3)
    assert peer.call(op="subscribeCov", address=addr, type=DEV, instance=DEVICE, id=9, lifetime=10) == ("error", 1, 45)
    assert peer.call(op="subscribeCov", address=addr, type=AI, instance=5, id=9, lifetime=10) == ("error", 1, 31)


def test_time_synchronization_sets_the_device_clock(meter):
    rig, peer, addr, port = meter
    peer.request(op="timeSync", address=addr, iso="2027-03-04T05:06:07Z", utc=True)
    assert abs(rig.clock_utc() - 1804136767) < 2
    rig.set_clock(zone_minutes=-300, dst=False)
    peer.request(op="timeSync", address=addr, iso="2027-03-04T10:00:00Z", utc=False)  # the client sends its local time
    # bacnet-js encodes local time of the Node process (TZ=UTC here): 10:00 local -> 15:00 UTC at -05:00
    assert abs(rig.clock_utc() - (1804154400 + 5 * 3600)) < 2
    rig.set_clock(zone_minutes=0, dst=False)


def test_device_communication_control_with_its_password():
    with fresh_meter(peer_env={"BACNET_APDU_TIMEOUT": "500"}, **{"bacnet.dcc_password": "let-me-in"}) as (rig, peer, addr):
        assert peer.call(op="dcc", address=addr, state=1, password="wrong") == ("error", 4, 26)  # security, password-failure
        assert peer.call(op="dcc", address=addr, state=1, minutes=5, password="let-me-in") is True
        assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=NAME) == ("timeout",)
        peer.request(op="whoIs", address=addr)
        assert [e for e in peer.events() if e["event"] == "iAm"] == []
        assert peer.call(op="dcc", address=addr, state=0, password="let-me-in") is True
        assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=NAME)[0]["value"] == "AcuRev Test Meter"
        # disabled for a minute of device time, then it answers again by itself
        assert peer.call(op="dcc", address=addr, state=1, minutes=1, password="let-me-in") is True
        rig.advance(61)
        assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=NAME)[0]["value"] == "AcuRev Test Meter"


def test_relays_through_binary_outputs_only_when_the_admin_allows():
    with fresh_meter() as (rig, peer, addr):
        active = {"type": 9, "value": 1}
        assert peer.call(op="writeProperty", address=addr, type=BO, instance=1, property=PV, value=active, priority=8) == ("error", 2, 40)
        assert peer.call(op="writeProperty", address=addr, type=AI, instance=0x4000, property=PV, value={"type": 4, "value": 1.0},
                         priority=16) == ("error", 2, 40)
    with fresh_meter(**{"bacnet.relay_control": True}) as (rig, peer, addr):
        c = ModbusTcpClient("127.0.0.1", port=rig.modbus_port, timeout=5)
        assert c.connect()
        try:
            assert c.read_coils(0, 2, slave=1).bits[:2] == [False, False]
            assert peer.call(op="writeProperty", address=addr, type=BO, instance=2, property=PV, value={"type": 9, "value": 1}, priority=8) is True
            rig.advance(2)
            assert c.read_coils(0, 2, slave=1).bits[:2] == [False, True]
            assert peer.call(op="readProperty", address=addr, type=BO, instance=2, property=PV)[0]["value"] == 1
            pa = peer.call(op="readProperty", address=addr, type=BO, instance=2, property=87)
            assert len(pa) == 16 and pa[7]["value"] == 1 and pa[0]["type"] == 0
            assert peer.call(op="writeProperty", address=addr, type=BO, instance=2, property=PV, value={"type": 9, "value": 2},
                             priority=8) == ("error", 2, 37)
            # relinquished: back to relinquish-default, inactive
            assert peer.call(op="writeProperty", address=addr, type=BO, instance=2, property=PV, value={"type": 0, "value": None}, priority=8) is True
            rig.advance(2)
            assert c.read_coils(0, 2, slave=1).bits[:2] == [False, False]
        finally:
            c.close()


def test_foreign_device_registers_keeps_its_registration_and_recovers_after_the_bbmd_restarts():
    local = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a device on the BBMD's own network
    local.bind(("127.0.0.1", 0))
    local.settimeout(2)
    with Bbmd(local_peers=[local.getsockname()]) as bbmd:
        port = free_udp_port()
        rig = bacnet_rig(port, **{"bacnet.foreign_enable": True, "bacnet.bbmd_ip": "127.0.0.1", "bacnet.bbmd_port": bbmd.port, "bacnet.ttl": 5})
        me = ("127.0.0.1", port)
        try:
            rig.advance(2)
            regs = bbmd.registrations_from(me)
            assert regs and all(r[2] == 300 for r in regs)  # TTL 5 min in seconds (the boot's settings restart registers again)
            first = len(regs)
            # A Who-Is broadcast on the BBMD's network reaches the foreign device; its I-Am comes back through the BBMD.
            local.sendto(unconfirmed(8, b"", broadcast=True), ("127.0.0.1", bbmd.port))
            data, _ = local.recvfrom(2048)
            assert data[1] == 0x04 and data[4:10] == socket.inet_aton("127.0.0.1") + struct.pack(">H", port)  # Forwarded-NPDU from us
            assert data[10:] [2:4] == bytes([0x10, 0x00])  # I-Am
            rig.advance(140)
            assert len(bbmd.registrations_from(me)) == first
            rig.advance(20)  # half the time to live: registered again, well before the BBMD forgets it
            assert len(bbmd.registrations_from(me)) == first + 1
            bbmd.restart()
            assert bbmd.fdt == {}
            rig.advance(155)
            assert me in bbmd.fdt and len(bbmd.registrations_from(me)) == first + 2
            local.sendto(unconfirmed(8, b"", broadcast=True), ("127.0.0.1", bbmd.port))
            assert local.recvfrom(2048)[0][1] == 0x04
        finally:
            rig.close()
            local.close()
    # A BBMD that does not answer: said in the health, tried again
    port = free_udp_port()
    dead = free_udp_port(low=40000, high=40999)
    rig = bacnet_rig(port, **{"bacnet.foreign_enable": True, "bacnet.bbmd_ip": "127.0.0.1", "bacnet.bbmd_port": dead, "bacnet.ttl": 5})
    try:
        rig.advance(12)
        listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        listener.bind(("127.0.0.1", dead))
        listener.settimeout(5)
        try:
            rig.advance(35)
            data, _ = listener.recvfrom(100)
            assert data == bytes([0x81, 0x05, 0x00, 0x06, 0x01, 0x2C])  # Register-Foreign-Device, TTL 300 s
        finally:
            listener.close()
    finally:
        rig.close()


def test_random_truncated_oversized_and_nested_datagrams_never_stop_the_service(meter):
    rig, peer, addr, port = meter
    raw = Raw(("127.0.0.1", port))
    rng = random.Random(2100)
    good = confirmed(12, ctx_objid(0, DEV, DEVICE) + ctx_uint(1, 77), invoke=3)
    try:
        sent = 0
        for i in range(3000):
            kind = i % 5
            if kind == 0:
                d = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80)))
            elif kind == 1:
                d = good[:rng.randrange(len(good))]
            elif kind == 2:
                d = bytearray(good)
                for _ in range(3):
                    d[rng.randrange(len(d))] = rng.randrange(256)
                d = bytes(d)
            elif kind == 3:
                depth = rng.randrange(1, 700)
                body = bytes([0x3E]) * depth + bytes([0x3F]) * depth  # deeply nested opening/closing tags
                d = confirmed(14, ctx_objid(0, DEV, DEVICE) + body, invoke=4)
            else:
                d = bvll(0x0A, bytes([1, 0]) + bytes(rng.randrange(256) for _ in range(rng.randrange(1400, 4000))))
            raw.sock.sendto(d, ("127.0.0.1", port))
            sent += 1
            if i % 200 == 199:  # still answering
                assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=NAME)[0]["value"] == "AcuRev Test Meter"
        assert sent == 3000
        assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=NAME)[0]["value"] == "AcuRev Test Meter"
    finally:
        raw.close()


def test_the_ede_files_list_every_object_and_the_pics_services_match_the_device(meter):
    rig, peer, addr, port = meter
    url = rig.web_url
    host, wport = url[len("https://"):].split(":")
    import ssl
    with tempfile.TemporaryDirectory() as tmp:
        cert = os.path.join(tmp, "m.pem")
        open(cert, "w").write(ssl.get_server_certificate((host, int(wport))))
        s = requests.Session()
        s.trust_env = False
        s.verify = cert
        login = s.post(url + "/api/v1/session", json={"level": "user", "password": "view"}, timeout=60).json()
        s.headers["X-CSRF-Token"] = login["csrf"]
        r = s.get(url + "/api/v1/bacnet/ede", timeout=60)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in r.headers["Content-Disposition"]
        rows = [line.split(";") for line in r.text.splitlines() if line and not line.startswith("#") and line.count(";") >= 15]
        objects = [o["value"] for o in peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=OBJECT_LIST)]
        assert [{"type": int(x[3]), "instance": int(x[4])} for x in rows] == objects
        assert all(int(x[1]) == DEVICE for x in rows)
        for x in rows[:: 97]:
            assert peer.call(op="readProperty", address=addr, type=int(x[3]), instance=int(x[4]), property=NAME)[0]["value"] == x[2]
        units = s.get(url + "/api/v1/bacnet/ede/units", timeout=60).text
        assert "5;volts" in units
        assert "1;Open;Closed" in s.get(url + "/api/v1/bacnet/ede/state-texts", timeout=60).text
        assert s.get(url + "/api/v1/bacnet/pics", timeout=60).text == open(os.path.join(ROOT, "docs", "bacnet-pics.md")).read()
    # Protocol_Services_Supported has exactly the PICS's services; each object type has the PICS's properties.
    tables, bibbs = pics()
    bits = peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=97)[0]["value"]["value"]
    positions = {i * 8 + b for i, byte in enumerate(bits) for b in range(8) if byte >> b & 1}
    names = {"SubscribeCOV": 5, "ReadProperty": 12, "ReadPropertyMultiple": 14, "WriteProperty": 15, "DeviceCommunicationControl": 17,
             "I-Am": 26, "I-Have": 27, "TimeSynchronization": 32, "Who-Has": 33, "Who-Is": 34, "UTCTimeSynchronization": 36}
    claimed = {names[s] for _, services in bibbs for s in services}
    assert positions == claimed
    assert {b for b, _ in bibbs} >= {"DS-RP-B", "DS-WP-B", "DM-DDB-B", "DM-DOB-B", "DM-DCC-B"}  # B-ASC
    for otype, instance in [(AI, 0x4000), (BI, 1), (BO, 1)]:
        for name, pid, _ in tables[otype]:
            v = peer.call(op="readProperty", address=addr, type=otype, instance=instance, property=pid)
            assert not isinstance(v, tuple), (otype, name, v)


def free_tcp_port_in(low, high):
    for _ in range(200):
        port = random.randint(low, high)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free TCP port")


def test_the_simulator_prints_its_bacnet_endpoint_and_a_capture_decodes_cleanly_in_wireshark(tmp_path):
    """acurev-sim's endpoint table names udp://ADDRESS:PORT; a conformance run against the paced
    simulator, captured by tshark on loopback (root only), decodes with Wireshark's BACnet
    dissectors without a malformed packet or an expert error."""
    import contextlib
    import subprocess
    port = free_udp_port()
    capture = Capture(f"udp port {port}", decode_as=f"udp.port=={port},bvlc")
    with capture if not Capture.unavailable() else contextlib.nullcontext():
        sim = subprocess.Popen([os.path.join(os.environ["ACUREV_BIN"], "acurev-sim"), "run", "--data-dir", str(tmp_path / "data"),
                                "--modbus-port", str(free_tcp_port_in(2000, 5999)), "--set", f"network.https_port={free_tcp_port_in(6000, 9999)}",
                                "--set", "bacnet.enable=true", "--set", f"bacnet.port={port}", "--set", f"bacnet.device_instance={DEVICE}"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            table = []
            for line in sim.stdout:
                table.append(line)
                if line.strip().startswith("seed"):
                    break
            bacnet = [t for t in table if t.strip().startswith("bacnet")]
            assert bacnet and re.match(rf"\s*bacnet\s+running\s+udp://127\.0\.0\.1:{port} ", bacnet[0]), table
            addr = f"127.0.0.1:{port}"
            with BacnetPeer(free_udp_port()) as peer:
                peer.request(op="whoIs", address=addr)
                assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=NAME)[0]["value"] == "2100_WEB2"
                assert len(peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=OBJECT_LIST)) == 1748
                reply = peer.call(op="readPropertyMultiple", address=addr, maxApdu=3, maxSegments=0x60,
                                  specs=[{"type": AI, "instance": i, "props": [{"id": 8}]} for i in (0x4000, 0x4002, 0x4004)])
                assert len(reply) == 3
                assert peer.call(op="readProperty", address=addr, type=AI, instance=1, property=PV) == ("error", 1, 31)
                assert peer.call(op="subscribeCov", address=addr, type=AI, instance=0x4000, id=1, lifetime=60) is True
                assert peer.call(op="writeProperty", address=addr, type=BO, instance=1, property=PV, value={"type": 9, "value": 1},
                                 priority=8) == ("error", 2, 40)
                time.sleep(0.5)
                assert any(e["event"] == "iAm" for e in peer.events())
        finally:
            sim.kill()
            sim.wait(10)
    if Capture.unavailable():
        pytest.skip(Capture.unavailable() + "; the endpoint table was checked")
    assert capture.summary().count("BACnet") >= 20
    assert capture.problems() == ""
    names = capture.verbose()
    assert "Accuenergy (Canada) Inc." in names and "unknown-object" in names and "write-access-denied" in names
    assert "segmented-transmit" in names.lower() or "segmented transmit" in names.lower()

def test_values_the_board_stopped_answering_for_say_so_in_status_flags_and_reliability():
    with fresh_meter() as (rig, peer, addr):
        cat = catalogue()
        va = next(i for i, v in cat.items() if v[1] == "Va_V")
        read = lambda t, i, p: peer.call(op="readProperty", address=addr, type=t, instance=i, property=p)[0]["value"]  # noqa: E731
        assert read(AI, va, FLAGS)["value"] == [0] and read(AI, va, RELIABILITY) == 0
        peer.call(op="subscribeCov", address=addr, type=AI, instance=va, id=3, lifetime=600)
        peer.events()
        rig.power_off()
        rig.advance(40)  # past the 30 s stale time
        assert read(AI, va, FLAGS)["value"] == [2]  # FAULT (bit 1)
        assert read(AI, va, RELIABILITY) == 12      # communication-failure
        assert read(BI, 1, FLAGS)["value"] == [2] and read(BI, 1, RELIABILITY) == 12
        time.sleep(0.2)
        cov = [e for e in peer.events() if e["event"] == "cov"]
        assert cov, "the fault is a change of status flags: a notification"
        flags = {v["property"]["id"]: v["value"][0]["value"] for v in cov[-1]["payload"]["values"]}[FLAGS]
        assert flags["value"] == [2]
        rig.power_on()
        rig.advance(10)
        assert read(AI, va, FLAGS)["value"] == [0] and read(AI, va, RELIABILITY) == 0


def test_a_pulled_cable_closes_the_socket_and_ends_its_subscriptions_and_it_serves_again_when_back():
    with fresh_meter(peer_env={"BACNET_APDU_TIMEOUT": "500"}) as (rig, peer, addr):
        ia = next(i for i, v in catalogue().items() if v[1] == "I001_A")
        assert peer.call(op="subscribeCov", address=addr, type=AI, instance=ia, id=4, lifetime=0) is True
        rig.set_link("eth1", False)
        assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=NAME) == ("timeout",)
        rig.set_link("eth1", True)
        rig.advance(1)
        assert peer.call(op="readProperty", address=addr, type=DEV, instance=DEVICE, property=NAME)[0]["value"] == "AcuRev Test Meter"
        peer.events()
        rig.set_current(1, 15.0, pf=0.9)
        rig.advance(5)
        time.sleep(0.2)
        assert [e for e in peer.events() if e["event"] == "cov"] == [], "the subscription went with the link"
