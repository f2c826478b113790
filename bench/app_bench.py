"""App benchmark: how fast a participant gets an editable canvas board, measured against a toy page.

In one run, on one ``klynge serve`` (and a second one with preheated kernels):

- time from opening the participant app (already signed in) to an editable board, beside the
  same measure for a three-widget toy notebook on the same server (the floor);
- time from opening a sign-in link to the home page;
- the server's memory before and after 50 requests without a valid key (no kernel may start);
- 10 participants opening the app at once: server-side render times measured with plain HTTP
  clients (no browsers competing for the two cores), and the server's memory with 10 kernels;
- page weight: bytes transferred from a sign-in link to an editable board (and for the toy),
  compressed as served, with the heaviest front-end resources;
- time to editable on an emulated mobile connection (Chrome DevTools' "Slow 4G" and "Fast 4G"
  presets), the app against the toy;
- with ``--busy``: 20 sign-ins, one after another, while one busy loop per core keeps the
  machine busy: time from link to an editable board (median, p95, worst), how many pages showed
  the retry message, and how many stayed blank (none may).

Run with ``make bench`` (or ``python bench/app_bench.py``); the method and the last table are in
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from klynge import operations as ops
from klynge import resources
from klynge.model import Organisation
from klynge.settings import load_settings

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Chrome DevTools' network presets (devtools-frontend, front_end/core/sdk/NetworkManager.ts), as
# Network.emulateNetworkConditions takes them: round-trip latency in ms, throughput in bytes/s.
NETWORKS = {
    "Slow 4G": {"latency": 150 * 3.75, "downloadThroughput": 1.6e6 / 8 * 0.9, "uploadThroughput": 750e3 / 8 * 0.9},
    "Fast 4G": {"latency": 60 * 2.75, "downloadThroughput": 9e6 / 8 * 0.9, "uploadThroughput": 1.5e6 / 8 * 0.9},
}
TOY = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": [
        "import ipywidgets as w\n",
        "name = w.Text(placeholder='Navn')\n",
        "button = w.Button(description='Lagre')\n",
        "w.VBox([name, button, w.Label('Klar')])"]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the kernels), in MB."""
    total = 0
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-e"], capture_output=True, text=True).stdout
    rows = [tuple(int(x) for x in line.split()) for line in out.splitlines()]
    family = {pid}
    for _ in range(3):
        family |= {p for p, pp, _ in rows if pp in family}
    for p, _pp, rss in rows:
        if p == pid:
            total += rss
    return total / 1024, sum(rss for p, _pp, rss in rows if p in family and p != pid) / 1024


def _populate(home: Path, url: str, people: int) -> list[str]:
    settings = load_settings({"KLYNGE_HOME": str(home), "KLYNGE_BASE_URL": url})
    ops.init_cluster(settings, "Benk")
    with ops.store_for(settings) as store:
        org = store.add_organisation(ops.SYSTEM, Organisation(name="Fjellgløtt Guiding", country="NO",
                                                              orgnr="974760673", municipality="5021"), 1)
    return [ops.invite(settings, name=f"Deltaker {i}", email=f"d{i}@fjellglott.example",
                       organisation=str(org)).link for i in range(people)]


