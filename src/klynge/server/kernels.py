"""Kernels that belong to one server session: caps, owners and ending them with their session.

A preheated kernel starts without an owner and belongs to the session whose page it is handed
to; a kernel started for a page belongs to that page's session from the start. The caps count
owned kernels: a person may have a few open pages, the server a ceiling. A person at their cap
gets the "too many pages" page, unless one of their kernels belongs to a tab that was left
without saying goodbye (its connection closed): that one is shut down to make room.

Every few seconds the manager asks the store which owning sessions have ended (logged out, key
revoked or expired, person erased) and shuts their kernels down at once.

Every kernel it starts is handed the server's settings, made once at the server's start, as one
environment variable (:data:`klynge.settings.SETTINGS_ENV`); the app reads them from there.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float, Instance, Int, default

from ..settings import SETTINGS_ENV, Settings
from .configuration import settings_of

__all__ = ["CappedKernelManager", "KernelOwnerAuthorizer", "Owner", "PageRefused", "owner_of_request"]


@dataclass(frozen=True)
class Owner:
    """Who a kernel belongs to: a person, in one server session."""

    person_id: int
    session_id: str


class PageRefused(Exception):
    """No kernel for this page: ``reason`` is ``person`` (their cap) or ``server`` (the ceiling)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"no kernel for this page: {reason} cap reached")


# The owner of the page being opened, for the kernel manager's calls made while opening it.
_OPENING: ContextVar[Owner | None] = ContextVar("klynge_opening_page", default=None)


def owner_of_request(handler) -> Owner | None:
    """The session a request comes from, as the identity provider found it (None for anonymous)."""
    identity = getattr(handler, "klynge_identity", None)
    if identity is None or not identity.session_id:
        return None
    return Owner(identity.person_id, identity.session_id)


