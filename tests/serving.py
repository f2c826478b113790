"""Servers the tests start themselves: a free port of loopback, and a real ``klynge serve``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    """Whether a Klynge server answers at ``url`` (its plain sign-in page is a 403)."""
    try:
        urllib.request.urlopen(f"{url}/login", timeout=2)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


@contextmanager
def klynge_serve(home: Path, url: str, port: int, *options: str, db: str | None = None,
                 env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """``klynge serve`` on ``home`` in a clean environment, logging to ``home/server.log``.

    ``db`` is given as ``klynge --db``, ``env`` adds to the environment. Waits up to a minute for
    the server to answer, and stops it when the block ends.
    """
    log = home / "server.log"
    given = env or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
    env.update(KLYNGE_HOME=str(home), KLYNGE_BASE_URL=url, **given)
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "klynge", *(("--db", db) if db else ()), "serve",
                                    "--no-browser", *options, "--port", str(port)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while not answers(url):
        if time.time() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"klynge serve did not start:\n{log.read_text()}")
        time.sleep(0.3)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
