"""SNMP (web manual 7.9) against Debian's net-snmp tools: the whole tree (system group, then every
published parameter) walks in order and ends with snmpwalk and snmpbulkwalk, each value equal to
what Modbus TCP serves at the same instant; a wrong community gets no answer; two rigs in one process
answer with their own values and communities; a link down closes the agent's socket and a link up
opens it again; truncated, oversized and seeded random datagrams get silence or an error and the
agent keeps answering; the MIB the page serves parses cleanly with snmptranslate and names every OID."""
import math
import os
import random
import re
import socket
import struct
import subprocess
import tempfile

import pytest
from pymodbus.client import ModbusTcpClient

import acurev_sim
from test_api import catalogue

SYSTEM = "1.3.6.1.2.1.1"
PARAMETERS = "1.3.6.1.4.1.39604.21.1"
TOOLS = {"env": {**os.environ, "MIBS": ""}, "capture_output": True, "text": True, "timeout": 60}


def free_snmp_port(start=[16100 + os.getpid() % 100]):
    """A UDP port of the manual's range 16100-16199 that nothing on 127.0.0.1 holds now."""
    for i in range(100):
        port = 16100 + (start[0] - 16100 + i) % 100
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        start[0] = port + 1
        return port
    raise RuntimeError("no free UDP port in 16100-16199")


class SnmpRig:
    """A rig with SNMP on; .snmp is the agent's address for the tools."""

    def __init__(self, community="public", current=10.0, **settings):
        port = free_snmp_port()
        config = {"fidelity": "analytic", "channels": [{"channel": 1, "current": current, "pf": 0.9}, {"channel": 2, "current": 5.0, "pf": 0.8}],
                  "settings": {"snmp.enable": True, "snmp.port": port, "snmp.community": community, **settings}}
        self.rig = acurev_sim.Rig(config)
        self.snmp = f"127.0.0.1:{port}"

    def __getattr__(self, name):
        return getattr(self.rig, name)


def snmp(tool, rig, *args, community="public", timeout=2):
    return subprocess.run([tool, "-v2c", "-c", community, "-On", "-t", str(timeout), "-r", "0", rig.snmp, *args], **TOOLS)


LINE = re.compile(r"^\.(\S+) = (?:(\w+): )?(.*)$")


def varbinds(out):
    """[(oid, type, value)] of snmpget/snmpwalk -On output."""
    rows = []
    for line in out.splitlines():
        m = LINE.match(line)
        assert m, line
        rows.append((m.group(1), m.group(2), m.group(3)))
    return rows


def key(oid):
    return tuple(int(n) for n in oid.split("."))


def published_registers():
    """module register -> (type, scale) of every published parameter (docs/register-map.md)."""
    ids = os.path.join(os.path.dirname(__file__), "..", "..", "firmware", "catalogue", "released-ids.tsv")
    cat = catalogue()
    out = {}
    for line in open(ids):
        fields = line.rstrip("\n").split("\t")
        if line.startswith("#") or fields[4] == "-":  # BACnet's binary objects have no OID
            continue
        kind, scale, register = cat[fields[0]]
        out[register] = (kind, scale)
    return out


def modbus_raw(c, kind, register):
    regs = c.read_holding_registers(register, 1 if kind == "uint16" else 2, slave=1).registers
    if kind == "float32":
        return struct.unpack(">f", struct.pack(">HH", *regs))[0]
    return regs[0] if kind == "uint16" else (regs[0] << 16) | regs[1]


def served_value(kind, raw):
    """What the agent serves for a register (docs/snmp.md): a float32 in thousandths rounded half away
    from zero, an integer register as it is."""
    if kind == "float32":
        return int(math.copysign(math.floor(abs(raw * 1000.0) + 0.5), raw))
    return raw


def assert_tree(rows, registers):
    oids = [key(o) for o, _, _ in rows]
    assert oids == sorted(oids) and len(set(oids)) == len(oids)
    assert [o for o, _, _ in rows[:7]] == [f"{SYSTEM}.{n}.0" for n in range(1, 8)]
    params = [o for o, _, _ in rows[7:]]
    assert params == [f"{PARAMETERS}.{r}.0" for r in sorted(registers)]


@pytest.fixture(scope="module")
def agent():
    rig = SnmpRig()
    try:
        rig.advance(16)  # every block read (power quality every 15 s)
        yield rig
    finally:
        rig.close()


