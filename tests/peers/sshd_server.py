"""A standalone SFTP server for tests: OpenSSH's sshd (Debian openssh-server) on 127.0.0.1:<port>
with one password account that is not in the system's /etc/passwd, chrooted to a folder the
clients may write (an SFTP receiver for the post channels' uploads) or only read.

The technique is the simulator's SFTP download (hal/sim/child_sshd.cpp, docs/sftp.md): sshd runs as
PID 1 of a PID namespace, in a mount namespace of its own where a tmpfs covers /run and generated
passwd, shadow (a SHA-512 crypt hash) and group files are bind-mounted over /etc's. It needs root
(OpenSSH's privilege separation calls setgroups(), which an unprivileged user namespace refuses):
`SftpReceiver.unavailable()` says why it cannot run here, for a pytest skip.

The account is uid 0 inside the chroot; the folder itself is the chroot and the session's home, so
`sftp://127.0.0.1:PORT/file`, `sftp://127.0.0.1:PORT/~/file` and `put file` all land in
`folder/file`. sshd wants the chroot root-owned and not writable by group or others: the folder is
made so (mode 0755) if it is not.

Use from any test folder:

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
    from sshd_server import SftpReceiver

    with SftpReceiver(str(tmp_path / "inbox"), user="meter", password="s3cret") as srv:
        srv.port, srv.url             # 4xxxx, "sftp://127.0.0.1:4xxxx"
        srv.host_key_md5              # hex, for curl --hostpubmd5 / CURLOPT_SSH_HOST_PUBLIC_KEY_MD5
        srv.host_key_sha256           # base64, for curl --hostpubsha256
        srv.known_hosts               # a known_hosts file naming the server's key
        srv.log()                     # what sshd said (logins, refusals, transfers)

Every server stops by itself: at the end of the `with`, when the test process dies (`setpriv
--pdeathsig KILL` on `unshare`, whose `--kill-child` kills sshd, PID 1 of its namespace, and so every
session), and after `lifetime` seconds (default 120) whatever happens.
"""
import base64
import ctypes
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import subprocess
import tempfile
import threading
import time

SSHD = "/usr/sbin/sshd"
SSH_KEYGEN = "/usr/bin/ssh-keygen"
UNSHARE = "/usr/bin/unshare"
SETPRIV = "/usr/bin/setpriv"


def _crypt_sha512(password):
    """crypt(3) SHA-512 through libcrypt (Python's crypt module is gone from Python 3.13)."""
    lib = ctypes.CDLL("libcrypt.so.1")
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    salt = "$6$" + "".join(secrets.choice(alphabet) for _ in range(16))
    out = lib.crypt(password.encode(), salt.encode())
    if not out or not out.startswith(b"$6$"):
        raise RuntimeError("libcrypt could not make a SHA-512 hash")
    return out.decode()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _openssh_version():
    out = subprocess.run([SSHD, "-V"], capture_output=True, text=True, timeout=10)
    m = re.search(r"OpenSSH_(\d+)\.(\d+)", out.stdout + out.stderr)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


