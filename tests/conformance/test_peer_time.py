"""Peer time: at --speed 3000 a Modbus TCP client idle for 2 wall seconds (100 virtual minutes,
far past the 60 s idle timeout in virtual time) keeps its connection (ARCHITECTURE "Time is virtual")."""
import socket
import struct
import time

from conftest import Sim

READ_FREQUENCY = bytes([0, 1, 0, 0, 0, 6, 1, 0x03, 0x20, 0x00, 0x00, 0x02])


def ask(s):
    s.sendall(READ_FREQUENCY)
    got = b""
    while len(got) < 13:
        part = s.recv(64)
        if not part:
            return None  # the server closed the connection
        got += part
    return struct.unpack(">f", got[9:13])[0]


def test_idle_client_keeps_its_connection_at_speed_3000():
    sim = Sim(["--speed", "3000", "--fidelity", "analytic"])
    try:
        s = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
        assert 49.9 < ask(s) < 50.1
        time.sleep(2.0)
        assert ask(s) is not None, "the connection was closed after 2 wall seconds idle"
        s.close()
        # A half-sent frame is still cut after the frame timeout (3 s of peer time, not 1 ms).
        h = socket.create_connection(("127.0.0.1", sim.port), timeout=10)
        h.sendall(READ_FREQUENCY[:5])
        start = time.monotonic()
        assert h.recv(64) == b""
        assert 2.5 < time.monotonic() - start < 8
        h.close()
    finally:
        assert sim.stop() == 0
