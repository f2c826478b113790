"""The session cookie and the language a browser asks for."""

from dataclasses import replace

import pytest

from klynge.errors import KeyRejected
from klynge.server.session import (
    COOKIE,
    cookie_values,
    identity_from_environ,
    is_https,
    make_cookie,
    preferred_language,
    read_cookie,
    session_from_header,
)
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
    # Another site's cookie on the same host, one a strict parser gives up at, hides nothing.
    hostile = {"HTTP_COOKIE": f'prefs={{"theme": "dark mode"}}; {COOKIE}={make_cookie(settings, who).decode()}'}
    assert identity_from_environ(settings, store, hostile) == who
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


@pytest.mark.parametrize("header,values", [
    (None, []), ("", []), ("klynge_session=a", ["a"]), (" klynge_session = a ; b=c", ["a"]),
    ('klynge_session="a|b"', ["a|b"]), ("klynge_session=a=b", ["a=b"]), ("klynge_session=", []),
    ('prefs={"a": 1, "b": [2]}; klynge_session=a', ["a"]), ("x=a b; klynge_session=a", ["a"]),
    ('";;=\\; klynge_session=a', ["a"]), ("klynge_session; klynge_session=a", ["a"]),
    ("klynge_session=a; klynge_session=b", ["a", "b"]), ("KLYNGE_SESSION=a; xklynge_session=b; klynge_session_=c", []),
    ("klynge_session=a,b", ["a,b"]),
])
def test_cookie_values_reads_the_header_as_browsers_write_it(header, values):
    assert cookie_values(header) == values


def test_a_hostile_cookie_beside_the_session_hides_nothing_and_forges_nothing(tmp_path):
    settings = load_settings()
    other = load_settings({"KLYNGE_HOME": str(tmp_path / "other"), "KLYNGE_SECRET": "another server"})
    mine = make_cookie(settings, _who(7, "mine")).decode()
    theirs = make_cookie(other, _who(8, "theirs")).decode()
    for header in (f'prefs={{"a": 1}}; {COOKIE}={mine}', f"x=a b; {COOKIE}={mine}", f'{COOKIE}="{mine}"',
                   f"{COOKIE}=forged; {COOKIE}={mine}", f"{COOKIE}={mine}; {COOKIE}=forged",
                   f"{COOKIE}={theirs}; {COOKIE}={mine}", f'";;=\\; {COOKIE}={mine}'):
        assert session_from_header(settings, header) == (7, "mine"), header
    for header in (f"{COOKIE}={theirs}", f"{COOKIE.upper()}={mine}", f"x{COOKIE}={mine}", f"{COOKIE}={mine}x",
                   f"{COOKIE}={mine[:-1]}", f"{COOKIE}={mine.replace('|', '||', 1)}", f"{mine}", "=" * 50,
                   f"{COOKIE}=" + "\x00" * 20, f"{COOKIE}=2|1:0|10:0|" + "9" * 40, f"{COOKIE}=\u00e9|x"):
        assert session_from_header(settings, header) is None, header


def test_junk_headers_never_raise():
    import random

    settings = load_settings()
    rng = random.Random(11)
    alphabet = 'klynge_sion=;|:"\\ ,2019x\x00\u00e9'
    for _ in range(2000):
        header = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert session_from_header(settings, header) is None


def _who(person_id: int, session_id: str):
    from klynge.store import Identity

    return Identity(person_id=person_id, role="participant", organisation_id=None, cluster_id=1,
                    name="x", session_id=session_id)


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