class SftpReceiver:
    """sshd serving `folder` over SFTP to `user`/`password` on 127.0.0.1:`port` (a free one by default)."""

    CHROOT = "/run/acurev-sftp-peer"  # inside its mount namespace

    @staticmethod
    def unavailable():
        """Why the server cannot run here (for pytest.skip), or None."""
        if os.geteuid() != 0:
            return "the SFTP test server needs root (sshd's privilege separation calls setgroups(), refused in an unprivileged user namespace)"
        for tool in (SSHD, SSH_KEYGEN, UNSHARE, SETPRIV):
            if not os.access(tool, os.X_OK):
                return tool + " is missing (Debian packages openssh-server, openssh-client, util-linux)"
        return None

    def __init__(self, folder, user="meter", password="s3cret", port=None, read_only=False, authorized_key=None, lifetime=120,
                 work_dir=None):
        """`work_dir` takes the host key, the generated files and sshd's log (default: a temporary
        folder, removed by close())."""
        problem = self.unavailable()
        if problem:
            raise RuntimeError(problem)
        if not re.fullmatch(r"[a-z_][a-z0-9_-]{0,31}", user):
            raise ValueError("user must be a lower-case system user name, got %r" % user)
        if not password and not authorized_key:
            raise ValueError("give a password or an authorized_key")
        self.folder = os.path.abspath(folder)
        self.user, self.password = user, password
        self.port = port or _free_port()
        self.url = "sftp://127.0.0.1:%d" % self.port
        os.makedirs(self.folder, exist_ok=True)
        st = os.stat(self.folder)
        if st.st_uid != 0 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            os.chown(self.folder, 0, 0)
            os.chmod(self.folder, 0o755)
        self._own_work = work_dir is None
        self.work = tempfile.mkdtemp(prefix="acurev-sshd-peer-") if self._own_work else os.path.abspath(work_dir)
        os.makedirs(self.work, exist_ok=True)
        os.chmod(self.work, 0o700)
        self._write_files(read_only, authorized_key)
        self._start(lifetime)

    # -- set-up -------------------------------------------------------------------------------

    def _path(self, name):
        return os.path.join(self.work, name)

    def _write(self, name, text, mode):
        with open(self._path(name), "w") as f:
            f.write(text)
        os.chmod(self._path(name), mode)

    def _write_files(self, read_only, authorized_key):
        key = self._path("host_key")
        subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "acurev-test-peer", "-f", key], check=True, timeout=30)
        blob = base64.b64decode(open(key + ".pub").read().split()[1])
        self.host_key_md5 = hashlib.md5(blob).hexdigest()
        self.host_key_sha256 = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
        self.known_hosts = self._path("known_hosts")
        self._write("known_hosts", "[127.0.0.1]:%d %s\n" % (self.port, " ".join(open(key + ".pub").read().split()[:2])), 0o644)
        nologin = next((s for s in ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false") if os.access(s, os.X_OK)), "/bin/false")
        self._write("passwd", "root:x:0:0:root:/root:%s\nsshd:x:65534:65534:privsep:/run/sshd:%s\n%s:x:0:0:SFTP test peer:/:%s\n"
                    % (nologin, nologin, self.user, nologin), 0o644)
        hashed = _crypt_sha512(self.password) if self.password else "*"
        self._write("shadow", "root:*:19000:0:::::\nsshd:*:19000:0:::::\n%s:%s:19000:0:::::\n" % (self.user, hashed), 0o600)
        self._write("group", "root:x:0:\nnogroup:x:65534:\n", 0o644)
        methods = []
        if self.password:
            methods.append("password")
        if authorized_key:
            self._write("authorized_keys", authorized_key.strip() + "\n", 0o600)
            methods.append("publickey")
        penalties = "PerSourcePenaltyExemptList 127.0.0.0/8\n" if _openssh_version() >= (9, 8) else ""
        self._write("sshd_config", f"""# The tests' SFTP peer (tests/peers/sshd_server.py)
ListenAddress 127.0.0.1:{self.port}
HostKey {key}
PidFile none
UsePAM no
AuthenticationMethods {",".join(methods) if len(methods) == 1 else "any"}
PasswordAuthentication {"yes" if self.password else "no"}
PubkeyAuthentication {"yes" if authorized_key else "no"}
AuthorizedKeysFile {self._path("authorized_keys")}
StrictModes no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
PermitRootLogin yes
AllowUsers {self.user}
MaxAuthTries 6
LoginGraceTime 20
DisableForwarding yes
PermitTTY no
UseDNS no
{penalties}Subsystem sftp internal-sftp
ChrootDirectory {self.CHROOT}
ForceCommand internal-sftp{" -R" if read_only else ""} -d /
""", 0o600)

    def _start(self, lifetime):
        script = "set -e\n" + "\n".join([
            "mount --make-rprivate /",
            "mount -t tmpfs -o mode=0755,size=1m acurev-sftp-peer /run",
            "mkdir -m 0755 /run/sshd %s" % self.CHROOT,
            "mount --bind '%s' %s" % (self.folder, self.CHROOT),
            "mount --bind '%s' /etc/passwd" % self._path("passwd"),
            "mount --bind '%s' /etc/shadow" % self._path("shadow"),
            "mount --bind '%s' /etc/group" % self._path("group"),
            # timeout(1) would not be PID 1: sshd is, and the lifetime is the caller's timer below.
            "exec %s -D -e -f '%s'" % (SSHD, self._path("sshd_config")),
        ]) + "\n"
        self._log = open(self._path("sshd.log"), "wb")
        # setpriv --pdeathsig: unshare dies with the test process; --kill-child: sshd dies with unshare.
        self.process = subprocess.Popen([SETPRIV, "--pdeathsig", "KILL", UNSHARE, "--mount", "--pid", "--fork", "--kill-child=SIGKILL",
                                         "sh", "-c", script],
                                        stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, close_fds=True,
                                        process_group=0)
        # The lifetime: whatever the test does, the server ends.
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            said = self.log()
            if "Server listening on 127.0.0.1 port %d" % self.port in said:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        said = self.log().strip()
        self.close()
        raise RuntimeError("the SFTP test server did not start: " + said)

    # -- use ----------------------------------------------------------------------------------

    def log(self):
        """What sshd said so far."""
        try:
            with open(self._path("sshd.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        """Ends the server and every session (sshd is PID 1 of its namespace); idempotent."""
        p = getattr(self, "process", None)
        if p and p.poll() is None:
            p.kill()
            p.wait(timeout=10)
        if getattr(self, "_timer", None):
            self._timer.cancel()
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def close(self):
        self.stop()
        if self._own_work:
            shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
