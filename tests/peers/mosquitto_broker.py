"""Debian's mosquitto on 127.0.0.1 and a free port, for the MQTT tests: anonymous, or with a
password file (`users={"meter": "s3cret"}`); stopped by close(). Import with
`sys.path.insert(0, <tests>/peers)`."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

from daemon import DaemonPeer


class Broker(DaemonPeer):
    @staticmethod
    def unavailable():
        for tool in ("mosquitto", "mosquitto_passwd", "mosquitto_sub"):
            if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
                return tool + " not found: apt-get install -y mosquitto mosquitto-clients"
        return None

    def __init__(self, users=None, port=None, tls=None, require_certificate=False, persistence=False):
        """tls=(ca, cert, key): a second listener, `self.tls_port`, with TLS (the plain one stays for subscribers)."""
        self.dir = tempfile.mkdtemp(prefix="acurev-mosquitto-")
        if port is None:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.port = port
        lines = ["per_listener_settings true", "user root"]
        lines += ["persistence true", f"persistence_location {self.dir}/", "autosave_interval 1"] if persistence else ["persistence false"]
        lines += [f"listener {port} 127.0.0.1"]
        if users:
            pw = os.path.join(self.dir, "passwd")
            open(pw, "w").close()
            for user, password in users.items():
                subprocess.run(["mosquitto_passwd", "-b", pw, user, password], check=True, capture_output=True)
            lines += ["allow_anonymous false", f"password_file {pw}"]
        else:
            lines += ["allow_anonymous true"]
        if tls:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.tls_port = s.getsockname()[1]
            lines += [f"listener {self.tls_port} 127.0.0.1", "allow_anonymous true", f"cafile {tls[0]}", f"certfile {tls[1]}", f"keyfile {tls[2]}"]
            if require_certificate:
                lines += ["require_certificate true"]
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.start()

    def start(self):
        exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.proc = subprocess.Popen([exe, "-c", self.conf, "-v"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("mosquitto did not start: " + self.output())



class Subscriber:
    """mosquitto_sub on `topic`, printing `topic payload` lines; lines() reads what arrived."""

    def __init__(self, broker, topic, user=None, password=None, durable_id=None, qos=1):
        args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", topic, "-v", "-q", str(qos)]
        if durable_id:  # a session the broker keeps across a disconnect (and, with persistence, its restart)
            args += ["-c", "-i", durable_id]
        if user:
            args += ["-u", user, "-P", password]
        self.out = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT)
        time.sleep(0.5)  # subscribed before anything is published

    def lines(self):
        self.out.flush()
        self.out.seek(0)
        return [line for line in self.out.read().splitlines() if line.strip()]

    def wait_for(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.lines()) < count:
            time.sleep(0.05)
        return self.lines()

    def close(self):
        self.proc.terminate()
        self.proc.wait(5)
        self.out.close()
