"""An external RTU master (libmodbus) polls the virtual board on the pty and reads what the
Modbus TCP server serves."""
import os
import subprocess

from conftest import BIN


def test_libmodbus_rtu_over_pty_matches_tcp(sim):
    assert sim.pty and os.path.exists(sim.pty), sim.lines
    out = subprocess.run([os.path.join(BIN, "rtu_vs_tcp"), sim.pty, str(sim.port)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Va" in out.stdout
