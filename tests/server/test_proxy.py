"""The research lab behind ``klynge serve``: only a live session allowed research reaches it, and it gets no secrets."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from klynge.i18n import t

from .test_routes import socket_status

LAB = "/research/lab"


async def _message_after_logout(server, cookie: str):
    """What an open research websocket answers to a message sent after its session logged out (None: closed)."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = server.url.replace("http", "ws", 1) + "/research/api/events/subscribe"
    connection = await websocket_connect(HTTPRequest(url, headers={"Cookie": cookie}))
    await asyncio.get_running_loop().run_in_executor(None, lambda: server.request("/logout", cookie=cookie))
    await asyncio.sleep(2.5)  # past the proxy's interval between session checks
    await connection.write_message("{}")
    return await asyncio.wait_for(connection.read_message(), 30)


def test_without_a_session_the_lab_is_the_sign_in_page(server):
    for path in (LAB, "/research/api/contents", "/research/api/kernels"):
        reply = server.request(path, headers={"Accept-Language": "sv"})
        assert reply.status == 403 and t("page.login.title", "sv") in reply.body, path
        assert "jupyter" not in reply.body.lower()
    assert socket_status(server, "/research/api/events/subscribe", {}) == 403


def test_a_participant_does_not_reach_the_lab(server):
    cookie = server.sign_in("kari")[0]
    try:
        for path in (LAB, "/research/api/contents", "/research/api/kernelspecs"):
            reply = server.request(path, cookie=cookie, headers={"Accept-Language": "sv"})
            assert reply.status == 404 and t("page.notfound.title", "sv") in reply.body, path
        assert socket_status(server, "/research/api/events/subscribe", {"Cookie": cookie}) == 404
        assert "was refused the research lab" in server.log.read_text()
    finally:
        server.request("/logout", cookie=cookie)


def test_a_researcher_reaches_the_lab_until_their_session_ends(server):
    cookie, set_cookie = server.sign_in("maria")
    signed_in = server.request(f"/signin?key={server.keys['maria']}")
    assert signed_in.status == 302 and signed_in.headers["Location"] == LAB
    assert server.wait_for_lab(cookie) == "ready"
    lab = server.request(LAB, cookie=cookie)
    assert lab.status == 200 and "jupyter-config-data" in lab.body
    lab_process = server.lab_processes()
    assert len(lab_process) == 1
    # The lab's page holds no token (the proxy adds it), and the lab offers one kernel: the guarded one.
    assert '"token": ""' in lab.body
    specs = json.loads(server.request("/research/api/kernelspecs", cookie=cookie).body)["kernelspecs"]
    assert list(specs) == ["python3"] and "klynge.research_kernel" in specs["python3"]["spec"]["argv"]
    # Nothing of Klynge's settings, no secret and no database reach the lab or its kernels.
    environ = lab_process[0].environ()
    assert not [k for k in environ if k.startswith("KLYNGE_") or "SECRET" in k or "DATABASE" in k]
    assert str(server.settings.db).split("///")[-1] not in " ".join(environ.values())
    # A request that changes something must come from the server's own pages.
    foreign = server.request("/research/api/sessions", cookie=cookie, method="POST",
                             headers={"Origin": "http://elsewhere.example", "Content-Type": "application/json"})
    assert foreign.status == 403
    assert socket_status(server, "/research/api/events/subscribe",
                         {"Cookie": cookie, "Origin": "http://elsewhere.example"}) == 403
    assert socket_status(server, "/research/api/events/subscribe", {"Cookie": cookie}) == 101
    with ThreadPoolExecutor(1) as pool:
        # A websocket open before the logout: the page's next message after it closes it.
        still_open = pool.submit(asyncio.run, _message_after_logout(server, cookie))
        assert still_open.result(timeout=120) is None
    ended = server.request(LAB, cookie=cookie, headers={"Accept-Language": "sv"})
    assert ended.status == 403 and t("page.login.title", "sv") in ended.body
    assert server.request("/research/api/contents", cookie=cookie).status == 403
    assert socket_status(server, "/research/api/events/subscribe", {"Cookie": cookie}) == 403
