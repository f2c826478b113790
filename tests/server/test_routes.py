"""The server's routes against a real ``klynge serve``: caps, kernel owners, cookies and plain pages."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from klynge.i18n import t
from klynge.server.session import KERNEL_HEADER, kernel_token


def socket_status(server, path: str, headers: dict) -> int:
    """101 when a websocket opens on ``path`` with ``headers``, else the HTTP status it was refused with."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def connect() -> int:
        try:
            connection = await websocket_connect(HTTPRequest(server.url.replace("http", "ws", 1) + path,
                                                             headers=headers))
        except HTTPClientError as exc:
            return exc.code
        connection.close()
        return 101

    # Its own thread and event loop: the browser tests' Playwright keeps a loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, connect()).result()


@pytest.fixture
def signed_in(server):
    """Sign people in; each session is logged out (its kernels shut down) after the test."""
    cookies = []

    def sign_in(name: str) -> str:
        cookies.append(server.sign_in(name)[0])
        return cookies[-1]

    yield sign_in
    for cookie in cookies:
        server.request("/logout", cookie=cookie)


def test_one_cookie_opening_more_pages_than_the_cap_gets_the_too_many_pages_page(server, signed_in):
    cookie = signed_in("kari")
    kernels = []
    for _ in range(3):
        reply, kernel = server.open_page(cookie)
        assert reply.status == 200 and kernel
        kernels.append(kernel)
    assert len(set(kernels)) == 3
    refused = server.request("/voila/render/participant.ipynb", cookie=cookie, headers={"Accept-Language": "sv"})
    assert refused.status == 429 and "kernelId" not in refused.body
    assert t("page.too_many.title", "sv") in refused.body and t("page.too_many.body", "sv") in refused.body
    # The cap is the person's, whichever session or app the page is for.
    assert server.open_page(signed_in("kari"), "facilitator")[0].status == 429
    # A page that closes gives its place back.
    assert server.request(f"/voila/api/shutdown/{kernels[0]}", cookie=cookie, method="POST").status == 204
    reply, kernel = server.open_page(cookie)
    assert reply.status == 200 and kernel not in kernels


def test_only_the_kernel_itself_may_wait_on_its_query_socket(server, signed_in):
    cookie = signed_in("sigrid")
    _, kernel = server.open_page(cookie)
    path = f"/voila/query/{kernel}"
    for headers in ({}, {"Cookie": cookie}, {KERNEL_HEADER: "0" * 64},
                    {KERNEL_HEADER: kernel_token(server.settings, str(uuid.uuid4()))}):
        assert socket_status(server, path, headers) == 403
    assert socket_status(server, path, {KERNEL_HEADER: kernel_token(server.settings, kernel)}) == 101


def test_only_the_owner_may_reach_or_shut_down_a_kernel(server, signed_in):
    owner = signed_in("anna")
    _, kernel = server.open_page(owner)
    shutdown = f"/voila/api/shutdown/{kernel}"
    for cookie in (signed_in("sigrid"), signed_in("anna"), None):  # another person, another session, nobody
        assert server.request(shutdown, cookie=cookie, method="POST").status == 403
        assert server.request(f"/api/kernels/{kernel}", cookie=cookie).status == 403
        assert socket_status(server, f"/api/kernels/{kernel}/channels", {"Cookie": cookie} if cookie else {}) == 403
    assert server.request(f"/api/kernels/{kernel}", cookie=owner).status == 200
    assert server.request(shutdown, cookie=owner, method="POST").status == 204
    assert server.request(f"/api/kernels/{kernel}", cookie=owner).status == 403


def test_the_session_cookie_is_secure_when_a_trusted_proxy_says_https(server):
    _, behind_https = server.sign_in("sigrid", headers={"X-Forwarded-Proto": "https"})
    _, plain = server.sign_in("sigrid")
    assert "Secure" in behind_https and "HttpOnly" in behind_https and "SameSite=Lax" in behind_https
    assert "Secure" not in plain


@pytest.mark.parametrize("path", [
    "/voila/templates/klynge/conf.json", "/voila/templates/klynge/static/../conf.json",
    "/voila/templates/klynge/static/..%2fconf.json", "/voila/templates/klynge/static/",
    "/voila/templates/lab/static/..%2f..%2f..%2f..%2fetc%2fpasswd", "/voila/static/..%2f..%2f",
    "/voila/static/nothing.js", "/voila/files/participant.ipynb", "/voila/api/contents",
    "/voila/api/contents/participant.ipynb", "/api/contents", "/files/participant.ipynb",
    "/voila/render/nothing.ipynb", "/voila/labextensions/..%2f..%2fx",
])
@pytest.mark.parametrize("signed", [True, False])
def test_paths_outside_the_apps_get_plain_pages(server, path, signed):
    cookie = server.sign_in("sigrid")[0] if signed else None
    reply = server.request(path, cookie=cookie, headers={"Accept-Language": "nb"})
    if reply.status == 302:  # the apps themselves ask who you are first
        assert not signed and "/login" in reply.headers["Location"]
        return
    assert reply.status in (403, 404)
    assert t('page.notfound.title', 'nb') in reply.body and 'class="brand">Klynge<' in reply.body
    assert "Traceback" not in reply.body and "voila" not in reply.body.lower()


def test_kernel_ids_stay_out_of_the_log(server, signed_in):
    cookie = signed_in("sigrid")
    _, kernel = server.open_page(cookie)
    server.request(f"/api/kernels/{kernel}", cookie=signed_in("anna"))
    socket_status(server, f"/voila/query/{kernel}", {})
    server.request(f"/voila/api/shutdown/{kernel}", cookie=cookie, method="POST")
    log = _log_with(server, r"\] 204 POST /voila/api/shutdown/<kernel> ", r"\] 403 GET /voila/query/<kernel> ")
    assert re.search(r"\] 204 POST /voila/api/shutdown/<kernel> ", log)
    assert re.search(r"\] 403 GET /voila/query/<kernel> ", log)
    assert kernel not in log


def _log_with(server, *patterns: str, wait: float = 30.0) -> str:
    """The server's log once it holds every pattern (or after ``wait`` seconds): a request's line is
    written after its answer has gone to the client."""
    deadline = time.monotonic() + wait
    while True:
        log = server.log.read_text()
        if all(re.search(p, log) for p in patterns) or time.monotonic() > deadline:
            return log
        time.sleep(0.1)
