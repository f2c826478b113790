"""Voila's routes as Klynge serves them: kernels answer only their owner, errors are plain pages.

:func:`klynge_routes` takes the routes Voila makes and swaps in these handlers:

- the app page opens within its person's caps, and its kernel belongs to the page's session;
- ``/voila/query/<kernel id>`` (where a preheated kernel waits for its page's request, cookie
  included) accepts only the kernel itself, which proves itself with :func:`kernel_token`;
- ``/voila/api/shutdown/<kernel id>`` shuts down only the caller's own kernel;
- static files and the template's own files answer a bad path with a plain page, never a 500;
- the notebook listing API is not served;
- ``/research/…`` is the research lab, behind :class:`klynge.server.proxy.ResearchProxy`, and
  ``/research/lab-status`` says how far its start is (:class:`klynge.server.proxy.LabStatus`).
"""

from __future__ import annotations

import hmac
import logging
import os

from tornado import web
from voila.handler import VoilaHandler
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import AllowListFileHandler, MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.contentshandler import VoilaContentsHandler

from .kernels import PageRefused, owner_of_request
from .pages import plain_page
from .session import KERNEL_HEADER, kernel_token, preferred_language

__all__ = ["klynge_routes"]

log = logging.getLogger(__name__)

_NOT_FOUND = ("page.notfound.title", "page.notfound.body")
_TOO_MANY = ("page.too_many.title", "page.too_many.body")
_BUSY = ("page.busy.title", "page.busy.body")
_TEXTS = {404: _NOT_FOUND, 403: _NOT_FOUND, 429: _TOO_MANY, 503: _BUSY}


class PlainErrors:
    """Error answers as Klynge's plain page in the browser's language, never Tornado's or a traceback."""

    def plain(self, status: int, texts: tuple[str, str]) -> None:
        lang = preferred_language(self.request.headers.get("Accept-Language"), self.settings["klynge_settings"].lang)
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(plain_page(lang, *texts))

    def write_error(self, status_code: int, **kwargs) -> None:
        self.clear_header("Content-Disposition")
        self.plain(status_code, _TEXTS.get(status_code, ("page.error.title", "page.error.body")))


class TemplateStatic(PlainErrors, TemplateStaticFileHandler):
    """The template's ``static`` folder; anything else under ``/voila/templates/`` is not found."""

    def parse_url_path(self, path):
        for form in (path, os.path.normpath(path).replace(os.sep, "/")):
            parts = form.split("/", 2)
            if len(parts) != 3 or parts[1] != "static" or not parts[2] or parts[2].startswith(".."):
                raise web.HTTPError(404)
        return super().parse_url_path(path)


class StaticFiles(PlainErrors, MultiStaticFileHandler):
    pass


class AppFiles(PlainErrors, AllowListFileHandler):
    pass


class KernelQuerySocket(PlainErrors, RequestInfoSocketHandler):
    """Where a preheated kernel waits for the request of the page it is handed to.

    That request holds the person's cookie, so only the kernel itself may connect; one kernel
    waits here at a time, and a request is kept only until its kernel has it.
    """

    def prepare(self):
        kernel_id = self.path_kwargs.get("kernel_id", "")
        shown = self.request.headers.get(KERNEL_HEADER, "")
        if not hmac.compare_digest(shown.encode(), kernel_token(self.settings["klynge_settings"], kernel_id).encode()):
            log.warning("a connection that is not the kernel's was refused its page's request")
            raise web.HTTPError(403)

    def open(self, kernel_id: str) -> None:
        RequestInfoSocketHandler._waiters[kernel_id] = self
        payload = RequestInfoSocketHandler._cache.pop(kernel_id, None)
        if payload is not None:
            self.write_message(payload)


class OwnShutdown(VoilaShutdownKernelHandler):
    """A closing page shuts its kernel down; nobody else's."""

    @web.authenticated
    async def post(self, kernel_id):
        manager = self.kernel_manager
        owner = manager.owner(kernel_id) if hasattr(manager, "owner") else None
        if owner is None or owner != owner_of_request(self):
            self.log.warning("%s was refused the shutdown of a kernel that is not theirs", self.current_user.username)
            raise web.HTTPError(403)
        await super().post(kernel_id)


def _page_handler(base: type) -> type:
    class AppPage(PlainErrors, base):
        """An app page: opened within the person's caps, its kernel owned by the page's session."""

        @web.authenticated
        async def get(self, path=None):
            owner = owner_of_request(self)
            manager = self.kernel_manager
            if owner is None or not hasattr(manager, "page_for"):
                raise web.HTTPError(403)
            try:
                async with manager.page_for(owner):
                    await super().get(path)
            except PageRefused as refused:
                if self._headers_written:
                    raise
                self.log.info("a page was refused: %s", refused)
                self.plain(*((429, _TOO_MANY) if refused.reason == "person" else (503, _BUSY)))

    AppPage.__name__ = AppPage.__qualname__ = f"Klynge{base.__name__}"
    return AppPage


_SWAPS = {
    RequestInfoSocketHandler: KernelQuerySocket,
    VoilaShutdownKernelHandler: OwnShutdown,
    TemplateStaticFileHandler: TemplateStatic,
    MultiStaticFileHandler: StaticFiles,
    AllowListFileHandler: AppFiles,
}


def klynge_routes(routes: list, base_url: str = "/") -> list:
    """Voila's routes with Klynge's handlers swapped in, the notebook listing left out, and the research lab."""
    from jupyter_server.utils import url_path_join

    from .proxy import STATUS_PATH, LabStatus, ResearchProxy

    # The lab's status first: the proxy's route would take it otherwise.
    swapped = [(url_path_join(base_url, "research", STATUS_PATH), LabStatus),
               (url_path_join(base_url, r"/research/.*"), ResearchProxy)]
    for route in routes:
        handler = route[1]
        if handler is VoilaContentsHandler:
            continue
        if isinstance(handler, type) and issubclass(handler, VoilaHandler):
            handler = _page_handler(handler)
        else:
            handler = _SWAPS.get(handler, handler)
        swapped.append((route[0], handler, *route[2:]))
    return swapped
