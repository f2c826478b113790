"""The session cookie and the language a browser asks for."""

import pytest

from klynge.errors import KeyRejected
from klynge.server.session import COOKIE, identity_from_environ, make_cookie, preferred_language, read_cookie
from klynge.settings import load_settings

from ..conftest import SECRET


def test_a_cookie_round_trips_and_a_forged_one_does_not(store, cluster):
    settings = load_settings()
    who = cluster["who"]["fjell"]
    cookie = make_cookie(settings, who, "abc")
    assert read_cookie(settings, cookie) == (who.person_id, "abc")
    assert read_cookie(settings, cookie.replace(b"|", b"|x", 1)) is None
    assert read_cookie(settings, b"") is None and read_cookie(settings, None) is None
    other = load_settings({"KLYNGE_HOME": settings.home, "KLYNGE_SECRET": "another"})
    assert read_cookie(other, cookie) is None


def test_the_kernel_learns_its_person_from_the_cookie_and_the_store(store, cluster, system):
    settings = load_settings()
    key = store.issue_key(system, cluster["who"]["gard"].person_id, SECRET)
    key_id = key.split(".")[0]
    who = store.check_key(key, SECRET)
    environ = {"HTTP_COOKIE": f"other=1; {COOKIE}={make_cookie(settings, who, key_id).decode()}"}
    assert identity_from_environ(settings, store, environ) == who
    store.revoke_key(system, key_id)
    with pytest.raises(KeyRejected):
        identity_from_environ(settings, store, environ)
    for junk in ({}, {"HTTP_COOKIE": "klynge_session=nonsense"}, {"HTTP_COOKIE": '";;=\\'}):
        with pytest.raises(KeyRejected):
            identity_from_environ(settings, store, junk)


@pytest.mark.parametrize("header,english,expected", [
    ("sv-SE,sv;q=0.9,en;q=0.8", True, "sv"), ("en-US,en;q=0.9", True, "en"), ("en-US,en;q=0.9", False, "nb"),
    ("nn-NO", True, "nb"), ("de-DE,sv;q=0.5", True, "sv"), ("", True, "nb"), ("sv;q=x", True, "nb"),
    ("en;q=0.4,sv;q=0.8", True, "sv"),
])
def test_preferred_language(header, english, expected):
    assert preferred_language(header, "nb", english=english) == expected
