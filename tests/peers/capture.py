"""A tshark capture on loopback for the conformance runs (Wireshark's dissectors as an independent
decoder). Capturing needs root and tshark: `Capture.unavailable()` says why not, so a test skips
only its capture part. check() returns the packets Wireshark finds malformed or marks with an
expert error, and the decoded text for the test's own checks."""
import os
import shutil
import subprocess
import tempfile
import time


class Capture:
    def __init__(self, bpf_filter, decode_as=None):
        self.filter = bpf_filter
        self.decode_as = decode_as  # e.g. "udp.port==47900,bvlc": a dissector for a port that is not its own
        self.dir = tempfile.mkdtemp()
        self.file = os.path.join(self.dir, "capture.pcapng")
        self.proc = None

    @staticmethod
    def unavailable():
        if os.geteuid() != 0:
            return "capturing on loopback needs root (CI has it)"
        if not shutil.which("tshark"):
            return "tshark is not installed (ci/install-deps.sh installs it)"
        return None

    def __enter__(self):
        self.proc = subprocess.Popen(["tshark", "-i", "lo", "-f", self.filter, "-w", self.file], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        for line in self.proc.stderr:  # "Capturing on 'Loopback: lo'"
            if "Capturing on" in line:
                break
        time.sleep(1.0)  # dumpcap says so a moment before its filter is in place
        return self

    def __exit__(self, *exc):
        time.sleep(0.5)  # the last packets reach the file
        self.proc.terminate()
        self.proc.wait(10)

    def _read(self, *args):
        cmd = ["tshark", "-r", self.file] + (["-d", self.decode_as] if self.decode_as else []) + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout

    def summary(self):
        return self._read()

    def verbose(self):
        return self._read("-V")

    def problems(self):
        """Packets with a malformed-packet mark or an expert error: empty when everything decoded cleanly."""
        return self._read("-Y", "_ws.malformed || _ws.expert.severity >= error")
