"""A throw-away PostgreSQL server for the test run, started from Debian's binaries.

The run starts it and stops it itself; if it cannot be started the tests
that need it fail (never skip), because a skipped database is not a pass.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_pg_bin() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL is not installed: initdb not found (apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.bin = find_pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="cs_handbook_pg_"))
        self.data = self.root / "data"
        self.port = _free_port()
        # initdb refuses to run as root; run the server as the postgres user.
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.run_as:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.user = "postgres" if self.run_as else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args):
        subprocess.run([*self.run_as, *args], check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                  "-U", self.user)
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=600")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not start listening")

    def create_database(self, name: str) -> str:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{name}"

    def pin(self, cores: set[int] | None) -> None:
        """Move the server and its backends to `cores` (None: every core); backends it forks later follow
        the postmaster. For benchmarks that time the app and its database on one core."""
        cores = cores if cores is not None else set(range(os.cpu_count() or 1))
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                pid, parent = int(stat.parent.name), int(stat.read_text().rsplit(")", 1)[1].split()[1])
                if postmaster in (pid, parent):
                    os.sched_setaffinity(pid, cores)
            except (OSError, ValueError, IndexError):
                continue  # a backend that ended meanwhile

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
