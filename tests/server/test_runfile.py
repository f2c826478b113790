"""A second ``klynge demo --serve`` on the same home folder finds the running one and leaves its links valid."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

from klynge.server.runfile import running_server, write_run_file
from klynge.settings import load_settings

from ..serving import free_port


def _signin_status(link: str) -> tuple[int, str]:
    parts = urlsplit(link)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    return response.status, response.getheader("Location") or ""


def test_a_second_demo_start_prints_the_first_ones_links_and_they_still_sign_in(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
    env.update(KLYNGE_HOME=str(tmp_path / ".klynge"))  # no KLYNGE_BASE_URL: the links follow --port
    log = (tmp_path / "first.log").open("w")
    first = subprocess.Popen([sys.executable, "-m", "klynge", "demo", "--serve", "--no-browser", "--port", str(port)],
                             cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        printed = []
        for line in first.stdout:
            printed.append(line.strip())
            if line.startswith("Klynge is running"):
                break
        links = [line.split(": ", 1)[1] for line in printed if "/signin?key=" in line]
        assert len(links) == 4 and all(link.startswith(f"http://localhost:{port}/") for link in links), printed
        deadline = time.monotonic() + 120
        while running_server(load_settings(env)) is None or not running_server(load_settings(env)).answers:
            assert time.monotonic() < deadline and first.poll() is None, (tmp_path / "first.log").read_text()
            time.sleep(0.3)

        second = subprocess.run([sys.executable, "-m", "klynge", "demo", "--serve", "--no-browser", "--port",
                                 str(free_port())], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=120)
        assert second.returncode == 0, second.stderr
        assert "already runs" in second.stdout and str(first.pid) in second.stdout
        assert all(link in second.stdout for link in links)
        status, location = _signin_status(links[0])
        assert status == 302 and location.endswith("/voila/render/participant.ipynb")
    finally:
        first.terminate()
        first.wait(timeout=30)
        first.stdout.close()
        log.close()
    assert running_server(load_settings(env)) is None  # the note went with the server


def test_a_note_left_by_a_process_that_is_gone_is_ignored(tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(tmp_path)})
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    path = write_run_file(settings, 8866, "http://localhost:8866/")
    path.write_text(path.read_text().replace(str(os.getpid()), gone.stdout.strip()))
    assert running_server(settings) is None
