"""Modbus TCP conformance of the running simulator with pymodbus (Debian python3-pymodbus)."""
import struct
import time

from pymodbus.client import ModbusTcpClient


def floats(regs):
    return [struct.unpack(">f", struct.pack(">HH", regs[i], regs[i + 1]))[0] for i in range(0, len(regs), 2)]


def client(sim):
    c = ModbusTcpClient("127.0.0.1", port=sim.port, timeout=5)
    assert c.connect()
    # The first poll cycle takes about a second of real time.
    for _ in range(50):
        r = c.read_holding_registers(0x2000, 2, slave=1)
        if not r.isError():
            return c
        time.sleep(0.2)
    raise AssertionError("the simulator never served 0x2000: %s" % r)


def test_reads_published_blocks_and_manual_example(sim):
    c = client(sim)
    sysblk = c.read_holding_registers(0x2000, 66, slave=1)
    assert not sysblk.isError()
    v = floats(sysblk.registers)
    assert abs(v[0] - 50.0) < 0.01              # frequency of the built-in load
    for va in v[1:4]:                            # 220 V with 2 % 5th: 220.044 V
        assert abs(va - 220.044) < 0.05
    assert abs(v[5] - 381.1) < 1.0               # V ab ~ sqrt(3) x 220 (5th cancels partly)
    assert 0.8 < v[16] <= 1.0                    # system PF
    ch = c.read_holding_registers(0x2100, 108, slave=1).registers + c.read_holding_registers(0x2100 + 108, 108, slave=1).registers
    assert len(ch) == 216
    chf = floats(ch)
    assert abs(chf[0] - 12.0) < 0.01             # channel 1 current of the built-in load
    assert abs(chf[6 * 17] - 43.0 * (1 + 0.04 + 0.01) ** 0.5) < 0.05  # channel 18: 43 A with 20 % 5th, 10 % 7th
    tou = c.read_holding_registers(0x4000, 72, slave=1)    # web manual 5.4.2: 03 40 00 00 48
    assert not tou.isError() and len(tou.registers) == 72
    c.close()


def test_documented_exceptions(sim):
    c = client(sim)
    r = c.read_holding_registers(0x3800, 2, slave=1)
    assert r.isError() and r.exception_code == 2
    r = c.read_holding_registers(0x2000, 126, slave=1)
    assert r.isError() and r.exception_code == 3
    from pymodbus.pdu import ModbusRequest

    class ReportSlaveId(ModbusRequest):  # FC 0x11: not offered by the meter
        function_code = 0x11

        def encode(self):
            return b""

    req = ReportSlaveId(slave=1)
    req.slave_id = req.unit_id = 1
    r = c.execute(req)
    assert r.isError() and r.exception_code == 1
    c.close()


def test_relay_and_settings_writes(sim):
    c = client(sim)
    assert not c.write_coil(0, True, slave=1).isError()
    assert c.read_coils(0, 2, slave=1).bits[:2] == [True, False]
    assert not c.write_coil(0, False, slave=1).isError()
    assert c.read_coils(0, 2, slave=1).bits[0] is False
    before = c.read_holding_registers(0x0889, 1, slave=1).registers[0]
    r = c.write_registers(0x0889, [60000], slave=1)
    assert r.isError() and r.exception_code == 3
    assert c.read_holding_registers(0x0889, 1, slave=1).registers[0] == before
    c.close()
