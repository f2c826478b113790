"""A kernel manager with caps: a few kernels per person, a ceiling for the whole server.

A person's oldest kernel is shut down when they open one page more than their cap (it belongs
to a tab they left); past the server's ceiling a new page is refused with a plain "busy" page.
"""

from __future__ import annotations

import time

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int

from ..settings import load_settings
from .session import COOKIE, read_cookie

__all__ = ["CappedKernelManager"]


class CappedKernelManager(AsyncMappingKernelManager):
    """Start kernels for signed-in people within per-person and total caps."""

    max_kernels = Int(40, config=True, help="kernels the whole server may run at once")
    max_kernels_per_person = Int(3, config=True, help="kernels (open pages) one person may have")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._owners: dict[str, tuple[int, float]] = {}

    def _person(self, env: dict | None) -> int | None:
        from http.cookies import CookieError, SimpleCookie

        jar = SimpleCookie()
        try:
            jar.load((env or {}).get("HTTP_COOKIE", ""))
        except CookieError:
            return None
        morsel = jar.get(COOKIE)
        session = read_cookie(load_settings(), morsel.value if morsel else None)
        return session[0] if session else None

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        person = self._person(kwargs.get("env"))
        if person is not None:
            mine = sorted((started, kid) for kid, (who, started) in self._owners.items()
                          if who == person and kid in self)
            while len(mine) >= self.max_kernels_per_person:
                _, oldest = mine.pop(0)
                self.log.info("person %s opened another page: shutting down kernel %s", person, oldest)
                await self.shutdown_kernel(oldest, now=True)
        if len(self.list_kernel_ids()) >= self.max_kernels:
            raise web.HTTPError(503, "too many kernels")
        kid = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        if person is not None:
            self._owners[kid] = (person, time.monotonic())
        return kid

    def remove_kernel(self, kernel_id):
        self._owners.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)

    def kernels_of(self, person: int) -> list[str]:
        """Kernel ids a person has now (for tests and the facilitator's overview)."""
        return [kid for kid, (who, _) in self._owners.items() if who == person and kid in self]
