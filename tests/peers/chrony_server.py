"""Debian's chronyd as an NTP server on 127.0.0.1 and a free UDP port (shared/reference/peers.md §7):
`-x` never touches the machine's clock, `local stratum 8` serves the machine's time as the test's
truth, `cmdport 0` opens no command socket; stop() and start() take it away and bring it back.
Import with `sys.path.insert(0, <tests>/peers)`."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import ntplib

from daemon import DaemonPeer

CHRONYD = shutil.which("chronyd") or "/usr/sbin/chronyd"


class ChronyServer(DaemonPeer):
    @staticmethod
    def unavailable():
        if not os.path.exists(CHRONYD):
            return "chronyd not found: apt-get install -y chrony"
        return None

    def __init__(self, port=None):
        self.dir = tempfile.mkdtemp(prefix="acurev-chrony-")
        if port is None:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.port = port
        self.conf = os.path.join(self.dir, "chrony.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join([f"port {port}", "bindaddress 127.0.0.1", "allow 127.0.0.0/8", "local stratum 8", "cmdport 0",
                               f"pidfile {self.dir}/chronyd.pid", ""]))
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen([CHRONYD, "-x", "-d", "-u", "root", "-f", self.conf], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                ntplib.NTPClient().request("127.0.0.1", port=self.port, timeout=0.5)
                return
            except (ntplib.NTPException, OSError):
                time.sleep(0.1)
        raise RuntimeError("chronyd did not start: " + self.output())