class Server:
    def __init__(self, home: Path, apps: Path, preheat: bool, env: dict | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.home, self.apps, self.preheat, self.env = home, apps, preheat, env or {}

    def start(self, links_home: Path | None = None) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
        env.update(KLYNGE_HOME=str(self.home), KLYNGE_BASE_URL=self.url, **self.env)
        cmd = [sys.executable, "-m", "klynge", "serve", "--no-browser", "--port", str(self.port),
               "--apps", str(self.apps)] + ([] if self.preheat else ["--no-preheat"])
        self.log = (self.home / f"server-{self.port}.log").open("w")
        self.process = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                urllib.request.urlopen(self.url + "/login", timeout=1)
            except urllib.error.HTTPError:
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def _cookie(link: str) -> str:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    try:
        urllib.request.build_opener(NoRedirect).open(link, timeout=10)
    except urllib.error.HTTPError as exc:
        return exc.headers["Set-Cookie"].split(";")[0]
    raise RuntimeError("sign-in did not redirect")


def _browser_times(server: Server, links: list[str], rounds: int, settle: float) -> dict[str, list[float]]:
    """Seconds per round for each measure, every page in a fresh browser (an empty cache).

    ``signin_board``: a sign-in link to an editable board (home page, a click on Canvases, the
    board's "add a note" button enabled); ``signin_toy``: the same for the toy notebook, whose
    browser holds a session cookie from a sign-in made beforehand (the sign-in link itself leads
    to the person's app, not to the toy). ``board`` and ``toy``: the same pages again in a
    browser that has loaded them once (a warm cache). ``settle`` seconds before each page let
    the server refill its warm kernels, as the pause between two people opening the app would.
    """
    from playwright.sync_api import sync_playwright

    times = {"signin_board": [], "signin_toy": [], "board": [], "toy": []}

    def board_ready(page):
        page.wait_for_selector(".klynge-nav-canvases")
        page.click(".klynge-nav-canvases")
        page.wait_for_selector(".kb-add:enabled")

    def toy_ready(page):
        page.wait_for_selector(".widget-text input")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=CHROMIUM_ARGS)

        def measure(ctx, url, ready) -> float:
            page = ctx.new_page()
            time.sleep(settle)
            t0 = time.perf_counter()
            page.goto(url)
            ready(page)
            seconds = time.perf_counter() - t0
            page.goto("about:blank")  # the page unloads and its kernel shuts down
            page.close()
            return seconds

        for i in range(rounds):
            name, value = _cookie(links[i]).split("=", 1)
            cookie = {"name": name, "value": value, "url": server.url}
            ctx = browser.new_context(locale="nb-NO")
            times["signin_board"].append(measure(ctx, links[i], board_ready))
            times["board"].append(measure(ctx, server.url + "/voila/render/participant.ipynb", board_ready))
            ctx.close()
            ctx = browser.new_context(locale="nb-NO")
            ctx.add_cookies([cookie])
            times["signin_toy"].append(measure(ctx, server.url + "/voila/render/toy.ipynb", toy_ready))
            times["toy"].append(measure(ctx, server.url + "/voila/render/toy.ipynb", toy_ready))
            ctx.close()
        browser.close()
    return times


def _keyless(server: Server, n: int) -> tuple[float, float, float]:
    time.sleep(2)
    before, kernels_before = _rss_mb(server.process.pid)
    for i in range(n):
        for path in (f"/signin?key=nope{i}.x", "/voila/render/participant.ipynb", "/"):
            try:
                urllib.request.urlopen(server.url + path, timeout=10)
            except urllib.error.HTTPError:
                pass
    time.sleep(1)
    after, kernels_after = _rss_mb(server.process.pid)
    return before, after, kernels_after - kernels_before