class CappedKernelManager(AsyncMappingKernelManager):
    """Start and hand out kernels to sessions within per-person and total caps."""

    max_kernels = Int(40, config=True, help="kernels the whole server may give to pages at once")
    max_kernels_per_person = Int(3, config=True, help="kernels (open pages) one person may have")
    session_check_interval = Float(2.0, config=True, help="seconds between checks for ended sessions")
    klynge_settings = Instance(Settings, allow_none=True,
                               help="the settings every kernel is handed; by default the server's own")

    @default("klynge_settings")
    def _server_settings(self) -> Settings | None:
        return settings_of(self)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._owners: dict[str, Owner] = {}
        self._since: dict[str, float] = {}
        self._left: set[str] = set()
        self._opening: Counter[int] = Counter()
        self._session_check = None

    def __init_subclass__(cls, **kwargs):
        # Voila derives its pooling manager from this class; the moment its pool hands a
        # preheated kernel to a page is the moment that page's session owns it.
        super().__init_subclass__(**kwargs)
        handout = cls.__dict__.get("get_rendered_notebook")
        if handout is None:
            return

        async def get_rendered_notebook(self, *args, **kwargs):
            owner = _OPENING.get()
            # The pool refills itself from inside this call: the refill belongs to nobody.
            token = _OPENING.set(None)
            try:
                result = await handout(self, *args, **kwargs)
            finally:
                _OPENING.reset(token)
            if owner is not None:
                self._own(result[2], owner)
            return result

        cls.get_rendered_notebook = get_rendered_notebook

    @cached_property
    def store(self):
        """The store that says whether a session is still live."""
        from ..store import open_store

        return open_store(self.klynge_settings.db, create=False)

    @cached_property
    def _kernel_settings(self) -> dict[str, str]:
        # Made once: every kernel gets the same settings, whatever the server's environment says later.
        return {} if self.klynge_settings is None else {SETTINGS_ENV: self.klynge_settings.to_json()}

    @asynccontextmanager
    async def page_for(self, owner: Owner) -> AsyncIterator[None]:
        """Open a page for ``owner``: a kernel started or handed out inside belongs to them.

        Raises
        ------
        PageRefused
            When the person has as many pages as their cap (and none was left behind), or the
            server has as many as its ceiling.
        """
        mine = [k for k, o in self._owners.items() if o.person_id == owner.person_id]
        leaving = None
        if len(mine) + self._opening[owner.person_id] >= self.max_kernels_per_person:
            left = [k for k in mine if k in self._left and not self._kernel_connections.get(k)]
            if not left:
                raise PageRefused("person")
            leaving = min(left, key=lambda k: self._since.get(k, 0.0))
            self._owners.pop(leaving, None)  # no longer counted, before anything else can run
        elif len(self._owners) + sum(self._opening.values()) >= self.max_kernels:
            raise PageRefused("server")
        self._opening[owner.person_id] += 1
        token = _OPENING.set(owner)
        try:
            if leaving is not None:
                self.log.info("a person opened another page: shutting down the kernel of a tab they left")
                await self.shutdown_kernel(leaving, now=True)
            yield
        finally:
            _OPENING.reset(token)
            self._opening[owner.person_id] -= 1

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        # Voila hands a kernel the server's environment and its page's request; Klynge adds its settings.
        env = kwargs["env"] = {**(kwargs.get("env") or os.environ), **self._kernel_settings}
        owner = None if env.get("VOILA_PREHEAT") == "True" else _OPENING.get()
        kid = await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        if owner is not None:
            self._own(kid, owner)
        return kid

    def _own(self, kernel_id: str, owner: Owner) -> None:
        self._owners[kernel_id] = owner
        self._since[kernel_id] = time.monotonic()
        self._watch_sessions()

    def remove_kernel(self, kernel_id):
        from voila.request_info_handler import RequestInfoSocketHandler

        self._owners.pop(kernel_id, None)
        self._since.pop(kernel_id, None)
        self._left.discard(kernel_id)
        # A request that no kernel took (its cookie included) is not kept.
        RequestInfoSocketHandler._cache.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        self._left.discard(kernel_id)

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        if not self._kernel_connections.get(kernel_id):
            self._left.add(kernel_id)

    def owner(self, kernel_id: str) -> Owner | None:
        """The session a kernel belongs to, or None for a preheated (not yet handed out) or unknown one."""
        return self._owners.get(kernel_id) if kernel_id in self else None

    def kernels_of(self, person_id: int) -> list[str]:
        """A person's kernels, oldest first."""
        mine = [k for k, o in self._owners.items() if o.person_id == person_id and k in self]
        return sorted(mine, key=lambda k: self._since.get(k, 0.0))

    async def end_session(self, session_id: str) -> int:
        """Shut down every kernel of a session at once, and close its pages' connections.

        Returns how many kernels there were. A closed connection is what tells an open page that
        it is no longer signed in (a shut-down kernel alone leaves its websocket open).
        """
        ended = [k for k, o in self._owners.items() if o.session_id == session_id]
        for kernel_id in ended:
            self._owners.pop(kernel_id, None)
        _close_connections(set(ended))
        await asyncio.gather(*(self.shutdown_kernel(k, now=True) for k in ended if k in self),
                             return_exceptions=True)
        return len(ended)

    async def check_sessions(self) -> int:
        """Shut down the kernels of every owning session that has ended; returns how many sessions."""
        sessions = {o.session_id for o in self._owners.values()}
        if not sessions:
            return 0
        try:
            dead = await asyncio.get_running_loop().run_in_executor(None, self.store.dead_sessions, sessions)
        except Exception:  # the database is away: its kernels cannot save either; try again next time
            self.log.warning("could not check the sessions of open pages", exc_info=True)
            return 0
        for session_id in dead:
            count = await self.end_session(session_id)
            self.log.info("a session ended: %d kernel(s) shut down", count)
        return len(dead)

    def _watch_sessions(self) -> None:
        if self._session_check is None and self.session_check_interval > 0:
            from tornado.ioloop import PeriodicCallback

            self._session_check = PeriodicCallback(self.check_sessions, self.session_check_interval * 1000)
            self._session_check.start()

    async def shutdown_all(self, now=False):
        if self._session_check is not None:
            self._session_check.stop()
            self._session_check = None
        await super().shutdown_all(now=now)


def _close_connections(kernel_ids: set[str]) -> None:
    """Close the browsers' websockets to these kernels."""
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

    # jupyter-server keeps every open kernel connection here (it closes them all at shutdown).
    for connection in list(getattr(ZMQChannelsWebsocketConnection, "_open_sockets", ())):
        if connection.kernel_id in kernel_ids:
            connection.websocket_handler.close()


class KernelOwnerAuthorizer(Authorizer):
    """A signed-in person may talk only to the kernels of their own session's pages."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        if user is None:
            return False
        if resource != "kernels":
            return True
        kernel_id = getattr(handler, "kernel_id", None) or (handler.path_kwargs or {}).get("kernel_id") or \
            (handler.path_args[0] if handler.path_args else None)
        manager = handler.kernel_manager
        if not kernel_id or not hasattr(manager, "owner"):
            return False
        allowed = manager.owner(kernel_id) is not None and manager.owner(kernel_id) == owner_of_request(handler)
        if not allowed:
            self.log.warning("%s was refused a kernel that is not theirs (%s)", user.username, action)
        return allowed
