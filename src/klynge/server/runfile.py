"""A running server leaves a note in its home folder: which process, which port, which address.

``klynge demo --serve`` writes the note as it starts (loading the demo takes a while) and
reads it first: when another process on the same home folder holds it, the demo says so
instead of loading again or making new sign-in keys (which would revoke the links the first
one printed). A note whose process is gone is stale and is ignored.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from ..settings import Settings

__all__ = ["LINKS_FILE", "RUN_FILE", "RunningServer", "remove_run_file", "running_server", "save_links",
           "saved_links", "write_run_file"]

RUN_FILE = "server.json"
# The demo's sign-in links as its server printed them: keys are stored only as hashes, so a
# second `klynge demo --serve` can show them again only from here (readable by the owner only).
LINKS_FILE = "demo-links.txt"


@dataclass(frozen=True)
class RunningServer:
    """A server that runs, or is starting, on this home folder: its process id, port and address."""

    pid: int
    port: int
    url: str

    @property
    def answers(self) -> bool:
        """Whether its port takes connections yet (False while it is still starting)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2):
                return True
        except OSError:
            return False


def _path(settings: Settings) -> Path:
    return settings.home_path / RUN_FILE


def write_run_file(settings: Settings, port: int, url: str) -> Path:
    """Note that this process serves (or is about to serve) ``url`` on ``port``."""
    path = _path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": os.getpid(), "port": port, "url": url}), encoding="utf-8")
    return path


def remove_run_file(settings: Settings) -> None:
    """Take the note away, if it is this process's own."""
    server = _read(_path(settings))
    if server is not None and server.pid == os.getpid():
        _path(settings).unlink(missing_ok=True)


def _read(path: Path) -> RunningServer | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunningServer(int(data["pid"]), int(data["port"]), str(data["url"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a live Klynge process (not one that took a dead server's number)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    try:
        return b"klynge" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # no /proc here: a live process is all we can know
        return True


def running_server(settings: Settings) -> RunningServer | None:
    """The server that runs or starts on this home folder now, or None (no note, or a stale one)."""
    server = _read(_path(settings))
    if server is None or server.pid == os.getpid() or not _alive(server.pid):
        return None
    return server


def save_links(settings: Settings, text: str) -> Path:
    """Keep the sign-in links a demo server printed, readable by this user only."""
    path = settings.home_path / LINKS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def saved_links(settings: Settings) -> str | None:
    """The sign-in links the running demo printed, or None when they were not kept."""
    try:
        return (settings.home_path / LINKS_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
