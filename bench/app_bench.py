"""App benchmark: how fast a participant gets an editable canvas board, measured against a toy page.

In one run, on one ``klynge serve`` (and a second one with preheated kernels):

- time from opening the participant app (already signed in) to an editable board, beside the
  same measure for a three-widget toy notebook on the same server (the floor);
- time from opening a sign-in link to the home page;
- the server's memory before and after 50 requests without a valid key (no kernel may start);
- 10 participants opening the app at once: server-side render times measured with plain HTTP
  clients (no browsers competing for the two cores), and the server's memory with 10 kernels.

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
from pathlib import Path

from klynge import operations as ops
from klynge import resources
from klynge.model import Organisation
from klynge.settings import load_settings

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
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
    def __init__(self, home: Path, apps: Path, preheat: bool):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.home, self.apps, self.preheat = home, apps, preheat

    def start(self, links_home: Path | None = None) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
        env.update(KLYNGE_HOME=str(self.home), KLYNGE_BASE_URL=self.url)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds between pages (warm kernels refill)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        apps = Path(tmp) / "apps"
        apps.mkdir()
        shutil.copy(resources.path("notebooks", "apps", "participant.ipynb"), apps / "participant.ipynb")
        (apps / "toy.ipynb").write_text(json.dumps(TOY))
        results = {}
        for preheat in (False, True):
            home = Path(tmp) / f"home-{preheat}"
            server = Server(home, apps, preheat)
            links = _populate(home, server.url, args.rounds + args.people)
            server.start()
            try:
                results[preheat] = _browser_times(server, links, args.rounds, args.settle)
                if not preheat:
                    keyless = _keyless(server, 50)
                    concurrent = _concurrent(server, links[args.rounds:])
            finally:
                server.stop()
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
