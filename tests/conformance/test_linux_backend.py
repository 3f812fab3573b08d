"""The same firmware on the Linux backend (acurev-fw: termios serial, wall-clock pacing) polls the
virtual board on a pty (acurev-meter --pty) and serves it over Modbus TCP."""
import os
import struct
import subprocess
import time

from pymodbus.client import ModbusTcpClient

from conftest import BIN, free_port


def test_acurev_fw_polls_acurev_meter_over_a_pty(tmp_path):
    meter = subprocess.Popen([os.path.join(BIN, "acurev-meter"), "--pty"], stdout=subprocess.PIPE, text=True)
    fw = None
    try:
        assert meter.stdout.readline().startswith("ready")
        pty = meter.stdout.readline().split()[1]
        port = free_port()
        fw = subprocess.Popen([os.path.join(BIN, "acurev-fw"), "--serial", "rs485:%s?baud=19200&parity=none" % pty,
                               "--data-dir", str(tmp_path / "fw"), "--bind", "127.0.0.1", "--modbus-port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert fw.stdout.readline().startswith("ready"), fw.stderr.read()
        c = ModbusTcpClient("127.0.0.1", port=port, timeout=3)
        assert c.connect()
        values = None
        for _ in range(50):
            r = c.read_holding_registers(0x2000, 8, slave=1)
            if not r.isError():
                values = [struct.unpack(">f", struct.pack(">HH", *r.registers[i:i + 2]))[0] for i in range(0, 8, 2)]
                if values[0] > 0:
                    break
            time.sleep(0.2)
        c.close()
        assert values and abs(values[0] - 50.0) < 0.01 and abs(values[1] - 220.044) < 0.05, values
        assert (tmp_path / "fw" / "settings.json").exists()  # settings saved in the data dir only
    finally:
        for p in (fw, meter):
            if p:
                p.terminate()
                p.wait(timeout=10)
