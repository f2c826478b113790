"""``klynge serve`` itself: a port that another program holds is said in one line, before anything starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from klynge.errors import KlyngeError, PortTaken
from klynge.server import check_port

from ..serving import free_port


@pytest.fixture
def taken_port():
    """A port of 127.0.0.1 that another program (this test) listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.mark.parametrize("command", [["serve"], ["demo", "--serve"]], ids=["serve", "demo"])
def test_klynge_serve_on_a_taken_port_says_so_in_one_line_and_fails(tmp_path, taken_port, command):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
    env["KLYNGE_HOME"] = str(tmp_path / "home")
    done = subprocess.run([sys.executable, "-m", "klynge", *command, "--no-browser", "--port", str(taken_port)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == f"klynge: port {taken_port} is taken by another program; choose another with --port\n"
    assert "running" not in done.stdout
    # Nothing was started or made on the way: no database, no secret, no note of a running server.
    assert not (tmp_path / "home").exists()


def test_check_port(taken_port):
    with pytest.raises(PortTaken) as taken:
        check_port(taken_port)
    assert taken.value.port == taken_port and isinstance(taken.value, KlyngeError)
    check_port(free_port())
    with pytest.raises(KlyngeError, match="no port 70000"):
        check_port(70000)