def _concurrent(server: Server, links: list[str]) -> tuple[list[float], float, float]:
    cookies = [_cookie(link) for link in links]
    results = [0.0] * len(cookies)
    barrier = threading.Barrier(len(cookies))

    def one(i: int) -> None:
        request = urllib.request.Request(server.url + "/voila/render/participant.ipynb",
                                         headers={"Cookie": cookies[i], "Accept-Language": "nb"})
        barrier.wait()
        t0 = time.perf_counter()
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()
        results[i] = time.perf_counter() - t0

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(cookies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server_mb, kernels_mb = _rss_mb(server.process.pid)
    return results, server_mb, kernels_mb


class Traffic:
    """What one page fetched, read from Chromium's DevTools protocol.

    ``wire`` is the bytes received per request as sent (headers and the body as served, gzip
    included: ``Network.loadingFinished.encodedDataLength``); ``decoded`` the body after decoding
    (the sum of ``Network.dataReceived.dataLength``). ``socket`` counts the payload of the frames
    received on the kernel's websocket (widget state, including an anywidget's JavaScript and CSS),
    sent uncompressed, under the pseudo-path ``(kernel websocket)``.
    """

    def __init__(self, page, network: dict | None = None):
        self.urls: dict[str, str] = {}
        self.wire: dict[str, int] = {}
        self.decoded: dict[str, int] = defaultdict(int)
        self.socket = 0
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.dataReceived", self._data)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp.send("Network.enable")
        if network:
            self.cdp.send("Network.emulateNetworkConditions", {"offline": False, **network})

    def _response(self, event) -> None:
        self.urls[event["requestId"]] = event["response"]["url"]

    def _data(self, event) -> None:
        self.decoded[event["requestId"]] += event["dataLength"]

    def _finished(self, event) -> None:
        self.wire[event["requestId"]] = int(event["encodedDataLength"])

    def _frame(self, event) -> None:
        frame = event["response"]
        data = frame.get("payloadData", "")
        # text frames come as text, binary ones base64-encoded
        self.socket += len(data.encode()) if frame.get("opcode") == 1 else len(data) * 3 // 4

    def total(self) -> tuple[int, int]:
        """Bytes received and decoded bytes, over every finished request and the websocket frames."""
        return (sum(self.wire.values()) + self.socket,
                sum(self.decoded[r] for r in self.wire) + self.socket)

    def by_path(self, base: str) -> dict[str, tuple[int, int]]:
        """``{path: (wire, decoded)}`` with the server's address and query strings left out."""
        rows: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for rid, wire in self.wire.items():
            url = self.urls.get(rid, "")
            path = urlsplit(url).path if url.startswith(base) else url
            rows[path][0] += wire
            rows[path][1] += self.decoded[rid]
        rows["(kernel websocket)"] = [self.socket, self.socket]
        return {path: (w, d) for path, (w, d) in rows.items()}


def _weight_and_network(server: Server, links: list[str], rounds: int, settle: float) -> dict:
    """Page weight at first load and seconds to editable on emulated mobile networks, app and toy.

    Every page opens in a fresh browser context (an empty cache). The app's measure starts at a
    sign-in link and ends at an editable board (as in :func:`_browser_times`); the toy's at the
    toy's address in a browser holding a session cookie, and ends at its text box.
    """
    from playwright.sync_api import sync_playwright

    def board_ready(page):
        page.wait_for_selector(".klynge-nav-canvases", timeout=180_000)
        page.click(".klynge-nav-canvases")
        page.wait_for_selector(".kb-add:enabled", timeout=180_000)

    def toy_ready(page):
        page.wait_for_selector(".widget-text input", timeout=180_000)

    out = {"weight": {}, "resources": {}, "network": {name: {"app": [], "toy": []} for name in NETWORKS}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=CHROMIUM_ARGS)

        def load(which: str, i: int, network: dict | None) -> tuple[float, Traffic]:
            ctx = browser.new_context(locale="nb-NO")
            if which == "toy":
                name, value = _cookie(links[i % len(links)]).split("=", 1)
                ctx.add_cookies([{"name": name, "value": value, "url": server.url}])
            page = ctx.new_page()
            traffic = Traffic(page, network)
            time.sleep(settle)
            t0 = time.perf_counter()
            if which == "app":
                page.goto(links[i % len(links)], timeout=180_000)
                board_ready(page)
            else:
                page.goto(server.url + "/voila/render/toy.ipynb", timeout=180_000)
                toy_ready(page)
            seconds = time.perf_counter() - t0
            page.wait_for_timeout(500)  # requests still in flight finish
            page.goto("about:blank")  # the page unloads and its kernel shuts down
            ctx.close()
            return seconds, traffic

        for which in ("app", "toy"):
            _, traffic = load(which, 0, None)
            out["weight"][which] = traffic.total()
            out["resources"][which] = traffic.by_path(server.url)
        for name, network in NETWORKS.items():
            for i in range(rounds):
                for which in ("app", "toy"):
                    out["network"][name][which].append(load(which, i, network)[0])
        browser.close()
    return out


def _print_weight(result: dict, rounds: int) -> None:
    med = statistics.median
    app_wire, app_decoded = result["weight"]["app"]
    toy_wire, toy_decoded = result["weight"]["toy"]
    print("\npage weight at first load (empty cache), bytes received as served (gzip; websocket frames as "
          "sent) and decoded:\n")
    print("| page | transferred (kB) | decoded (kB) | ratio to toy (transferred) |")
    print("|---|---:|---:|---:|")
    print(f"| sign-in link to an editable board | {app_wire / 1000:.0f} | {app_decoded / 1000:.0f} | "
          f"{app_wire / toy_wire:.2f} |")
    print(f"| toy notebook | {toy_wire / 1000:.0f} | {toy_decoded / 1000:.0f} | 1.00 |")
    print(f"\nseconds to editable on an emulated network, median of {rounds} rounds, empty cache:\n")
    print("| network | app (s) | toy (s) | ratio to toy |")
    print("|---|---:|---:|---:|")
    for name, times in result["network"].items():
        app, toy = med(times["app"]), med(times["toy"])
        print(f"| {name} | {app:.2f} | {toy:.2f} | {app / toy:.2f} |")
    toy_paths = result["resources"]["toy"]
    rows = sorted(result["resources"]["app"].items(), key=lambda item: -item[1][0])[:10]
    print("\nheaviest resources of the app's first load:\n")
    print("| resource | transferred (kB) | decoded (kB) | the toy's (kB transferred) |")
    print("|---|---:|---:|---:|")
    for path, (wire, decoded) in rows:
        toy = f"{toy_paths[path][0] / 1000:.1f}" if path in toy_paths else "-"
        print(f"| `{path}` | {wire / 1000:.1f} | {decoded / 1000:.1f} | {toy} |")


def _busy_loops(seconds: float) -> list[subprocess.Popen]:
    """One process per core spinning for at most ``seconds`` (they stop by themselves if not stopped)."""
    code = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(os.cpu_count() or 2)]


