"""The command line reaches the library functions and reports errors as one line."""

import json
import subprocess
import sys

import pytest

from klynge import operations as ops
from klynge.cli import main, run
from klynge.settings import load_settings


def klynge(*args):
    return subprocess.run([sys.executable, "-m", "klynge", *args], capture_output=True, text=True)


@pytest.fixture
def settings():
    return load_settings()


def test_help_lists_commands_and_settings():
    out = klynge("--help")
    assert out.returncode == 0
    for word in ("status", "invite", "key", "db", "KLYNGE_DB", "KLYNGE_SECRET"):
        assert word in out.stdout


def test_status_json_has_the_agreed_keys(capsys):
    assert run(["status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"organisations", "people", "municipalities", "countries", "offers", "canvases",
                         "organisations_with_sdg_assessment", "packages", "schema_version"}
    assert data["schema_version"] == "0003"


def test_invite_revoke_reissue(settings, capsys):
    ops.init_cluster(settings, "Nysesong")
    inv = ops.invite(settings, name="Anne", email="anne@klynge.example", role="facilitator")
    assert inv.link.startswith("http://localhost:8866/signin?key=") and inv.key in inv.link
    with ops.store_for(settings) as store:
        assert store.check_key(inv.key, settings.server_secret()).role == "facilitator"
    assert run(["key", "revoke", inv.key]) == 0
    assert run(["key", "reissue", "--email", "anne@klynge.example"]) == 0
    out = capsys.readouterr().out
    assert "revoked" in out and "facilitator Anne" in out and "/signin?key=" in out


def test_invite_needs_an_organisation_for_participants(settings, capsys):
    ops.init_cluster(settings, "Nysesong")
    with pytest.raises(SystemExit) as exit:
        main(["invite", "--name", "Bo", "--email", "bo@example.se"])
    assert exit.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("klynge: ")


def test_errors_are_one_line_and_non_zero():
    out = klynge("key", "revoke", "nope")
    assert out.returncode == 1
    assert out.stderr.strip() == "klynge: no key with id nope"
    out = klynge("--db", "sqlite://", "status")
    assert out.returncode == 1 and "Traceback" not in out.stderr


def test_init_refuses_a_second_cluster(settings):
    ops.init_cluster(settings, "Nysesong")
    out = klynge("init", "Annen")
    assert out.returncode == 1 and "already holds a cluster" in out.stderr


@pytest.mark.postgres
def test_a_wrong_database_password_is_one_line(postgres_url):
    from sqlalchemy.engine import make_url

    wrong = make_url(postgres_url).set(password="not-the-password").render_as_string(hide_password=False)
    out = klynge("--db", wrong, "status")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("klynge: cannot open postgresql+psycopg://klynge:***@")
    assert "password authentication failed" in lines[0]
    assert "not-the-password" not in out.stderr + out.stdout


def test_an_unreachable_database_is_one_line():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = klynge("--db", f"postgresql://someone:secret@127.0.0.1:{port}/klynge", "status")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("klynge: cannot open ") and "secret" not in lines[0]
