"""acurev-sim run --set KEY=VALUE and a "settings" object in --config set any module or board
setting at start, validated like any write; a bad key or value is one message and exit 1."""
import json
import os
import subprocess

import pytest
from pymodbus.client import ModbusTcpClient

from conftest import BIN, Sim


def run_sim(args):
    return subprocess.run([os.path.join(BIN, "acurev-sim"), "run", "--duration", "1", "--speed", "0"] + args,
                          capture_output=True, text=True, timeout=60)


def test_set_reaches_the_board_and_the_module(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"settings": {"meter.ct_ratio_2": 400, "network.modbus_tcp_idle_timeout": 30}}))
    sim = Sim(["--config", str(cfg), "--set", "meter.ct_ratio_1=200", "--set", "meter.wiring=2LL",
               # Both sides of a cross-field rule at once: 4 >= 2 x 2 holds only with both applied.
               "--set", "meter.demand_interval=4", "--set", "meter.demand_subinterval=2",
               "--set", "alarms.alarm1_setpoint=240.5", "--set", "device.description=Panel 3", "--fidelity", "analytic"])
    try:
        c = ModbusTcpClient("127.0.0.1", port=sim.port, timeout=5)
        assert c.connect()
        assert c.read_holding_registers(0x0888, 3, slave=1).registers == [4, 200, 400]  # wiring, CT ratio 1, 2
        assert c.read_holding_registers(0x080B, 2, slave=1).registers == [4, 2]  # interval, sub-interval
        assert c.read_holding_registers(0x0B13, 2, slave=1).registers == [0x4370, 0x8000]  # 240.5 as float32
        c.close()
    finally:
        assert sim.stop() == 0


@pytest.mark.parametrize("assignment, message", [
    ("meter.ct_ratio_1=60000", "CT Ratio 1 must be between 5 and 50000 A, got 60000"),
    ("meter.wiring=4LN", 'Wiring of Three Phase User must be one of 1LN (0), 3LN (1)'),
    ("alarms.alarm1_enable=yes", 'Alarm 1 Enable must be true or false, got "yes"'),
    ("meter.demand_subinterval=10", "Averaging Interval Window 15 min must be at least 2 x the sub-interval (10 min)"),
    ("network.modbus_tcp_port=70", "Modbus TCP Port must be 502 or 2000-5999, got 70"),
    ("nope.x=1", "unknown setting 'nope.x'"),
    ("meter.ct_ratio_1", "expected KEY=VALUE"),
], ids=["range", "choice", "boolean", "cross-field", "module", "unknown", "no-value"])
def test_a_bad_set_is_one_message_and_exit_1(assignment, message):
    r = run_sim(["--set", assignment])
    assert r.returncode == 1, r.stderr
    assert message in r.stderr
    assert r.stderr.count("\n") == 1


def test_a_bad_bind_address_is_named():
    r = run_sim(["--bind", "localhost:80"])
    assert r.returncode == 1 and "--bind localhost:80 is not an IPv4 address" in r.stderr
