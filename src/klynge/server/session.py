"""The signed session cookie: made by the server at sign-in, read by the server and the app kernels.

The cookie holds ``person_id:session_id``, signed with a secret derived from the server secret.
It carries no permissions: whoever reads it asks the store whether the session is still live
(not logged out, its key neither revoked nor expired, its person not erased).

The server and the app kernels read the same ``Cookie`` header (Voila hands it to a kernel as
``HTTP_COOKIE``) with the same function, :func:`session_from_header`, so they cannot disagree
about who is signed in.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

from tornado.web import create_signed_value, decode_signed_value

from ..errors import KeyRejected
from ..i18n import negotiate
from ..settings import Settings
from ..store import Identity, Store

__all__ = ["COOKIE", "COOKIE_DAYS", "KERNEL_HEADER", "cookie_secret", "cookie_values", "identity_from_environ",
           "is_https", "kernel_token", "make_cookie", "preferred_language", "read_cookie", "session_from_header"]

COOKIE = "klynge_session"
COOKIE_DAYS = 30
# The header an app kernel proves itself with when it asks the server for its page's request.
KERNEL_HEADER = "X-Klynge-Kernel"


def cookie_secret(settings: Settings) -> bytes:
    """The secret that signs session cookies, derived from (never equal to) the server secret."""
    return hmac.new(settings.server_secret(), b"klynge session cookie", hashlib.sha256).digest()


def kernel_token(settings: Settings, kernel_id: str) -> str:
    """What an app kernel shows the server to be handed its page's request (and cookie).

    Only the server and its kernels know the server secret, so no browser can pose as a kernel.
    """
    return hmac.new(cookie_secret(settings), f"kernel {kernel_id}".encode(), hashlib.sha256).hexdigest()


def make_cookie(settings: Settings, identity: Identity) -> bytes:
    """A signed cookie value for a signed-in person's server session (``identity.session_id``)."""
    if not identity.session_id:
        raise ValueError("a session cookie needs an identity with a session")
    return create_signed_value(cookie_secret(settings), COOKIE, f"{identity.person_id}:{identity.session_id}")


def read_cookie(settings: Settings, value: str | bytes | None) -> tuple[int, str] | None:
    """``(person_id, session_id)`` from a cookie value, or None when it is missing, forged or too old."""
    if not value:
        return None
    decoded = decode_signed_value(cookie_secret(settings), COOKIE, value, max_age_days=COOKIE_DAYS)
    if not decoded:
        return None
    person, _, session_id = decoded.decode().partition(":")
    return (int(person), session_id) if person.isdigit() and session_id else None


def cookie_values(header: str | None, name: str = COOKIE) -> list[str]:
    """Every value a ``Cookie`` request header gives the cookie ``name``, in the order it gives them.

    The header is read as browsers write it (RFC 6265: ``name=value`` pairs split by ``;``), and a
    pair that is not well formed is skipped, never the rest of the header: another site's cookie
    on the same host (a JSON value, a space, a stray quote) cannot hide Klynge's. Names are
    compared exactly. A browser may send the name more than once (cookies of the same name set
    for different paths, the most specific first), so all values are returned.
    """
    values = []
    for pair in (header or "").split(";"):
        key, sep, value = pair.partition("=")
        if not sep or key.strip() != name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if value:
            values.append(value)
    return values


def session_from_header(settings: Settings, header: str | None) -> tuple[int, str] | None:
    """``(person_id, session_id)`` from the first valid session cookie in a ``Cookie`` header, or None.

    This is the one reading of the session cookie: the server's (sign-in, pages, kernels) and
    the app kernels' (:func:`identity_from_environ`). A cookie that is forged, too old or signed
    by another server (another Klynge on the same host) is passed over, not taken as the answer.
    """
    for value in cookie_values(header):
        session = read_cookie(settings, value)
        if session is not None:
            return session
    return None


def is_https(request, trust_proxy: bool = False) -> bool:
    """Whether a browser reached the server over HTTPS.

    Behind a proxy that ends TLS the server sees plain HTTP; the proxy's ``X-Forwarded-Proto``
    counts only when ``trust_proxy`` is set, since anyone can send that header to a server that
    faces the internet itself. The first value is the one the browser's own proxy wrote.
    """
    if request.protocol == "https":
        return True
    if not trust_proxy:
        return False
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"


def identity_from_environ(settings: Settings, store: Store, environ: Mapping[str, str] | None = None) -> Identity:
    """Who an app kernel serves, from the ``Cookie`` header Voila hands it as ``HTTP_COOKIE``.

    Raises
    ------
    KeyRejected
        When there is no valid session cookie, or its session has ended (logged out, its key
        revoked or expired, its person erased).
    """
    environ = os.environ if environ is None else environ
    session = session_from_header(settings, environ.get("HTTP_COOKIE"))
    if session is None:
        raise KeyRejected("unknown")
    person_id, session_id = session
    identity = store.session_identity(session_id)
    if identity.person_id != person_id:
        raise KeyRejected("wrong")
    return identity


def preferred_language(accept_language: str | None, default: str = "nb", *, english: bool = True) -> str:
    """The first of nb, sv, en that an ``Accept-Language`` header asks for (no, nn and da count as nb).

    With ``english=False`` only bokmål and Swedish are taken from the header: many Nordic browsers
    say English by default, and the apps start in the cluster's language, with English one click away.
    """
    return negotiate(accept_language, default, english=english)
