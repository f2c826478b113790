"""Sign-in before any kernel: an identity provider for jupyter-server and its handlers.

``/signin?key=...`` checks a key, opens a server session in the store, sets the signed,
HttpOnly, SameSite session cookie (Secure over HTTPS) and redirects to the person's app at a URL
without the key. Every later request is identified by that cookie, and the store is asked each
time whether its session is still live. ``/logout`` ends the session in the store and shuts its
kernels down. A request without a live session gets a plain page in the browser's language, and
no kernel.
"""

from __future__ import annotations

from functools import cached_property

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from traitlets import default

from ..errors import KeyRejected
from ..settings import Settings
from ..store import Identity, Store, open_store
from .configuration import settings_of
from .pages import plain_page, researcher_page
from .session import COOKIE, COOKIE_DAYS, is_https, make_cookie, preferred_language, session_from_header

__all__ = ["APPS", "KlyngeIdentityProvider", "app_path", "lab_path"]

# The app each role opens, relative to the served folder (notebooks/apps).
# An invitee opens the participant app, which shows them only the registration page.
APPS = {"participant": "participant.ipynb", "facilitator": "facilitator.ipynb", "invitee": "participant.ipynb"}


def app_path(base_url: str, role: str) -> str | None:
    """The URL path of a role's app, or None when the role has no app."""
    app = APPS.get(role)
    return f"{base_url.rstrip('/')}/voila/render/{app}" if app else None


def lab_path(base_url: str) -> str:
    """The URL path of the research lab, where a researcher's sign-in leads."""
    return f"{base_url.rstrip('/')}/research/lab"


class KlyngeIdentityProvider(IdentityProvider):
    """Identifies requests by Klynge's session cookie; no tokens, no passwords, no anonymous users."""

    @default("token")
    def _token_default(self):
        return ""

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    @cached_property
    def klynge(self) -> Settings:
        """The settings the server made at its start."""
        settings = settings_of(self)
        if settings is None:
            raise RuntimeError("Klynge's identity provider works only inside `klynge serve`")
        return settings

    @cached_property
    def store(self) -> Store:
        store = open_store(self.klynge.db, create=False)
        store.audit_days = self.klynge.audit_days  # a sign-in's audit entry prunes what is older
        return store

    def identity(self, header: str | None) -> Identity | None:
        """The live session a request's ``Cookie`` header names, or None."""
        session = session_from_header(self.klynge, header)
        if session is None:
            return None
        person_id, session_id = session
        try:
            identity = self.store.session_identity(session_id)
        except KeyRejected:
            return None
        return identity if identity.person_id == person_id else None

    def get_user(self, handler) -> User | None:
        _drop_page_overrides(handler)
        identity = self.identity(handler.request.headers.get("Cookie"))
        # The kernel routes check the kernel's owner against the request's session.
        handler.klynge_identity = identity
        if identity is None:
            return None
        return User(username=f"person-{identity.person_id}", name=identity.name,
                    display_name=identity.name, initials=None)

    def get_handlers(self) -> list:
        # Listed before Voila's own routes, so "/" and the file tree never show a listing. Voila
        # adds these routes as they are, so they get the server's base path here.
        from jupyter_server.utils import url_path_join

        base = getattr(self.parent, "base_url", None) or "/"
        return [
            (url_path_join(base, r"/signin"), SignInHandler),
            (url_path_join(base, r"/login"), LoginPageHandler),
            (url_path_join(base, r"/logout"), LogoutHandler),
            (base, HomeHandler),
            (url_path_join(base, r"/voila/tree.*"), HomeHandler),
        ]


def _drop_page_overrides(handler) -> None:
    """Voila lets ``?template=`` and ``?theme=`` pick another page template; Klynge's apps have one.

    Identification runs before every handler, so this is the one place to drop them: an unknown
    template would hang the page, and a stock one would show Jupyter's look.
    """
    for name in ("template", "theme"):
        handler.request.arguments.pop(name, None)
        handler.request.query_arguments.pop(name, None)


class _PlainHandler(JupyterHandler):
    """A handler that answers with Klynge's plain pages and never caches them."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Cache-Control", "no-store")

    @property
    def klynge(self) -> KlyngeIdentityProvider:
        return self.identity_provider

    @property
    def lang(self) -> str:
        return preferred_language(self.request.headers.get("Accept-Language"), self.klynge.klynge.lang)

    def page(self, status: int, title: str, *body: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(plain_page(self.lang, title, *body))

    def researcher(self) -> None:
        """A researcher's app is the research lab (:mod:`klynge.server.proxy`), or the page that says why not."""
        from ..lab import jupyterlab_installed

        if jupyterlab_installed():
            self.redirect(lab_path(self.base_url))
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(researcher_page(self.lang, "missing"))


class SignInHandler(_PlainHandler):
    """Swap a sign-in key for a session cookie, then send the browser to a URL without the key."""

    @allow_unauthenticated
    def get(self) -> None:
        provider = self.klynge
        key = self.get_argument("key", "")
        try:
            if provider.klynge.sandbox:
                from ..demo import sandbox_key

                key = sandbox_key(provider.store, provider.klynge, key)
            identity = provider.store.open_session(key, provider.klynge.server_secret())
        except KeyRejected as exc:
            self.log.info("sign-in refused: %s", exc.reason)
            self.page(403, "page.signin_failed.title", f"page.signin_failed.{exc.reason}",
                      "page.signin_failed.help")
            return
        self.set_cookie(COOKIE, make_cookie(provider.klynge, identity), expires_days=COOKIE_DAYS,
                        path=self.base_url, httponly=True, samesite="Lax",
                        secure=is_https(self.request, provider.klynge.trust_proxy))
        target = app_path(self.base_url, identity.role)
        if target is None:
            self.researcher()
            return
        self.redirect(target)


class LoginPageHandler(_PlainHandler):
    """Where jupyter-server sends a request without a session: a plain page, no kernel."""

    @allow_unauthenticated
    def get(self) -> None:
        self.page(403, "page.login.title", "page.login.body")


class LogoutHandler(_PlainHandler):
    """End the session on the server (its open pages stop at once) and forget the cookie."""

    @allow_unauthenticated
    async def get(self) -> None:
        session = session_from_header(self.klynge.klynge, self.request.headers.get("Cookie"))
        if session is not None:
            session_id = session[1]
            self.klynge.store.end_session(session_id)
            if hasattr(self.kernel_manager, "end_session"):
                await self.kernel_manager.end_session(session_id)
        self.clear_cookie(COOKIE, path=self.base_url)
        self.page(200, "page.logout.title", "page.logout.body")


class HomeHandler(_PlainHandler):
    """The site's front door: the signed-in person's app, or how to sign in."""

    @allow_unauthenticated
    def get(self) -> None:
        identity = self.klynge.identity(self.request.headers.get("Cookie"))
        if identity is None:
            self.page(403, "page.login.title", "page.login.body")
            return
        target = app_path(self.base_url, identity.role)
        if target is None:
            self.researcher()
        else:
            self.redirect(target)


class NotFoundHandler(_PlainHandler):
    """Any address the server does not know: a plain page in the person's language, not Tornado's."""

    @allow_unauthenticated
    def prepare(self) -> None:
        self.page(404, "page.notfound.title", "page.notfound.body")
