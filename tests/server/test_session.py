"""The session cookie and the language a browser asks for."""

from dataclasses import replace

import pytest

from klynge.errors import KeyRejected
from klynge.server.session import COOKIE, identity_from_environ, is_https, make_cookie, preferred_language, read_cookie
from klynge.settings import load_settings

from ..conftest import SECRET


def test_a_cookie_round_trips_and_a_forged_one_does_not(store, cluster):
    settings = load_settings()
    who = replace(cluster["who"]["fjell"], session_id="abc")
    cookie = make_cookie(settings, who)
    assert read_cookie(settings, cookie) == (who.person_id, "abc")
    assert read_cookie(settings, cookie.replace(b"|", b"|x", 1)) is None
    assert read_cookie(settings, b"") is None and read_cookie(settings, None) is None
    other = load_settings({"KLYNGE_HOME": settings.home, "KLYNGE_SECRET": "another"})
    assert read_cookie(other, cookie) is None
    with pytest.raises(ValueError):
        make_cookie(settings, cluster["who"]["fjell"])


def test_the_kernel_learns_its_person_from_the_cookie_and_the_store(store, cluster, system):
    settings = load_settings()
    key = store.issue_key(system, cluster["who"]["gard"].person_id, SECRET)
    who = store.open_session(key, SECRET)
    environ = {"HTTP_COOKIE": f"other=1; {COOKIE}={make_cookie(settings, who).decode()}"}
    assert identity_from_environ(settings, store, environ) == who
    store.revoke_key(system, key.split(".")[0])
    with pytest.raises(KeyRejected):
        identity_from_environ(settings, store, environ)
    for junk in ({}, {"HTTP_COOKIE": "klynge_session=nonsense"}, {"HTTP_COOKIE": '";;=\\'}):
        with pytest.raises(KeyRejected):
            identity_from_environ(settings, store, junk)


def test_a_logged_out_session_opens_nothing(store, cluster, system):
    settings = load_settings()
    who = store.open_session(store.issue_key(system, cluster["who"]["fjell"].person_id, SECRET), SECRET)
    environ = {"HTTP_COOKIE": f"{COOKIE}={make_cookie(settings, who).decode()}"}
    store.end_session(who.session_id)
    with pytest.raises(KeyRejected) as refused:
        identity_from_environ(settings, store, environ)
    assert refused.value.reason == "ended"


@pytest.mark.parametrize("protocol,forwarded,trusted,secure", [
    ("https", None, False, True), ("http", None, False, False), ("http", "https", False, False),
    ("http", "https", True, True), ("http", "HTTPS, http", True, True), ("http", "http", True, False),
    ("http", "http, https", True, False),
])
def test_https_is_what_the_request_or_a_trusted_proxy_says(protocol, forwarded, trusted, secure):
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    headers = HTTPHeaders({"Host": "klynge.example", **({"X-Forwarded-Proto": forwarded} if forwarded else {})})
    request = HTTPServerRequest(start_line=RequestStartLine("GET", "/signin", "HTTP/1.1"), headers=headers)
    request.protocol = protocol
    assert is_https(request, trust_proxy=trusted) is secure


@pytest.mark.parametrize("header,english,expected", [
    ("sv-SE,sv;q=0.9,en;q=0.8", True, "sv"), ("en-US,en;q=0.9", True, "en"), ("en-US,en;q=0.9", False, "nb"),
    ("nn-NO", True, "nb"), ("de-DE,sv;q=0.5", True, "sv"), ("", True, "nb"), ("sv;q=x", True, "nb"),
    ("en;q=0.4,sv;q=0.8", True, "sv"),
])
def test_preferred_language(header, english, expected):
    assert preferred_language(header, "nb", english=english) == expected
