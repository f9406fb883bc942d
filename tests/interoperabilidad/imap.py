"""A real IMAP server for the tests: Debian's dovecot, started in the foreground with a config
written to a temporary folder, on a free loopback port, with one passwd-file user. Messages
are delivered with APPEND over IMAP, as a mail server would leave them in the mailbox."""

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "oficialia"
PASSWORD = "buzon-de-prueba"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
# Plain passwords over loopback only: the test talks to 127.0.0.1.
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.root.chmod(0o755)  # the mail process runs as the dovecot user
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def maildir(self) -> Path:
        return self.root / "home" / USER / "Maildir"

    def start(self) -> "Dovecot":
        if os.getuid() == 0:
            # Dovecot never gives mail access to uid 0: the mailbox belongs to its own user.
            account = pwd.getpwnam("dovecot")
            uid, gid, users = account.pw_uid, account.pw_gid, ""
        else:
            uid, gid = os.getuid(), os.getgid()
            me = pwd.getpwuid(uid).pw_name
            users = f"default_internal_user = {me}\ndefault_login_user = {me}"
        (self.root / "home").mkdir()
        os.chown(self.root / "home", uid, gid)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        conf = self.root / "dovecot.conf"
        conf.write_text(
            CONFIG.format(root=self.root, uid=uid, gid=gid, port=self.port, users=users)
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=(self.root / "stderr.log").open("w"),
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        return "".join(
            p.read_text()
            for p in (self.root / "stderr.log", self.root / "dovecot.log")
            if p.exists()
        )

    def append(self, raw: bytes) -> None:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(USER, PASSWORD)
        typ, data = conn.append("INBOX", None, None, raw)
        conn.logout()
        assert typ == "OK", data

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)