def _nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * q // 100) - 1)] if ordered else float("nan")


def _busy_signins(server: Server, links: list[str], n: int, settle: float, limit: float) -> dict:
    """``n`` sign-ins on a busy machine, each in a fresh browser: seconds to an editable board.

    A page that shows the retry message is retried (its button), and its time runs on until the
    board is editable. A page that shows neither the app nor the message within ``limit``
    seconds counts as blank.
    """
    from playwright.sync_api import TimeoutError as Timeout
    from playwright.sync_api import sync_playwright

    out = {"seconds": [], "retried": 0, "blank": 0}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=CHROMIUM_ARGS)
        for i in range(n):
            time.sleep(settle)
            ctx = browser.new_context(locale="nb-NO")
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(links[i], timeout=limit * 1000, wait_until="commit")
            try:
                while True:
                    left = max(1.0, limit - (time.perf_counter() - t0)) * 1000
                    page.wait_for_selector(".klynge-nav-canvases, #klynge-slow:not([hidden])", timeout=left)
                    if page.locator(".klynge-nav-canvases").count():
                        break
                    out["retried"] += 1
                    page.click("#klynge-slow button")
                    page.wait_for_load_state("commit")
                page.click(".klynge-nav-canvases")
                page.wait_for_selector(".kb-add:enabled", timeout=limit * 1000)
                out["seconds"].append(time.perf_counter() - t0)
            except Timeout:
                out["blank"] += 1
                page.screenshot(path=str(server.home / f"blank-{i}.png"))
            page.goto("about:blank")  # the page unloads and its kernel shuts down
            ctx.close()
        browser.close()
    return out


