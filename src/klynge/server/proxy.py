"""``/research/…``: the server's reverse proxy to its cluster's research lab (HTTP and websockets).

:func:`research_identity` decides who may pass, in one place: a request whose session cookie
names a live session of someone allowed the ``research`` action of :mod:`klynge.store.access`
(a researcher, or a facilitator, of the cluster). Anyone else gets a plain page and never
reaches the lab: no cookie or an ended session the sign-in page, a participant "not found". A
lab that is not installed, has nothing to publish or did not start gives the researcher's page
that says so.

A lab starts in the background the first time it is asked for (:meth:`ResearchLabs.begin`).
Meanwhile a browser's navigation to any page under ``/research/`` gets, at once, a page that says
the lab is being prepared; it asks ``/research/lab-status`` (:class:`LabStatus`, behind the same
check) every second and loads itself again when the lab is ready, or when it failed (and then
shows the researcher's page that says so). Any other request (the lab's own API calls, its
websockets) gets a 503 with ``Retry-After`` rather than waiting.

What passes is sent on to the lab of the person's own cluster with the lab's token added.
Klynge's session cookie, the browser's ``Authorization``, ``Origin`` and ``Referer`` headers stay
here: the lab trusts the token, and this handler checks a request's origin itself (a request
that changes something, and every websocket, must come from this server's own pages).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import urlsplit

from tornado import httpclient, web, websocket

from ..i18n import t
from ..store import Identity
from ..store.access import decide
from .lab import Lab, LabUnavailable
from .pages import lab_starting_page, researcher_page
from .routes import PlainErrors
from .session import COOKIE, preferred_language

__all__ = ["LabStatus", "ResearchProxy", "STATUS_PATH", "research_identity"]

log = logging.getLogger(__name__)

# Hop-by-hop headers (RFC 9110) and those this proxy sets itself.
_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length"}
_REQUEST_DROPPED = _HOP | {"authorization", "origin", "referer", "cookie", "x-forwarded-for", "x-forwarded-proto",
                           "x-forwarded-host"}
_WEBSOCKET_DROPPED = _REQUEST_DROPPED | {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
                                        "sec-websocket-protocol", "sec-websocket-accept"}
_RESPONSE_DROPPED = _HOP | {"server", "date"}
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# How often an open websocket asks whether its session is still live, at most (seconds).
SESSION_CHECK_SECONDS = 2.0
#: Where the page shown while a lab starts asks how far it is, under the labs' path (``<base path>research/``).
STATUS_PATH = "lab-status"
# What a request that is not a page gets told while the lab starts: ask again in this many seconds.
RETRY_AFTER_SECONDS = 5


def research_identity(handler) -> Identity | None:
    """The signed-in identity of a request when it may use the research lab, else None."""
    identity = handler.settings["identity_provider"].identity(handler.request.headers.get("Cookie"))
    if identity is None or identity.cluster_id is None:
        return None
    return identity if decide(identity, "research", cluster_id=identity.cluster_id) else None


def _admitted(handler) -> Identity | None:
    """The identity of a request that may use the research lab; any other is answered here, and gets None.

    No session: the sign-in page (403). Signed in without the right: "not found" (404).
    """
    identity = research_identity(handler)
    if identity is not None:
        return identity
    signed_in = handler.settings["identity_provider"].identity(handler.request.headers.get("Cookie"))
    if signed_in is None:
        handler.plain(403, ("page.login.title", "page.login.body"))
    else:
        log.warning("person-%s (%s) was refused the research lab", signed_in.person_id, signed_in.role)
        handler.plain(404, ("page.notfound.title", "page.notfound.body"))
    return None


def _language(handler) -> str:
    return preferred_language(handler.request.headers.get("Accept-Language"), handler.settings["klynge_settings"].lang)


class LabStatus(PlainErrors, web.RequestHandler):
    """``/research/lab-status``: how far the caller's lab is, as ``{"state": ...}``; asking starts it.

    The state is ``ready``, ``starting``, or why there is no lab (``missing``, ``nothing``,
    ``failed``). Only those who may use the lab get an answer; anyone else gets the proxy's refusal.
    """

    def set_default_headers(self) -> None:
        for name, value in self.settings.get("headers", {}).items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")

    def get(self) -> None:
        identity = _admitted(self)
        if identity is None:
            return
        try:
            lab = self.settings["klynge_labs"].begin(identity)
            state = "starting" if lab is None else "ready"
        except LabUnavailable as gone:
            state = gone.reason
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"state": state}))


def _without_session_cookie(header: str | None) -> str:
    """The browser's cookies for the lab (its own ``_xsrf`` and such), without Klynge's session cookie."""
    pairs = [p.strip() for p in (header or "").split(";")]
    return "; ".join(p for p in pairs if p and p.partition("=")[0].strip() != COOKIE)


class ResearchProxy(PlainErrors, websocket.WebSocketHandler):
    """Everything under ``/research/``: checked here, then passed to the lab (HTTP or websocket)."""

    lab: Lab | None = None
    identity: Identity | None = None
    upstream: websocket.WebSocketClientConnection | None = None
    checked: float = 0.0

    def set_default_headers(self) -> None:
        for name, value in self.settings.get("headers", {}).items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")

    async def prepare(self) -> None:
        identity = _admitted(self)
        if identity is None:
            return
        if self.request.method not in _SAFE_METHODS or self._is_websocket():
            if not self._same_origin():
                log.warning("a research lab request from another site was refused")
                self.plain(403, ("page.notfound.title", "page.notfound.body"))
                return
        self.identity, self.checked = identity, time.monotonic()
        labs = self.settings["klynge_labs"]
        try:
            self.lab = labs.begin(identity)
        except LabUnavailable as gone:
            self.set_status(200 if gone.reason == "missing" else 503)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(researcher_page(_language(self), gone.reason))
            return
        if self.lab is not None:
            return
        lang = _language(self)
        if self._is_navigation():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(lab_starting_page(lang, labs.base_path + STATUS_PATH))
            return
        self.set_status(503)
        self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": t("page.lab_starting.retry", lang)}, ensure_ascii=False))

    def _is_navigation(self) -> bool:
        """Whether the request is a browser opening a page (a GET that accepts HTML), not a script's call."""
        if self.request.method != "GET" or self._is_websocket():
            return False
        if self.request.headers.get("Sec-Fetch-Mode", "").lower() == "navigate":
            return True
        return "text/html" in self.request.headers.get("Accept", "").lower()

    def _is_websocket(self) -> bool:
        return self.request.headers.get("Upgrade", "").lower() == "websocket"

    def _same_origin(self) -> bool:
        origin = self.request.headers.get("Origin")
        if origin is None:  # not sent by a browser's cross-site request (SameSite=Lax keeps the cookie home)
            return True
        return urlsplit(origin).netloc.lower() == self.request.host.lower()

    def _target(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.lab.port}{self.request.uri}"

    def _lab_headers(self, dropped: set[str]) -> dict[str, str]:
        headers = {k: v for k, v in self.request.headers.get_all() if k.lower() not in dropped}
        cookies = _without_session_cookie(self.request.headers.get("Cookie"))
        if cookies:
            headers["Cookie"] = cookies
        headers["Authorization"] = f"token {self.lab.token}"
        return headers

    # HTTP ------------------------------------------------------------------------------------

    async def get(self, *args) -> None:
        if self._is_websocket():
            await websocket.WebSocketHandler.get(self, *args)
        else:
            await self._forward()

    async def post(self, *args) -> None:
        await self._forward()

    put = patch = delete = head = options = post

    async def _forward(self) -> None:
        body = (self.request.body or b"") if self.request.method in ("POST", "PUT", "PATCH") else None
        request = httpclient.HTTPRequest(self._target(), method=self.request.method,
                                         headers=self._lab_headers(_REQUEST_DROPPED), body=body,
                                         follow_redirects=False, decompress_response=False, request_timeout=300,
                                         allow_nonstandard_methods=True)
        try:
            response = await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
        except OSError:
            self.lab = None
            raise web.HTTPError(503) from None
        if response.code == 599:  # the lab did not answer
            raise web.HTTPError(503)
        self.set_status(response.code, response.reason)
        self._headers_from_lab(response.headers)
        body = response.body or b""
        if response.headers.get("Content-Type", "").startswith("text/html"):
            # The lab's page carries its token for its scripts; they need none behind this proxy, and a
            # page kept in a browser must not open the lab once its session has ended.
            body = body.replace(self.lab.token.encode(), b"")
        if body and response.code not in (204, 304) and self.request.method != "HEAD":
            self.write(body)
        self.finish()

    def _headers_from_lab(self, headers) -> None:
        self.clear_header("Content-Type")
        self.clear_header("Cache-Control")
        for name, value in headers.get_all():
            if name.lower() in _RESPONSE_DROPPED:
                continue
            if name.lower() == "set-cookie":
                self.add_header(name, value)
            else:
                self.set_header(name, value)

    # Websockets ------------------------------------------------------------------------------

    def select_subprotocol(self, subprotocols):
        # The lab's kernels speak the protocol the page asked for first; the same list goes on to the lab.
        return subprotocols[0] if subprotocols else None

    async def open(self, *args) -> None:
        protocols = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        request = httpclient.HTTPRequest(self._target("ws"), headers=self._lab_headers(_WEBSOCKET_DROPPED))
        try:
            self.upstream = await websocket.websocket_connect(
                request, on_message_callback=self._from_lab, subprotocols=protocols or None,
                max_message_size=self.settings.get("websocket_max_message_size", 10 * 1024 * 1024))
        except (OSError, httpclient.HTTPClientError, websocket.WebSocketError):
            log.warning("the research lab refused a websocket")
            self.close(1011, "the research lab is not answering")

    async def _still_signed_in(self) -> bool:
        """Whether the socket's session is still live, asked of the store at most every few seconds.

        An open socket to a kernel outlives the request that opened it: a logout, a revoked key or
        an erasure closes it at the next message the page sends.
        """
        now = time.monotonic()
        if now - self.checked < SESSION_CHECK_SECONDS:
            return True
        provider = self.settings["identity_provider"]
        dead = await asyncio.get_running_loop().run_in_executor(None, provider.store.dead_sessions,
                                                                {self.identity.session_id})
        self.checked = now
        return not dead

    def _from_lab(self, message) -> None:
        if message is None:  # the lab closed it
            if self.ws_connection is not None:
                self.close()
            return
        if self.ws_connection is None:
            return
        try:
            self.write_message(message, binary=isinstance(message, bytes))
        except websocket.WebSocketClosedError:
            pass

    async def on_message(self, message) -> None:
        if self.upstream is None:
            return
        if not await self._still_signed_in():
            log.info("a research lab websocket of an ended session was closed")
            self.close(1008, "signed out")
            return
        try:
            await self.upstream.write_message(message, binary=isinstance(message, bytes))
        except websocket.WebSocketClosedError:
            self.close()

    def on_close(self) -> None:
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None