def test_the_whole_tree_walks_in_order_ends_and_equals_modbus_tcp(agent):
    registers = published_registers()
    walks = []
    for tool, *options in [("snmpwalk",), ("snmpbulkwalk", "-Cr50")]:
        r = snmp(tool, agent, *options, ".1")
        assert r.returncode == 0, r.stderr
        rows = varbinds(r.stdout)
        assert rows[-1][2] == "No more variables left in this MIB View (It is past the end of the MIB tree)", tool  # it ends
        walks.append(rows[:-1])
    rows = walks[0]
    assert_tree(rows, registers)
    assert walks[1] == rows  # time is paused: the same instant
    system = {o: (t, v) for o, t, v in rows[:7]}
    assert system[f"{SYSTEM}.1.0"] == ("STRING", '"AcuRev 2100 WEB2 module, firmware 0.1.0, module serial EHM26110001-W, meter serial EHM26110001"')
    assert system[f"{SYSTEM}.2.0"] == ("OID", ".1.3.6.1.4.1.39604.21")
    assert system[f"{SYSTEM}.3.0"][0] == "Timeticks"
    assert system[f"{SYSTEM}.5.0"] == ("STRING", '"AcuRev 2100"')  # device.description
    assert system[f"{SYSTEM}.7.0"] == ("INTEGER", "72")
    c = ModbusTcpClient("127.0.0.1", port=agent.modbus_port, timeout=5)
    assert c.connect()
    try:
        for oid, typ, value in rows[7:]:
            register = int(oid.split(".")[-2])
            kind, _ = registers[register]
            assert typ == ("INTEGER" if kind == "float32" else "Gauge32"), oid
            assert int(value) == served_value(kind, modbus_raw(c, kind, register)), (oid, value)
    finally:
        c.close()


def test_get_getnext_and_the_errors_of_a_get(agent):
    va = f"{PARAMETERS}.8194.0"
    r = snmp("snmpget", agent, va, f"{PARAMETERS}.8194", ".1.3.6.1.4.1.39604.99.0")
    assert varbinds(r.stdout) == [(va, "INTEGER", varbinds(r.stdout)[0][2]), (f"{PARAMETERS}.8194", None, "No Such Instance currently exists at this OID"),
                                  ("1.3.6.1.4.1.39604.99.0", None, "No Such Object available on this agent at this OID")]
    assert 200000 < int(varbinds(r.stdout)[0][2]) < 240000  # 230 V in thousandths
    n = snmp("snmpgetnext", agent, f"{PARAMETERS}.8192.0", ".1.3.6.1.2.1.1.7.0")
    assert [o for o, _, _ in varbinds(n.stdout)] == [va, f"{PARAMETERS}.{min(published_registers())}.0"]
    s = subprocess.run(["snmpset", "-v2c", "-c", "public", "-t", "2", "-r", "0", agent.snmp, va, "i", "5"], **TOOLS)
    assert "notWritable" in s.stdout + s.stderr


def test_a_wrong_community_or_snmpv3_gets_no_answer(agent):
    r = snmp("snmpget", agent, f"{SYSTEM}.1.0", community="publicX", timeout=0.5)
    assert r.returncode != 0 and "Timeout" in r.stderr and r.stdout == ""
    v3 = subprocess.run(["snmpget", "-v3", "-u", "public", "-l", "noAuthNoPriv", "-t", "0.5", "-r", "0", agent.snmp, f"{SYSTEM}.1.0"], **TOOLS)
    assert v3.returncode != 0 and "Timeout" in v3.stderr


def services(rig):
    from conftest import Web
    w = Web(getattr(rig, "rig", rig), tempfile.mkdtemp())
    return {s["name"]: s for s in w.login("user").get(w.url + "/api/v1/services").json()["services"]}


def test_two_rigs_in_one_process_answer_with_their_own_values_and_communities(agent):
    other = SnmpRig(community="second-one", current=20.0)
    try:
        other.advance(4)
        ia = f"{PARAMETERS}.8210.0"  # Ia_A: 10 A and 20 A of channel 1 on phase A
        mine = int(varbinds(snmp("snmpget", agent, ia).stdout)[0][2])
        theirs = int(varbinds(snmp("snmpget", other, ia, community="second-one").stdout)[0][2])
        assert abs(theirs - 2 * mine) < 200, (mine, theirs)
        assert "Timeout" in snmp("snmpget", other, ia, timeout=0.5).stderr  # the first rig's community
        assert "Timeout" in snmp("snmpget", agent, ia, community="second-one", timeout=0.5).stderr
        assert f"udp://{other.snmp} (eth1)" in services(other)["snmp"]["detail"]
    finally:
        other.close()
    assert snmp("snmpget", agent, ia).returncode == 0  # the first still answers once the second is gone


