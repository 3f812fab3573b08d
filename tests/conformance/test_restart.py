"""Restart = power cycle: settings written over Modbus, energy, an alarm record, a demand peak, the
run time and the clock come back after kill -9 and after SIGTERM with the same --data-dir; energy
loses at most the last wall second; the board clock ran on while the process was down."""
import datetime
import os
import signal
import struct
import time

import pytest
from pymodbus.client import ModbusTcpClient

from conftest import Sim

SPEED = 100


def u32(regs):
    return (regs[0] << 16) | regs[1]


def f32(regs):
    return struct.unpack(">f", struct.pack(">HH", *regs))[0]


class Meter:
    def __init__(self, data_dir):
        self.sim = Sim(["--data-dir", str(data_dir), "--speed", str(SPEED), "--fidelity", "analytic"])
        self.c = ModbusTcpClient("127.0.0.1", port=self.sim.port, timeout=5)
        assert self.c.connect()

    def regs(self, address, count):
        r = self.c.read_holding_registers(address, count, slave=1)
        assert not r.isError(), (hex(address), r)
        return r.registers

    def energy(self):
        return u32(self.regs(0x2506, 2))  # system kWh import, 0.1 kWh

    def clock(self):
        y, mo, d, h, mi, s, _ = self.regs(0x0180, 7)
        return datetime.datetime(y, mo, d, h, mi, s)

    def snapshot(self):
        alarm_log = self.regs(0x4500, 26)
        return {"ct1": self.regs(0x0889, 1)[0], "energy": self.energy(), "records": u32(alarm_log[1:3]),
                "slot1": alarm_log[16:26], "peak": f32(self.regs(0x2D04, 2)), "run_time": u32(self.regs(0x0120, 2)),
                "clock": self.clock()}

    def wait(self, check, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if check():
                return
            time.sleep(0.2)
        raise AssertionError("timed out")

    def close(self):
        self.c.close()


@pytest.mark.parametrize("how", ["kill -9", "SIGTERM"])
def test_restart_with_the_same_data_dir_is_a_power_cycle(tmp_path, how):
    m = Meter(tmp_path)
    try:
        assert not m.c.write_register(0x0889, 200, slave=1).isError()  # CT primary of channel 1
        # Alarm 1: Va (label 1) > 200 V at once: the 220 V supply fires it.
        assert not m.c.write_registers(0x0B10, [1, 1, 0, 0x4348, 0], slave=1).isError()
        m.wait(lambda: u32(m.regs(0x4501, 2)) >= 1)
        m.wait(lambda: f32(m.regs(0x2D04, 2)) > 0)  # a demand peak (first sub-interval: 3 wall s)
        e1, t1 = m.energy(), time.monotonic()
        time.sleep(1.0)
        before = m.snapshot()
        rate = (before["energy"] - e1) / (time.monotonic() - t1)  # counts per wall second
        assert rate > 0
        m.close()
        if how == "kill -9":
            m.sim.proc.send_signal(signal.SIGKILL)
            m.sim.proc.wait(10)
        else:
            assert m.sim.stop() == 0
        time.sleep(2.0)  # the supply is off for 2 wall seconds
    finally:
        if m.sim.proc.poll() is None:
            m.sim.stop()

    r = Meter(tmp_path)
    try:
        assert any("restarted from the board memory" in l for l in r.sim.lines)
        after = r.snapshot()
        assert after["ct1"] == 200
        assert after["slot1"] == before["slot1"] and after["records"] >= before["records"]
        assert after["peak"] >= before["peak"] > 0
        assert after["run_time"] >= before["run_time"]
        # At most the last wall second of energy (plus the module's read lag of 5 virtual s) is lost.
        assert after["energy"] >= before["energy"] - rate * (1.0 + 5.0 / SPEED) - 1
        # The clock ran on (by the 2 wall seconds down, then at the simulator's speed); a board that
        # started from the config's start time again would read an earlier time than before.
        ran = (after["clock"] - before["clock"]).total_seconds()
        assert ran >= 2.0 - 1
        # The power cycle is in the event log: window of the newest records ends with power down, up.
        newest = u32(r.regs(0x4600, 2))
        assert not r.c.write_registers(0x0B08, [newest >> 16 & 0xFFFF, newest - 1 & 0xFFFF, 2], slave=1).isError()
        r.wait(lambda: u32(r.regs(0x4604, 2)) == newest - 1 and r.regs(0x4606, 1)[0] == 2)
        window = r.regs(0x4600 + 9, 18)
        types = [window[6], window[9 + 6]]
        assert types == [2, 1], window  # power off (2), then power on (1)
    finally:
        r.close()
        assert r.sim.stop() == 0
