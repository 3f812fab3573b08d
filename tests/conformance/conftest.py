"""Starts the real acurev-sim process on a free 127.0.0.1 port for the conformance tests."""
import os
import re
import socket
import struct
import subprocess
import time

import pytest

BIN = os.environ.get("ACUREV_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "bin"))


def free_port(lo=3000, hi=4999):
    """A free TCP port in the Modbus TCP range the manual allows (2000-5999)."""
    for port in range(lo + os.getpid() % 500, hi):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


class Sim:
    def __init__(self, args, cmd=None):
        self.port = free_port()
        cmd = cmd or [os.path.join(BIN, "acurev-sim"), "run"]
        self.proc = subprocess.Popen(cmd + ["--modbus-port", str(self.port)] + args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("acurev-sim exited: " + self.proc.stderr.read())
            self.lines.append(line.rstrip())
            if line.startswith("ready"):
                break
        # The endpoint table follows "ready" and ends with the seed line.
        while not self.lines[-1].lstrip().startswith("seed"):
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip())
        self.wait_for_first_readings()
        self.pty = None
        for l in self.lines:
            m = re.search(r"modbus-rtu\s+(\S+)", l)
            if m:
                self.pty = m.group(1)

    def wait_for_first_readings(self, timeout=30):
        """Until the module has polled a measured window from the board (frequency > 0)."""
        from pymodbus.client import ModbusTcpClient
        c = ModbusTcpClient("127.0.0.1", port=self.port, timeout=2)
        deadline = time.time() + timeout
        try:
            while time.time() < deadline:
                if c.connect():
                    r = c.read_holding_registers(0x2000, 2, slave=1)
                    if not r.isError() and struct.unpack(">f", struct.pack(">HH", *r.registers))[0] > 0:
                        time.sleep(1.5)  # one more poll cycle: every block now holds a measured window
                        return
                time.sleep(0.2)
        finally:
            c.close()
        raise RuntimeError("acurev-sim served no measured values within %d s" % timeout)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return self.proc.returncode


@pytest.fixture(scope="module")
def sim():
    s = Sim(["--pty"])
    yield s
    assert s.stop() == 0  # Ctrl-C / SIGTERM stops it cleanly
