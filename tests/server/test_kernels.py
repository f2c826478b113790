"""Kernel caps and owners, with real kernels."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from tornado import web

from klynge.server.kernels import CappedKernelManager
from klynge.server.session import COOKIE, make_cookie
from klynge.settings import load_settings
from klynge.store import Identity


def env_for(person: int) -> dict:
    cookie = make_cookie(load_settings(), Identity(person_id=person, role="participant"), f"key{person}")
    return {"HTTP_COOKIE": f"{COOKIE}={cookie.decode()}"}


def test_a_person_past_their_cap_loses_their_oldest_kernel_and_the_server_has_a_ceiling(tmp_path):
    async def scenario():
        manager = CappedKernelManager(max_kernels_per_person=2, max_kernels=3, connection_dir=str(tmp_path))
        try:
            first = await manager.start_kernel(env=env_for(1))
            second = await manager.start_kernel(env=env_for(1))
            third = await manager.start_kernel(env=env_for(1))
            assert manager.kernels_of(1) == [second, third] and first not in manager
            assert manager.owner(third) == 1
            await manager.start_kernel(env=env_for(2))
            with pytest.raises(web.HTTPError) as info:
                await manager.start_kernel(env=env_for(3))
            assert info.value.status_code == 503
            unowned = [k for k in manager.list_kernel_ids() if manager.owner(k) is None]
            assert unowned == []
        finally:
            await manager.shutdown_all(now=True)

    # Its own thread and event loop: the browser tests' Playwright keeps a loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()
