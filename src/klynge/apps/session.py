"""An app kernel's session: settings, store and the identity it serves, read once at start."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from ..settings import Settings, load_settings
from ..store import Identity, Store, open_store

__all__ = ["AppSession", "open_session"]

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
    """
    from ..server.session import identity_from_environ, preferred_language

    environ = os.environ if environ is None else environ
    if environ.get("VOILA_PREHEAT") == "True":
        # A preheated kernel learns its request (and cookie) only now. Importing voila costs
        # seconds (jupyter-server, jsonschema), so only a preheated kernel pays it, before its page.
        from voila.utils import wait_for_request

        wait_for_request()
    settings = load_settings(environ)
    store = open_store(settings.db, create=False, nullpool=True)
    identity = identity_from_environ(settings, store, environ)
    lang = preferred_language(environ.get("HTTP_ACCEPT_LANGUAGE"), settings.lang, english=False)
    log.info("app session for person %s (%s)", identity.person_id, identity.role)
    return AppSession(settings, store, identity, lang)
