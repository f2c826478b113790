"""The OSRM client against a local HTTP server that answers with recorded OSRM table answers."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from klynge.analysis.travel import Estimate, Osrm, place
from klynge.errors import ValidationError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "osrm"


class Recorded(BaseHTTPRequestHandler):
    """Answers as the server's ``mode`` says; keeps every request path it was sent."""

    def do_GET(self):  # noqa: N802 - the name http.server calls
        server = self.server
        server.paths.append(self.path)
        mode = server.mode
        if mode == "hang":
            time.sleep(server.hang)  # the client has given up by now: close without an answer
            return None
        if mode == "garbage":
            return self._send(200, b"<html><body>502 Bad Gateway</body></html>")
        if mode == "http500":
            return self._send(500, b"internal error")
        if mode == "invalid":
            return self._send(400, (FIXTURES / "invalid_query.json").read_bytes())
        query = parse_qs(urlsplit(self.path).query)
        n, m = len(query["sources"][0].split(";")), len(query["destinations"][0].split(";"))
        name = {"ok": f"table_{n}x{m}.json", "durations": "durations_only_1x1.json",
                "shape": "wrong_shape.json"}[mode]
        self._send(200, (FIXTURES / name).read_bytes())

    def _send(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    httpd.daemon_threads = True
    httpd.mode, httpd.paths, httpd.hang = "ok", [], 3.0
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


TRONDHEIM, STEINKJER, ARE, SISTRANDA = (place(n) for n in ("Trondheim", "Steinkjer", "Åre", "Sistranda"))


def test_a_pair_from_the_server_in_minutes_and_km(server):
    leg = Osrm(server.url).between(TRONDHEIM, STEINKJER)
    assert (leg.source, leg.note) == ("osrm", "")
    assert leg.minutes == pytest.approx(6372.4 / 60) and leg.km == pytest.approx(124.3802)
    path = urlsplit(server.paths[0])
    assert path.path == "/table/v1/driving/10.395100,63.430500;11.495000,64.014700"
    assert parse_qs(path.query) == {"sources": ["0"], "destinations": ["1"], "annotations": ["duration,distance"]}


def test_a_matrix_with_an_unroutable_pair_gets_the_estimate_there_marked(server):
    m = Osrm(server.url).matrix([TRONDHEIM, ARE], [STEINKJER, SISTRANDA])
    assert m.minutes[1, 0] == pytest.approx(6401.2 / 60)
    assert [m.source_at(i, j) for i in range(2) for j in range(2)] == ["osrm", "osrm", "osrm", "estimate"]
    assert m.minutes[1, 1] == pytest.approx(Estimate().between(ARE, SISTRANDA).minutes, rel=1e-4)
    assert "no route for 1 of 4 pairs" in m.notes[0]


def test_large_matrices_go_in_blocks(server):
    m = Osrm(server.url, block=1).matrix([TRONDHEIM, ARE], [STEINKJER, SISTRANDA])
    assert len(server.paths) == 4 and (m.source == 2).all()
    assert np.allclose(m.minutes, 6372.4 / 60)


def test_an_answer_without_distances_takes_km_from_the_estimate(server):
    server.mode = "durations"
    leg = Osrm(server.url).between(TRONDHEIM, STEINKJER)
    assert leg.source == "osrm" and leg.km == pytest.approx(Estimate().between(TRONDHEIM, STEINKJER).km, rel=1e-4)


@pytest.mark.parametrize("mode, message", [
    ("garbage", "answered something that is not JSON"),
    ("http500", "answered HTTP 500"),
    ("invalid", "answered HTTP 400: Query string malformed close to position 28"),
    ("shape", "durations that are not a 1 x 1 table"),
])
def test_a_server_that_answers_garbage_gives_the_estimate_and_says_why(server, mode, message):
    server.mode = mode
    leg = Osrm(server.url).between(TRONDHEIM, STEINKJER)
    assert leg.source == "estimate"
    assert message in leg.note and server.url in leg.note and "estimate used instead" in leg.note
    assert leg.minutes == pytest.approx(Estimate().between(TRONDHEIM, STEINKJER).minutes, rel=1e-4)


def test_a_server_that_hangs_times_out_and_gives_the_estimate(server):
    server.mode = "hang"
    start = time.perf_counter()
    leg = Osrm(server.url, timeout=0.5).between(TRONDHEIM, STEINKJER)
    assert time.perf_counter() - start < 2.5
    assert leg.source == "estimate" and "did not answer within 0.5 s" in leg.note


def test_a_server_that_refuses_gives_the_estimate():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    leg = Osrm(f"http://127.0.0.1:{port}", timeout=2).between(TRONDHEIM, STEINKJER)
    assert leg.source == "estimate" and f"cannot reach the OSRM server at http://127.0.0.1:{port}" in leg.note


def test_the_server_address_is_checked():
    with pytest.raises(ValidationError, match="needs the server's address"):
        Osrm()
    with pytest.raises(ValidationError, match="not an http"):
        Osrm("osrm.example.org:5000")