def test_values_the_module_does_not_hold_fresh_are_not_served(agent):
    """Stale 30 s after the board's last answer (README "Faults"): noSuchInstance, and a walk passes over them."""
    va = f"{PARAMETERS}.8194.0"
    agent.power_off()
    try:
        agent.advance(40)
        assert varbinds(snmp("snmpget", agent, va).stdout) == [(va, None, "No Such Instance currently exists at this OID")]
        rows = varbinds(snmp("snmpbulkwalk", agent, "-Cr50", ".1").stdout)
        assert [o for o, _, _ in rows[:-1]] == [f"{SYSTEM}.{n}.0" for n in range(1, 8)]
    finally:
        agent.power_on()
        agent.advance(16)
    assert varbinds(snmp("snmpget", agent, va).stdout)[0][1] == "INTEGER"


def test_disabled_by_default_nothing_listens(rig):
    assert services(rig)["snmp"]["detail"] == "disabled"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 161 if os.geteuid() == 0 else 10161))  # the device port (mapped when not root) is free


def test_a_link_down_closes_the_socket_and_a_link_up_opens_it_again(agent):
    agent.set_link("eth1", False)
    try:
        assert "Timeout" in snmp("snmpget", agent, f"{SYSTEM}.3.0", timeout=0.5).stderr
        host, port = agent.snmp.split(":")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((host, int(port)))  # the agent's socket is closed: the port is free
    finally:
        agent.set_link("eth1", True)
    assert snmp("snmpget", agent, f"{SYSTEM}.3.0").returncode == 0
    assert services(agent)["snmp"]["state"] == "running"


def ber(tag, body):
    n = len(body)
    head = bytes([n]) if n < 0x80 else (b"\x81" + bytes([n]) if n < 0x100 else b"\x82" + struct.pack(">H", n))
    return bytes([tag]) + head + body


def ber_int(v):
    return ber(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def ber_oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        while p > 0x7F:
            p >>= 7
            chunk.insert(0, 0x80 | (p & 0x7F))
        body += bytes(chunk)
    return ber(0x06, body)


def get_request(community, oid, request_id=1, pdu=0xA0, version=1):
    vb = ber(0x30, ber(0x30, ber_oid(oid) + b"\x05\x00"))
    return ber(0x30, ber_int(version) + ber(0x04, community.encode()) + ber(pdu, ber_int(request_id) + ber_int(0) + ber_int(0) + vb))


def test_bad_datagrams_get_silence_or_an_error_and_the_agent_keeps_answering(agent):
    host, port = agent.snmp.split(":")
    good = get_request("public", f"{SYSTEM}.5.0")
    rng = random.Random(2100)
    packets = [good[:n] for n in range(len(good))]  # every truncation
    packets += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 1500))) for _ in range(300)]  # random
    for _ in range(300):  # a good request with random bytes changed: BER lengths, tags, OIDs that lie
        p = bytearray(good)
        for _ in range(rng.randrange(1, 4)):
            p[rng.randrange(len(p))] = rng.randrange(256)
        packets.append(bytes(p))
    packets += [good + bytes(60000), b"\x30\x84\xff\xff\xff\xff" + bytes(65000), bytes(65507)]  # oversized
    packets += [get_request("public", "1.3." + ".".join(["4294967295"] * 120)),  # 128 sub-identifiers at 2^32-1
                get_request("public", f"{SYSTEM}.1.0", pdu=0xA5),  # GETBULK with 0 repetitions
                get_request("public", "1.3", pdu=0xA2),  # a Response PDU sent to the agent
                get_request("public", f"{SYSTEM}.1.0", version=3)]  # not v1/v2c
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setblocking(False)
        for p in packets:
            try:
                s.sendto(p, (host, int(port)))
            except OSError:
                pass  # larger than the loopback allows
        agent.advance(0.1)
        replies = []
        while True:
            try:
                replies.append(s.recv(65536))
            except BlockingIOError:
                break
    for r in replies:  # an answer is an SNMP message (a response to a request that still parsed)
        assert r[0] == 0x30, r[:16]
    r = snmp("snmpget", agent, f"{SYSTEM}.5.0")
    assert varbinds(r.stdout) == [(f"{SYSTEM}.5.0", "STRING", '"AcuRev 2100"')]
    assert services(agent)["snmp"]["state"] == "running"


def test_a_large_getbulk_answer_fits_a_datagram(agent):
    r = snmp("snmpbulkget", agent, "-Cr10000", ".1")
    assert r.returncode == 0, r.stderr
    rows = varbinds(r.stdout)
    assert 50 < len(rows) < 1734 and [key(o) for o, _, _ in rows] == sorted(key(o) for o, _, _ in rows)


