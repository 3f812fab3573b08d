"""The tests' handle on tests/bacnet/peer.mjs (@bacnet-js/client under Node.js): request() sends one
JSON request and returns its reply; BACnet errors come back as ("error", class, code) tuples."""
import json
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
PEER_DIR = os.path.join(HERE, "..", "bacnet")


def install():
    """npm ci of the pinned client (package-lock.json), once per checkout."""
    if not os.path.isdir(os.path.join(PEER_DIR, "node_modules", "@bacnet-js", "client")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEER_DIR, check=True, timeout=300)


class BacnetPeer:
    def __init__(self, port, interface="127.0.0.1", env=None):
        install()
        self.proc = subprocess.Popen(["node", os.path.join(PEER_DIR, "peer.mjs"), str(port), interface], cwd=PEER_DIR,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "TZ": "UTC", **(env or {})})
        first = json.loads(self.proc.stdout.readline() or "{}")
        assert first.get("ready"), "the BACnet peer did not start"
        self.port = port

    def request(self, **r):
        self.proc.stdin.write(json.dumps(r) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the BACnet peer died"
        return json.loads(line)

    def call(self, **r):
        """The reply's values; ('error', class, code), ('abort', reason) or ('timeout',) when the device refused."""
        reply = self.request(**r)
        if reply["ok"]:
            return reply.get("values", True)
        m = re.search(r"Class:(\d+) - Code:(\d+)", reply["error"])
        if m:
            return ("error", int(m.group(1)), int(m.group(2)))
        m = re.search(r"Abort - Reason:(\d+)", reply["error"])
        if m:
            return ("abort", int(m.group(1)))
        if "TIMEOUT" in reply["error"].upper():
            return ("timeout",)
        raise AssertionError(reply["error"])

    def events(self):
        return self.request(op="events")["events"]

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
