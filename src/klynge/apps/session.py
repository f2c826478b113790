"""An app kernel's session: settings, store and the identity it serves.

The settings are the server's own, handed to the kernel as one environment variable
(:data:`klynge.settings.SETTINGS_ENV`) when it started; the kernel reads nothing else of
Klynge's from its environment. The identity carries its server session: the store checks that
session on every call, so a page whose person logged out, lost their key or was erased can no
longer read or write.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

from ..errors import SettingsError
from ..settings import SETTINGS_ENV, Settings, settings_from_json
from ..store import Identity, Store, open_store

__all__ = ["AppSession", "kernel_settings", "open_session"]

log = logging.getLogger(__name__)


@dataclass
class AppSession:
    """What every page of an app is handed: never built from anything the browser sends."""

    settings: Settings
    store: Store
    identity: Identity
    lang: str


def open_session(environ=None) -> AppSession:
    """The session of the person this kernel serves, from the cookie Voila passed in.

    Raises
    ------
    klynge.errors.KeyRejected
        When the page was opened without a live session.
    klynge.errors.SettingsError
        When the kernel was not started by ``klynge serve`` (it has no settings).
    """
    from ..server.session import identity_from_environ, preferred_language

    environ = os.environ if environ is None else environ
    settings = kernel_settings(environ)
    if environ.get("VOILA_PREHEAT") == "True":
        # A preheated kernel learns its request (and cookie) only now, when a page takes it.
        wait_for_page_request(environ, settings)
    store = open_store(settings.db, create=False, nullpool=True)
    store.audit_days = settings.audit_days
    identity = identity_from_environ(settings, store, environ)
    lang = preferred_language(environ.get("HTTP_ACCEPT_LANGUAGE"), settings.lang, english=False)
    log.info("app session for person %s (%s)", identity.person_id, identity.role)
    return AppSession(settings, store, identity, lang)


def kernel_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings ``klynge serve`` handed this kernel when it started it.

    Raises
    ------
    klynge.errors.SettingsError
        When there are none: the app was opened outside ``klynge serve``.
    """
    environ = os.environ if environ is None else environ
    text = environ.get(SETTINGS_ENV)
    if not text:
        raise SettingsError(f"this app runs under `klynge serve`, which hands its kernels their settings "
                          f"({SETTINGS_ENV} is not set)")
    return settings_from_json(text)


def wait_for_page_request(environ: MutableMapping[str, str], settings: Settings) -> None:
    """Wait until the server hands this preheated kernel a page, and put that request in ``environ``.

    This is Voila's ``wait_for_request`` with one difference: the kernel proves itself with
    :func:`klynge.server.session.kernel_token`, since the request holds the person's cookie and
    the server gives it to nobody else. It also spares the kernel importing Voila.
    """
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    from ..server.session import KERNEL_HEADER, kernel_token

    kernel_id = environ.get("VOILA_KERNEL_ID", "")
    base = environ.get("VOILA_WS_BASE_URL") or environ.get("VOILA_SERVER_URL", "/")
    url = (f"{environ.get('VOILA_WS_PROTOCOL', 'ws')}://{environ.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{environ.get('VOILA_APP_PORT', '8866')}{base}voila/query/{kernel_id}")
    request = HTTPRequest(url, headers={KERNEL_HEADER: kernel_token(settings, kernel_id)}, connect_timeout=10)

    async def receive() -> str | None:
        connection = await websocket_connect(request)
        try:
            return await connection.read_message()
        finally:
            connection.close()

    received: list[str | None] = []

    def run() -> None:
        # The kernel's own event loop is busy running this cell: wait on a loop of our own.
        try:
            received.append(asyncio.run(receive()))
        except Exception:
            log.warning("this kernel was not handed a page request", exc_info=True)

    thread = threading.Thread(target=run, name="klynge-page-request")
    thread.start()
    thread.join()
    if received and received[0]:
        environ.update({str(k): str(v) for k, v in json.loads(received[0]).items()})
