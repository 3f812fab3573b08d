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


def test_alarm_set_with_pymodbus_fires_drives_the_relay_and_logs():
    """An over-voltage alarm written with pymodbus (FC16), a sag and swell from the rig, the relay
    and the alarm log read back with pymodbus and rig.readings()."""
    with acurev_sim.Rig(ONE_LOAD) as rig:
        rig.advance(5)
        c = tcp(rig)
        # RO1 as an alarm output; alarm 1: Va (label 1) > 230 V for 1 s, hysteresis 5 V, RO1.
        assert not c.write_registers(0x0A80, [1], slave=rig.unit_id).isError()
        sp = struct.unpack(">HH", struct.pack(">f", 230.0))
        hy = struct.unpack(">HH", struct.pack(">f", 5.0))
        assert not c.write_registers(0x0B10, [1, 1, 0, *sp, 100, *hy, 1], slave=rig.unit_id).isError()
        label_33 = c.write_registers(0x0B11, [33], slave=rig.unit_id)  # 33 names no real-time value
        assert label_33.isError() and label_33.exception_code == 3
        c.close()
        rig.set_voltage(240.0)
        rig.advance(15)
        c = tcp(rig)
        assert c.read_coils(0, 2, slave=rig.unit_id).bits[:2] == [True, False]
        refused = c.write_coil(0, False, slave=rig.unit_id)  # an alarm output is not under manual control
        assert refused.isError() and refused.exception_code == 3
        slot1 = c.read_holding_registers(0x4500 + 16, 10, slave=rig.unit_id).registers
        c.close()
        assert slot1[4:7] == [1, 1, 1]  # alarm 1, status alarm, parameter Va
        assert f32(slot1[7:9]) == pytest.approx(240.0, rel=2e-4)
        rig.set_voltage(220.0)
        rig.advance(15)
        r = rig.readings()
        assert r["ALM_Records"]["value"] == 2 and r["ALM_Active"]["value"] == 0
        c = tcp(rig)
        assert c.read_coils(0, 2, slave=rig.unit_id).bits[:2] == [False, False]
        c.close()


def test_energy_tou_and_power_quality_keys_in_readings():
    cfg = {"fidelity": "sample", "voltage": {"rms": 230.0, "harmonics": [{"order": 5, "percent": 4.0}]},
           "channels": [{"channel": 1, "ct_primary": 100, "current": 40.0, "pf": 0.5}]}
    with acurev_sim.Rig(cfg) as rig:
        rig.advance(40)
        r = rig.readings()
        assert r["THD_Va"]["value"] == pytest.approx(4.0, abs=0.05)
        assert r["Har5_Va"]["value"] == pytest.approx(4.0, abs=0.05)
        assert r["Ang_Vb"]["value"] == pytest.approx(240.0, abs=0.1)
        # 40 s at 230 V x 40 A x 0.5 = 4.6 kW: the kvarh register holds |Q| (7.97 kvar) x 40 s = 0.0885 kvarh -> 0.0
        assert r["EQ001_IMP_kvarh"]["quality"] == "fresh" and r["EQ001_IMP_kvarh"]["value"] == 0.0
        assert r["EP_IMP_MONTH_kWh"]["quality"] == "fresh"


def test_link_disk_and_power_cut_knobs():
    with acurev_sim.Rig(ONE_LOAD) as rig:
        rig.advance(3)
        c = tcp(rig)
        assert not c.read_holding_registers(0x2000, 2, slave=1).isError()
        rig.set_link("eth1", False)
        c.close()
        c = ModbusTcpClient("127.0.0.1", port=rig.modbus_port, timeout=1)
        assert not c.connect()  # eth1's listener is closed
        rig.set_link("eth1", True)
        c = tcp(rig)
        assert not c.read_holding_registers(0x2000, 2, slave=1).isError()
        c.close()
        with pytest.raises(ValueError, match="unknown network interface 'eth9'"):
            rig.set_link("eth9", False)

        rig.set_disk_full(True)
        errors = rig.change_settings({"device.description": "full"})
        assert len(errors) == 1 and "No space left on device" in errors[0]
        rig.set_disk_full(False)
        rig.cut_power_in_next_write(10)
        errors = rig.change_settings({"device.description": "cut"})
        assert len(errors) == 1 and "power cut while writing settings.json" in errors[0]
        assert rig.settings()["device.description"] == "AcuRev 2100"
        assert rig.change_settings({"device.description": "Panel 3", "network.modbus_tcp_idle_timeout": 30}) == []
        assert rig.settings()["device.description"] == "Panel 3"
        assert rig.change_settings({"meter.ct_ratio_1": 1}) == ["CT Ratio 1 must be between 5 and 50000 A, got 1"]