# Stand-ins for the three IETF modules the MIB imports (Debian ships none of them: snmp-mibs-downloader
# is non-free). net-snmp's parser knows the SMI's macros and base types itself; it needs only the OID
# path to `enterprises`. A real NMS has the real modules (docs/snmp.md: checked with smilint).
STAND_INS = {
    "SNMPv2-SMI": "SNMPv2-SMI DEFINITIONS ::= BEGIN\nenterprises OBJECT IDENTIFIER ::= { iso 3 6 1 4 1 }\nEND\n",
    "SNMPv2-TC": "SNMPv2-TC DEFINITIONS ::= BEGIN\nEND\n",
    "SNMPv2-CONF": "SNMPv2-CONF DEFINITIONS ::= BEGIN\nEND\n",
}


def test_the_mib_from_the_page_parses_cleanly_and_names_every_oid(web):
    text = web.login("user").get(web.url + "/api/v1/snmp/mib")
    assert text.status_code == 200 and 'filename="ACUREV2100-WEB2-MIB.txt"' in text.headers["Content-Disposition"]
    catalogue_mib = subprocess.run([os.path.join(os.environ["ACUREV_BIN"], "acurev-catalogue"), "--mib"], **TOOLS).stdout
    assert text.text == catalogue_mib
    registers = sorted(published_registers())
    with tempfile.TemporaryDirectory() as d:
        for name, body in STAND_INS.items():
            open(os.path.join(d, name + ".txt"), "w").write(body)
        open(os.path.join(d, "ACUREV2100-WEB2-MIB.txt"), "w").write(text.text)
        oids = [f".{PARAMETERS}.{r}.0" for r in registers]
        r = subprocess.run(["snmptranslate", "-M", d, "-m", "ACUREV2100-WEB2-MIB", *oids], **TOOLS)
        assert r.returncode == 0 and r.stderr == "", r.stderr[:2000]
        names = r.stdout.split()
        assert len(names) == len(registers) and all(re.fullmatch(r"ACUREV2100-WEB2-MIB::acurev[A-Za-z0-9]+\.0", n) for n in names), names[:5]
        assert len(set(names)) == len(names)
        back = subprocess.run(["snmptranslate", "-M", d, "-m", "ACUREV2100-WEB2-MIB", "-On", "ACUREV2100-WEB2-MIB::acurevVaV.0"], **TOOLS)
        assert back.stdout.strip() == f".{PARAMETERS}.8194.0"
        hint = subprocess.run(["snmptranslate", "-M", d, "-m", "ACUREV2100-WEB2-MIB", "-Td", f".{PARAMETERS}.8194"], **TOOLS).stdout
        assert 'DISPLAY-HINT\t"d-3"' in hint and 'UNITS\t\t"V"' in hint and "SYNTAX\tInteger32" in hint


def test_a_capture_of_get_walk_bulkwalk_and_bad_datagrams_decodes_cleanly_in_wireshark(agent):
    """Wireshark's SNMP dissector on a tshark capture (root only): every reply of the agent decodes
    without a malformed packet or an expert error. The test's own bad datagrams are left out of the
    check: the filter keeps only what the agent sent."""
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
    from capture import Capture
    if Capture.unavailable():
        pytest.skip(Capture.unavailable())
    port = int(agent.snmp.split(":")[1])
    capture = Capture(f"udp src port {port}", decode_as=f"udp.port=={port},snmp")
    with capture:
        assert snmp("snmpget", agent, f"{SYSTEM}.1.0", f"{SYSTEM}.3.0", f"{PARAMETERS}.8194.0").returncode == 0
        assert snmp("snmpwalk", agent, SYSTEM).returncode == 0
        assert snmp("snmpbulkwalk", agent, "-Cr25", PARAMETERS).returncode == 0
        assert snmp("snmpget", agent, f"{PARAMETERS}.1.0").returncode == 0  # noSuchObject
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for d in [b"\x30\x03\x02\x01", b"\x30" + bytes(60), bytes(range(256))]:
                s.sendto(d, ("127.0.0.1", port))
        assert snmp("snmpget", agent, f"{SYSTEM}.5.0").returncode == 0
    summary = capture.summary()
    assert summary.count("get-response") >= 20, summary[:2000]
    assert all(" SNMP " in line for line in summary.splitlines()), summary[:2000]  # each reply the dissector's own
    assert capture.problems() == ""
    assert "noSuchObject" in capture.verbose()
