"""A throwaway PostgreSQL server for the tests, or the one named by KLYNGE_TEST_POSTGRES.

Debian's PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
user, in a temporary folder, on a free port of 127.0.0.1, with a password-protected role.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .serving import free_port

INSTALL = "apt-get update && apt-get install -y postgresql"


def find_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), newest version first."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Server:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` is a psycopg URL."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="klynge-pg-"))
        self.port = free_port()
        self.password = "klynge-test"
        self.url = f"postgresql+psycopg://klynge:{self.password}@127.0.0.1:{self.port}/klynge"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *cmd: str, **kw) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as, *cmd], check=True, capture_output=True, text=True, **kw)

    def start(self) -> Server:
        if self._as:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        pwfile = self.dir / "pw"
        pwfile.write_text(self.password)
        if self._as:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "klynge", "-A", "scram-sha-256",
                  f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C.UTF-8")
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(self.dir / "log"),
                  "-w", "start")
        env = {**os.environ, "PGPASSWORD": self.password}
        for _ in range(50):
            done = subprocess.run([str(self.bindir / "psql") if (self.bindir / "psql").exists() else "psql",
                                   "-h", "127.0.0.1", "-p", str(self.port), "-U", "klynge", "-d", "postgres",
                                   "-c", "CREATE DATABASE klynge"], env=env, capture_output=True, text=True)
            if done.returncode == 0:
                return self
            time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL did not accept connections: {done.stderr}")

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
