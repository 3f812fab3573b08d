"""acurev-sim's command line: clear errors for a bad config and a port in use, and ./sim.sh."""
import json
import os
import socket
import subprocess

from pymodbus.client import ModbusTcpClient

from conftest import BIN, Sim, free_port

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def run_sim(args):
    return subprocess.run([os.path.join(BIN, "acurev-sim"), "run"] + args, capture_output=True, text=True, timeout=60)


def test_bad_config_names_the_field(tmp_path):
    cfg = tmp_path / "bad.json"
    cfg.write_text(json.dumps({"wiring": "3LN", "channels": [{"channel": 1, "pf": 1.5}]}))
    r = run_sim(["--config", str(cfg), "--modbus-port", "5998"])
    assert r.returncode != 0
    assert "channels[0].pf" in r.stderr and "0-1" in r.stderr
    cfg.write_text(json.dumps({"ct_type": "5A"}))
    r = run_sim(["--config", str(cfg), "--modbus-port", "5998"])
    assert r.returncode != 0 and "ct_type" in r.stderr and "RCT, 333mV, 80mA, 100mA, 200mA" in r.stderr


def test_modbus_port_out_of_range():
    r = run_sim(["--modbus-port", "70"])
    assert r.returncode != 0 and "Modbus TCP Port must be 502 or 2000-5999, got 70" in r.stderr


def test_port_in_use():
    port = free_port(5000, 5900)
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
        s.listen()
        r = run_sim(["--modbus-port", str(port)])
    assert r.returncode != 0 and "already in use" in r.stderr


def test_sim_sh_reaches_ready_and_serves_plausible_values():
    s = Sim([], cmd=[os.path.join(ROOT, "sim.sh")])
    try:
        c = ModbusTcpClient("127.0.0.1", port=s.port, timeout=5)
        assert c.connect()
        import time
        for _ in range(50):
            r = c.read_holding_registers(0x2000, 4, slave=1)
            if not r.isError():
                break
            time.sleep(0.2)
        import struct
        f = struct.unpack(">f", struct.pack(">HH", *r.registers[:2]))[0]
        assert 49.9 < f < 50.1
        c.close()
    finally:
        assert s.stop() == 0
