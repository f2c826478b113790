"""A kernel manager with caps: a few kernels per person, a ceiling for the whole server.

A person's oldest kernel is shut down when they open one page more than their cap (it belongs
to a tab they left); past the server's ceiling a new page is refused with a plain "busy" page.
"""

from __future__ import annotations

import time

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int

from ..settings import load_settings
from .session import COOKIE, read_cookie

__all__ = ["CappedKernelManager", "KernelOwnerAuthorizer"]


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

    def owner(self, kernel_id: str) -> int | None:
        """The person a kernel was started for, or None for a preheated or unknown kernel."""
        entry = self._owners.get(kernel_id)
        return entry[0] if entry else None

    def claim(self, kernel_id: str, person: int) -> int:
        """Give an unowned (preheated) kernel to a person; returns its owner."""
        if kernel_id in self and kernel_id not in self._owners:
            self._owners[kernel_id] = (person, time.monotonic())
        return self.owner(kernel_id)

    def kernels_of(self, person: int) -> list[str]:
        """Kernel ids a person has now (for tests and the facilitator's overview)."""
        return [kid for kid, (who, _) in self._owners.items() if who == person and kid in self]


class KernelOwnerAuthorizer(Authorizer):
    """A signed-in person may talk only to kernels started for them (by a page they opened)."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        if user is None:
            return False
        if resource != "kernels":
            return True
        kernel_id = getattr(handler, "kernel_id", None) or (handler.path_kwargs or {}).get("kernel_id") or \
            (handler.path_args[0] if handler.path_args else None)
        manager = handler.kernel_manager
        if not kernel_id or not hasattr(manager, "owner"):
            return True
        owner = manager.owner(kernel_id)
        if owner is None and user.username.startswith("person-"):
            # A preheated kernel was started before anyone asked for it; the first person to
            # connect is the one whose page it was handed to (only that page knows its id).
            owner = manager.claim(kernel_id, int(user.username.removeprefix("person-")))
        allowed = user.username == f"person-{owner}"
        if not allowed:
            self.log.warning("%s was refused kernel %s of person %s", user.username, kernel_id, owner)
        return allowed