def busy_main(signins: int, settle: float, limit: float, iopub_timeout: int | None = None) -> None:
    """``--busy``: sign-ins on a machine whose cores are all busy, with preheated kernels (the default).

    ``iopub_timeout`` overrides the server's wait for an app's output through a Voila config
    file (Voila reads it after Klynge's own configuration), to compare with Voila's default of 4 s.
    """
    with tempfile.TemporaryDirectory() as tmp:
        apps = Path(tmp) / "apps"
        apps.mkdir()
        shutil.copy(resources.path("notebooks", "apps", "participant.ipynb"), apps / "participant.ipynb")
        home = Path(tmp) / "home"
        env = {}
        if iopub_timeout is not None:
            config = Path(tmp) / "jupyter-config"
            config.mkdir()
            (config / "voila.json").write_text(json.dumps({"VoilaExecutor": {"iopub_timeout": iopub_timeout}}))
            env["JUPYTER_CONFIG_DIR"] = str(config)
        server = Server(home, apps, preheat=True, env=env)
        links = _populate(home, server.url, signins)
        server.start()
        loops = _busy_loops(seconds=signins * (settle + limit) + 60)
        try:
            time.sleep(3)  # the loops are up to speed
            load_start = os.getloadavg()[0]
            result = _busy_signins(server, links, signins, settle, limit)
            load_end = os.getloadavg()[0]
        finally:
            for loop in loops:
                loop.terminate()
                loop.wait()
            server.stop()
        slow_messages = (home / f"server-{server.port}.log").read_text().count("Timeout waiting for IOPub output")
    times = result["seconds"]
    waits = f"the server waits {iopub_timeout} s" if iopub_timeout is not None else "Klynge's wait"
    print(f"\n{signins} sign-ins, one busy loop per core ({os.cpu_count()}), load {load_start:.1f} at the start and "
          f"{load_end:.1f} at the end; link to an editable board, fresh browser each time; {waits} for an "
          "app's output\n")
    print("| sign-ins | editable | median (s) | p95 (s) | worst (s) | retry message shown | blank pages | "
          "server: IOPub timeouts |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    med = statistics.median(times) if times else float("nan")
    print(f"| {signins} | {len(times)} | {med:.2f} | {_nearest_rank(times, 95):.2f} | "
          f"{max(times, default=float('nan')):.2f} | {result['retried']} | {result['blank']} | {slow_messages} |")
    print(f"\ntarget: no blank page: {'met' if result['blank'] == 0 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds between pages (warm kernels refill)")
    parser.add_argument("--net-rounds", type=int, default=3, help="rounds per emulated network")
    parser.add_argument("--weight-only", action="store_true",
                        help="only page weight and emulated networks (preheated kernels), not the times above")
    parser.add_argument("--busy", action="store_true",
                        help="only sign-ins while a busy loop per core keeps the machine busy")
    parser.add_argument("--signins", type=int, default=20, help="with --busy: how many sign-ins")
    parser.add_argument("--limit", type=float, default=120.0,
                        help="with --busy: seconds after which a page without the app or a message counts as blank")
    parser.add_argument("--iopub-timeout", type=int,
                        help="with --busy: seconds the server waits for an app's output (Voila's default is 4)")
    args = parser.parse_args()
    if args.busy:
        busy_main(args.signins, args.settle, args.limit, args.iopub_timeout)
        return
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        apps = Path(tmp) / "apps"
        apps.mkdir()
        shutil.copy(resources.path("notebooks", "apps", "participant.ipynb"), apps / "participant.ipynb")
        (apps / "toy.ipynb").write_text(json.dumps(TOY))
        results = {}
        for preheat in (True,) if args.weight_only else (False, True):
            home = Path(tmp) / f"home-{preheat}"
            server = Server(home, apps, preheat)
            links = _populate(home, server.url, args.rounds + args.people)
            server.start()
            try:
                if preheat:
                    weight = _weight_and_network(server, links, args.net_rounds, args.settle)
                if args.weight_only:
                    continue
                results[preheat] = _browser_times(server, links, args.rounds, args.settle)
                if not preheat:
                    keyless = _keyless(server, 50)
                    concurrent = _concurrent(server, links[args.rounds:])
            finally:
                server.stop()
    _print_weight(weight, args.net_rounds)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.weight_only:
        return
    cold, warm = results[False], results[True]
    med = statistics.median
    print(f"\nmedian of {args.rounds} rounds, headless Chromium on this machine\n")
    print("| measure | seconds | ratio to toy |")
    print("|---|---:|---:|")
    rows = [("sign-in link to an editable board", "signin_board", "signin_toy"),
            ("toy notebook, same measure (floor)", "signin_toy", "signin_toy"),
            ("board again, warm browser cache", "board", "toy"),
            ("toy again, warm browser cache", "toy", "toy")]
    for label, results in (("preheated kernels (the default)", warm), ("without preheated kernels", cold)):
        for name, key, floor in rows:
            value = med(results[key])
            print(f"| {name}, {label} | {value:.2f} | {value / med(results[floor]):.2f} |")
    before, after, kernel_mb = keyless
    print(f"\nserver memory before / after 50 rounds of keyless requests (150 requests): {before:.0f} MB / "
          f"{after:.0f} MB (growth {after - before:+.1f} MB); kernel memory started by them: {kernel_mb:.0f} MB")
    times, server_mb, kernels_mb = concurrent
    print(f"\n{args.people} participants opening the app at once (server-side render, plain HTTP clients):")
    print(f"median {med(times):.2f} s, slowest {max(times):.2f} s; server {server_mb:.0f} MB, "
          f"kernels {kernels_mb:.0f} MB ({kernels_mb / args.people:.0f} MB each)")
    board_ratio = med(warm["signin_board"]) / med(warm["signin_toy"])
    print(f"\ntarget: board within 1.2 times the toy notebook: {'met' if board_ratio <= 1.2 else 'NOT met'} "
          f"({board_ratio:.2f}); no memory growth from keyless requests: "
          f"{'met' if after - before < 5 and kernel_mb < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
