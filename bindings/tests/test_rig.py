"""pytest drives the rig through the acurev_sim bindings and checks it with pymodbus."""
import struct

import pytest
from pymodbus.client import ModbusTcpClient

import acurev_sim

ONE_LOAD = {"fidelity": "analytic", "voltage": {"rms": 220.0}, "channels": [{"channel": 1, "ct_primary": 100, "current": 0.0}]}


def tcp(rig):
    c = ModbusTcpClient("127.0.0.1", port=rig.modbus_port, timeout=5)
    assert c.connect()
    return c


def u32(regs):
    return (regs[0] << 16) | regs[1]


def f32(regs):
    return struct.unpack(">f", struct.pack(">HH", regs[0], regs[1]))[0]


def test_load_step_then_15_minutes_through_pymodbus_and_readings():
    with acurev_sim.Rig(ONE_LOAD) as rig:
        rig.advance(5)
        rig.set_current(1, 50.0, pf=1.0)  # the step: 220 V x 50 A = 11 kW
        rig.advance(15 * 60)
        c = tcp(rig)
        p = f32(c.read_holding_registers(0x2100 + 2, 2, slave=rig.unit_id).registers)
        kwh = u32(c.read_holding_registers(0x2508, 2, slave=rig.unit_id).registers) * 0.1
        c.close()
        r = rig.readings()
        assert p == pytest.approx(11.0, rel=2e-4)
        assert r["P001_kW"]["value"] == pytest.approx(11.0, rel=2e-4) and r["P001_kW"]["quality"] == "fresh"
        # 11 kW for 15 min = 2.75 kWh; the 0.1 kWh register never runs ahead of the energy.
        assert 2.65 <= kwh <= 2.75
        assert r["EP001_IMP_kWh"]["value"] == pytest.approx(kwh)


def test_bus_cut_goes_stale_and_recovers():
    with acurev_sim.Rig(ONE_LOAD) as rig:
        rig.advance(5)
        rig.set_faults(disconnected=True)
        assert rig.run_until(lambda: rig.readings()["Freq_Hz"]["quality"] == "stale", timeout=60, step=1)
        c = tcp(rig)
        r = c.read_holding_registers(0x2000, 2, slave=rig.unit_id)
        assert r.isError() and r.exception_code == 0x0B
        c.close()
        rig.set_faults()
        assert rig.run_until(lambda: rig.readings()["Freq_Hz"]["quality"] == "fresh", timeout=60, step=1)


def test_relay_write_while_time_is_paused_and_di():
    with acurev_sim.Rig(ONE_LOAD) as rig:
        rig.set_digital_input(3, True)
        rig.advance(3)
        c = tcp(rig)
        assert not c.write_coil(1, True, slave=rig.unit_id).isError()  # forwarded to the board over RS-485
        assert c.read_coils(0, 2, slave=rig.unit_id).bits[:2] == [False, True]
        assert c.read_discrete_inputs(0, 18, slave=rig.unit_id).bits[2] is True
        c.close()


def test_same_seed_same_readings_and_bad_config_is_refused():
    def run(seed):
        cfg = dict(ONE_LOAD, seed=seed, fidelity="sample")
        cfg["channels"] = [{"channel": 1, "current": 20.0, "noise": 0.2}]
        with acurev_sim.Rig(cfg) as rig:
            rig.advance(30)
            return {k: v["value"] for k, v in rig.readings().items()}
    assert run(5) == run(5)
    assert run(5) != run(6)
    with pytest.raises(ValueError, match=r"channels\[0\]\.pf"):
        acurev_sim.Rig({"channels": [{"channel": 1, "pf": 2}]})


def test_load_step_then_15_minutes_demand_through_pymodbus_and_readings():
    with acurev_sim.Rig(ONE_LOAD) as rig:
        rig.advance(5)
        rig.set_current(1, 50.0, pf=1.0)  # an 11 kW step at 00:00:05
        rig.advance(15 * 60 + 55)           # 00:16:00: the rolling 15/5-min demand updated at 00:15:00
        expected = 11.0 * 895 / 900         # mean of the three 5-minute sub-intervals
        c = tcp(rig)
        regs = c.read_holding_registers(0x2D00, 9, slave=rig.unit_id).registers
        c.close()
        assert f32(regs[0:2]) == pytest.approx(expected, rel=5e-4)
        assert f32(regs[4:6]) == pytest.approx(expected, rel=5e-4)          # the peak so far
        assert regs[6:9] == [(26 << 8) | 1, (1 << 8) | 0, (15 << 8) | 0]     # at 2026-01-01 00:15:00
        r = rig.readings()
        assert r["DMD_P_kW"]["value"] == pytest.approx(f32(regs[0:2]))
        assert r["MAX_DMD_P_kW"]["value"] == pytest.approx(f32(regs[4:6]))
        assert r["DMD_P001_kW"]["value"] == pytest.approx(expected, rel=5e-4)
        assert r["DMD_I001_A"]["value"] == pytest.approx(50.0 * 895 / 900, rel=5e-4)


def test_snapshot_restores_the_control_faces():
    with acurev_sim.Rig(ONE_LOAD) as rig:
        rig.set_current(1, 20.0)
        rig.advance(3)
        snap = rig.snapshot()
        rig.set_current(1, 80.0)
        rig.set_digital_input(2, True)
        rig.set_faults(disconnected=True)
        rig.power_off()
        rig.restore(snap)
        rig.advance(5)
        r = rig.readings()
        assert r["I001_A"]["value"] == pytest.approx(20.0, rel=2e-4) and r["I001_A"]["quality"] == "fresh"
        c = tcp(rig)
        assert c.read_discrete_inputs(0, 18, slave=rig.unit_id).bits[1] is False
        c.close()
