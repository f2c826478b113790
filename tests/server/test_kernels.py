"""Kernel caps, owners and ended sessions, with real kernels and a real store."""

import asyncio
import html
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from klynge.server.kernels import CappedKernelManager, Owner, PageRefused

from ..conftest import SECRET
from .conftest import PEOPLE


def run(scenario):
    # Its own thread and event loop: the browser tests' Playwright keeps a loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result()


async def open_page(manager: CappedKernelManager, owner: Owner) -> str:
    async with manager.page_for(owner):
        return await manager.start_kernel()


def test_caps_count_owned_kernels_and_a_left_tab_makes_room(tmp_path):
    ann, bo, cid = Owner(1, "ann"), Owner(2, "bo"), Owner(3, "cid")

    async def scenario():
        manager = CappedKernelManager(max_kernels_per_person=2, max_kernels=3, connection_dir=str(tmp_path),
                                      session_check_interval=0)
        try:
            # A preheated kernel belongs to nobody and counts for nobody.
            pooled = await manager.start_kernel(env={"VOILA_PREHEAT": "True"})
            assert manager.owner(pooled) is None
            first = await open_page(manager, ann)
            second = await open_page(manager, ann)
            assert manager.kernels_of(1) == [first, second] and manager.owner(first) == ann
            with pytest.raises(PageRefused) as refused:
                await open_page(manager, ann)
            assert refused.value.reason == "person" and manager.kernels_of(1) == [first, second]
            # A tab that was open and then left (its connection closed) makes room for a new page.
            manager.notify_connect(first)
            manager.notify_disconnect(first)
            third = await open_page(manager, ann)
            assert manager.kernels_of(1) == [second, third] and first not in manager
            await open_page(manager, bo)
            with pytest.raises(PageRefused) as refused:
                await open_page(manager, cid)
            assert refused.value.reason == "server"
            assert pooled in manager and manager.owner(pooled) is None
        finally:
            await manager.shutdown_all(now=True)

    run(scenario())


def test_the_kernels_of_an_ended_session_are_shut_down(tmp_path, store, cluster, system):
    def session(name: str) -> Owner:
        who = store.open_session(store.issue_key(system, cluster["who"][name].person_id, SECRET), SECRET)
        return Owner(who.person_id, who.session_id)

    fjell, gard = session("fjell"), session("gard")

    async def scenario():
        manager = CappedKernelManager(connection_dir=str(tmp_path), session_check_interval=0)
        manager.store = store
        try:
            mine, theirs = await open_page(manager, fjell), await open_page(manager, gard)
            assert await manager.check_sessions() == 0 and mine in manager
            store.end_session(fjell.session_id)
            assert await manager.check_sessions() == 1
            assert mine not in manager and manager.kernels_of(fjell.person_id) == []
            assert theirs in manager
            store.erase_person(system, gard.person_id)
            assert await manager.check_sessions() == 1 and theirs not in manager
        finally:
            await manager.shutdown_all(now=True)

    run(scenario())


def test_a_kernel_is_handed_the_servers_settings_and_the_server_keeps_its_environment(server):
    from klynge import operations as ops

    with ops.store_for(server.settings) as store:
        kari = store.person_by_email(ops.SYSTEM, PEOPLE["kari"]).id
    cookie = server.sign_in("kari")[0]
    # Another site's cookie on the same host (a JSON value): the server and the kernel read the
    # header with the same parser, so both see who is signed in.
    header = f'prefs={{"theme": "dark mode"}}; {cookie}'
    seen = []
    try:
        for _ in range(2):  # a preheated kernel, then (most likely) one started for the page
            reply = server.request("/voila/render/probe.ipynb", cookie=header)
            assert reply.status == 200, reply.body[:500]
            found = re.search(r"PROBE (\{.*?\})\s*<", html.unescape(reply.body))
            assert found, reply.body[-3000:]
            seen.append(json.loads(found.group(1)))
    finally:
        server.request("/logout", cookie=cookie)
    for kernel in seen:
        assert kernel["person"] == kari
        assert kernel["db"] == server.settings.db and kernel["db"].endswith("/elsewhere0/cluster.db")
        assert kernel["lang"] == "sv"
        # The server's own environment is what the test gave it: it set no KLYNGE_DB of its own.
        assert kernel["environ"] == ["KLYNGE_BASE_URL", "KLYNGE_HOME", "KLYNGE_LANG", "KLYNGE_SETTINGS"]
