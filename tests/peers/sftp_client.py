"""The real OpenSSH `sftp` client and curl's SFTP, for tests: a batch of sftp commands with a
password (given through SSH_ASKPASS, so no sshpass and no terminal are needed), and one curl
transfer. Import as tests/peers/sshd_server.py says."""
import os
import stat
import subprocess
import tempfile

SFTP = "/usr/bin/sftp"
SSH = "/usr/bin/ssh"
CURL = "/usr/bin/curl"


def _askpass(folder):
    path = os.path.join(folder, "askpass")
    with open(path, "w") as f:
        f.write('#!/bin/sh\nprintf "%s\\n" "$ACUREV_SFTP_PASSWORD"\n')
    os.chmod(path, stat.S_IRWXU)
    return path


def _options(known_hosts):
    hosts = ["-oStrictHostKeyChecking=yes", "-oUserKnownHostsFile=" + known_hosts] if known_hosts else \
        ["-oStrictHostKeyChecking=no", "-oUserKnownHostsFile=/dev/null"]
    return hosts + ["-oBatchMode=no", "-oPreferredAuthentications=password", "-oPubkeyAuthentication=no",
                    "-oNumberOfPasswordPrompts=1", "-oConnectTimeout=5", "-oGlobalKnownHostsFile=/dev/null", "-oLogLevel=ERROR"]


def _env(askpass, password):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SSH_")}
    env.update(SSH_ASKPASS=askpass, SSH_ASKPASS_REQUIRE="force", ACUREV_SFTP_PASSWORD=password, DISPLAY=env.get("DISPLAY", ":0"))
    return env


def sftp_batch(port, user, password, commands, known_hosts=None, host="127.0.0.1", cwd=None, timeout=20):
    """Runs `commands` (one sftp command a line; a leading '-' lets a command fail without ending the
    batch) as `user` with `password`; the CompletedProcess (text) with returncode, stdout, stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        return subprocess.run([SFTP, "-P", str(port), *_options(known_hosts), "-b", "-", "%s@%s" % (user, host)],
                              input=commands if commands.endswith("\n") else commands + "\n", text=True, capture_output=True,
                              env=_env(_askpass(tmp), password), cwd=cwd, timeout=timeout, stdin=None)


def ssh_command(port, user, password, command, known_hosts=None, host="127.0.0.1", timeout=20):
    """ssh USER@HOST COMMAND with the password: what a shell login attempt gets."""
    with tempfile.TemporaryDirectory() as tmp:
        return subprocess.run([SSH, "-p", str(port), *_options(known_hosts), "-T", "%s@%s" % (user, host), command],
                              input="", text=True, capture_output=True, env=_env(_askpass(tmp), password), timeout=timeout)


def curl(url, user, password, *args, timeout=20):
    """curl URL -u USER:PASSWORD ARGS... (bytes out); returncode 67 is a refused login."""
    return subprocess.run([CURL, "-sS", "--max-time", str(timeout), "-u", "%s:%s" % (user, password), *args, url],
                          capture_output=True, timeout=timeout + 5)
