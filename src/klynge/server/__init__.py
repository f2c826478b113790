"""``klynge serve``: Voila with Klynge's template, apps, sign-in and limits.

Voila serves only ``notebooks/apps``; sign-in happens in :mod:`klynge.server.signin` before any
kernel starts; with a mail server set, the server sends the invitations' reminders itself
(:mod:`klynge.server.reminders`); kernels learn who they serve from the session cookie
(:func:`klynge.server.session.identity_from_environ`). Klynge's own options are traitlets
(:class:`klynge.server.configuration.KlyngeConfiguration`), made into one settings object when the
server starts and handed from there to its handlers, its identity provider and every kernel.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import socket

from .. import resources
from ..settings import Settings

__all__ = ["HideKernelIds", "check_port", "log_request", "normalise_base_path", "serve", "voila_config"]

# Where the server listens; a proxy in front of it (or the browser on this machine) reaches it there.
IP = "127.0.0.1"

log = logging.getLogger(__name__)


def voila_config(settings: Settings, *, port: int = 8866, open_browser: bool = False, preheat: bool = False,
                 max_kernels: int = 40, max_kernels_per_person: int = 3, cull_idle_seconds: int = 900,
                 apps: str | None = None, base_path: str = "/", iopub_timeout: int = 60):
    """The traitlets configuration of Klynge's Voila server; ``apps`` is the folder of app notebooks.

    ``iopub_timeout`` is how many seconds the server waits for an app's output after its cell
    has finished, before it gives the page up.

    ``base_path`` is the path every page and route sits under, for a server behind a proxy that
    passes the full path on (such as ``/user/<name>/proxy/absolute/8866/`` on Binder).
    """
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader
    from jupyter_server.utils import url_path_join  # noqa: F401  (jupyter-server must import first)
    from traitlets.config import Config
    from voila.paths import collect_template_paths

    from . import pages as server_pages_module
    from .configuration import settings_config
    from .kernels import KernelOwnerAuthorizer
    from .signin import KlyngeIdentityProvider, NotFoundHandler

    template_dir = resources.path("widgets", "voila", "templates", "klynge")
    # Error pages for the server's own handlers come from Klynge's template first.
    server_pages = Environment(loader=ChoiceLoader([
        FileSystemLoader(str(template_dir)),
        FileSystemLoader(collect_template_paths(["html"], "base")),
    ]), autoescape=True, extensions=["jinja2.ext.i18n"])
    server_pages.install_null_translations()
    server_pages.globals["texts"] = server_pages_module.in_every_language

    c = Config()
    c.merge(settings_config(settings))
    c.Voila.ip = IP
    c.Voila.port = port
    c.Voila.port_retries = 0
    c.Voila.base_url = normalise_base_path(base_path)
    c.Voila.open_browser = open_browser
    c.Voila.root_dir = str(apps or resources.path("notebooks", "apps"))
    c.Voila.identity_provider_class = KlyngeIdentityProvider
    c.Voila.authorizer_class = KernelOwnerAuthorizer
    c.Voila.token = ""
    c.Voila.tornado_settings = {
        "compress_response": True,
        "headers": {
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
        },
        "jinja2_env": server_pages,
        "serve_traceback": False,
        "default_handler_class": NotFoundHandler,
        "log_function": log_request,
        # The session cookie is SameSite=Lax, so a cross-site POST never carries it; the XSRF
        # check adds nothing, and it refuses the page's own kernel shutdown (voila#1458),
        # which would leave a kernel running for every closed page.
        "disable_check_xsrf": True,
        # A file added to the library reaches the kernel as one widget message: let one well past
        # the library's limit through, so that the page can say it is too large (tornado stops at
        # 10 MiB otherwise, dropping the page's connection to its kernel).
        "websocket_max_message_size": (settings.library_max_mb * 2 + 8) * 1024 * 1024,
    }
    c.VoilaConfiguration.template = "klynge"
    c.VoilaExporter.filters = {"klynge_texts": "klynge.server.pages.texts_json"}
    c.VoilaConfiguration.theme = "light"
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.show_margins = False
    c.VoilaConfiguration.file_allowlist = []
    c.VoilaConfiguration.http_header_envs = ["Cookie", "Accept-Language"]
    c.VoilaConfiguration.multi_kernel_manager_class = "klynge.server.kernels.CappedKernelManager"
    c.VoilaConfiguration.preheat_kernel = preheat
    # The page is rendered with the app cell's output. On a busy server that output can reach
    # Voila's executor (nbclient) seconds after the cell's reply; it waits 4 s by default and
    # then renders the page without it: an empty page that never fills in.
    c.VoilaExecutor.iopub_timeout = iopub_timeout
    if preheat:
        c.VoilaConfiguration.default_pool_size = 1
    c.CappedKernelManager.max_kernels = max_kernels
    c.CappedKernelManager.max_kernels_per_person = max_kernels_per_person
    c.CappedKernelManager.cull_idle_timeout = cull_idle_seconds
    c.CappedKernelManager.cull_interval = 60
    c.CappedKernelManager.cull_connected = False
    c.CappedKernelManager.cull_busy = False
    c.CappedKernelManager.session_check_interval = 2.0
    # Kernels talk to the server over Unix sockets beside their connection files, not loopback
    # TCP ports: a port picked free can be taken by another process before the kernel binds it
    # ("Address already in use"), and that kernel never answers.
    c.KernelManager.transport = "ipc"
    return c


def normalise_base_path(path: str | None) -> str:
    """``user/x/proxy`` or ``/user/x/proxy/`` as ``/user/x/proxy/``; empty as ``/``."""
    inner = (path or "").strip().strip("/")
    return f"/{inner}/" if inner else "/"


def _voila_class():
    """Voila with Klynge's options and settings, response compression, and Klynge's handlers on its routes."""
    from functools import cached_property

    from traitlets import Instance, default
    from voila.app import Voila

    from .configuration import KlyngeConfiguration
    from .kernels import CappedKernelManager
    from .lab import ResearchLabs
    from .routes import klynge_routes
    from .session import cookie_secret

    class KlyngeVoila(Voila):
        classes = [*Voila.classes, KlyngeConfiguration, CappedKernelManager]
        klynge_settings = Instance(Settings, help="Klynge's settings, made once from KlyngeConfiguration")

        @default("klynge_settings")
        def _klynge_settings(self) -> Settings:
            return KlyngeConfiguration(parent=self).settings()

        @default("cookie_secret")
        def _klynge_cookie_secret(self) -> bytes:
            return cookie_secret(self.klynge_settings)

        @cached_property
        def klynge_labs(self) -> ResearchLabs:
            """The research labs this server runs for its researchers (started on demand)."""
            return ResearchLabs(self.klynge_settings, self.base_url)

        def init_settings(self):
            # Tornado sets up gzip while it builds the application; Voila applies its extra
            # tornado_settings only afterwards, too late for compression.
            return {**super().init_settings(), "compress_response": True, "klynge_settings": self.klynge_settings,
                    "klynge_labs": self.klynge_labs}

        def init_handlers(self):
            return klynge_routes(super().init_handlers(), self.base_url)

        def stop(self):
            try:
                self.klynge_labs.stop_all()
            finally:
                super().stop()

    return KlyngeVoila


# A kernel id names a kernel to whoever holds its owner's cookie: it stays out of the log.
_KERNEL_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class HideKernelIds(logging.Filter):
    """Takes kernel ids out of every line the server logs (Tornado's and Jupyter's lines name them too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _KERNEL_ID.search(message):
            record.msg, record.args = _KERNEL_ID.sub("<kernel>", message), None
        return True


def log_request(handler) -> None:
    """Tornado's access log line, without query strings or kernel ids: no key or kernel reaches a log."""
    status = handler.get_status()
    level = log.info if status < 400 else log.warning if status < 500 else log.error
    request = handler.request
    level("%d %s %s (%s) %.2fms", status, request.method, _KERNEL_ID.sub("<kernel>", request.path),
          request.remote_ip, 1000.0 * request.request_time())


def check_port(port: int, ip: str = IP) -> None:
    """Make sure the server can listen on ``port``, before anything else is started or printed.

    Raises
    ------
    PortTaken
        When another program listens on it.
    KlyngeError
        When this user may not listen on it (a port below 1024, for most users).
    """
    from ..errors import PortTaken, PortUnusable

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":
            # As Tornado binds: a closed connection still waiting out its TIME_WAIT does not hold the port.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)):
                raise PortTaken(port) from None
            if exc.errno in (errno.EACCES, getattr(errno, "WSAEACCES", errno.EACCES)):
                said = f"this user may not listen on port {port}; choose another with --port"
                raise PortUnusable(port, said) from None
            raise PortUnusable(port, f"cannot listen on port {port}: {exc.strerror or exc}") from None
        except OverflowError:
            raise PortUnusable(port, f"there is no port {port}; choose one from 1 to 65535 with --port") from None


def _check_database(settings: Settings) -> None:
    """Say a wrong password or an unreachable database once, now, not at every request."""
    from ..store import open_store

    open_store(settings.db, create=False).close()
    if settings.sandbox:
        from ..demo import check_sandbox_database

        check_sandbox_database(settings)


def serve(settings: Settings, *, port: int = 8866, open_browser: bool = False, preheat: bool = True,
          links: list[str] | None = None, apps: str | None = None, base_path: str = "/") -> None:
    """Run the server until interrupted. Kernels are handed ``settings`` (database, home, language, ...).

    Raises
    ------
    PortTaken
        When another program listens on ``port``.
    KlyngeError
        When the database cannot be opened; in sandbox mode, when it does not hold the demo cluster.
    """
    from ..errors import AlreadyRunning
    from .runfile import remove_run_file, running_server, write_run_file

    other = running_server(settings)
    if other is not None:
        raise AlreadyRunning(f"Klynge already runs on {settings.home} at {other.url} (process {other.pid}); "
                          "stop it first, or set KLYNGE_HOME to another folder")
    check_port(port)
    _check_database(settings)
    # Voila finds the "klynge" template on the Jupyter data path, and so does its handler of the
    # template's static files, at every request (voila/static_file_handler.py): no option of
    # Voila's sets another path for both, so the server's environment carries it.
    data_path = str(resources.path("widgets"))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (data_path, os.environ.get("JUPYTER_PATH")) if p)
    base_path = normalise_base_path(base_path)
    config = voila_config(settings, port=port, open_browser=open_browser, preheat=preheat, apps=apps,
                          base_path=base_path)
    logging.basicConfig(level=logging.INFO, format="[Klynge] %(message)s")
    app = _voila_class()(config=config)
    app.initialize([])
    if app.klynge_settings != settings:  # a Jupyter config file (voila.py) changed some
        settings = app.klynge_settings
        _check_database(settings)
    settings.server_secret()  # made now, before kernels need it
    for handler in (*logging.getLogger().handlers, *app.log.handlers):
        handler.addFilter(HideKernelIds())
    for line in links or []:
        print(line, flush=True)
    url = f"http://localhost:{port}{base_path}"
    from tornado.ioloop import IOLoop

    from .reminders import ReminderPasses

    reminders = ReminderPasses(settings)

    def running() -> None:
        # Said once the loop runs, that is once the port is ours; `klynge demo --serve` finds the note.
        print(f"Klynge is running at {url} (Ctrl+C stops it)", flush=True)
        write_run_file(settings, port, url)
        reminders.start()

    IOLoop.current().add_callback(running)
    try:
        app.start()
    finally:
        reminders.stop()
        remove_run_file(settings)
