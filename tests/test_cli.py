"""The command line reaches the library functions and reports errors as one line."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_status_names_the_database_it_opened_without_its_password(settings, capsys):
    assert run(["status"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"database: {settings.db}"
    from klynge.cli import shown_url

    assert shown_url("postgresql+psycopg://klynge:s3cret@db.example/klynge") == (
        "postgresql+psycopg://klynge:***@db.example/klynge", "s3cret")


def test_every_command_finds_the_klynge_folder_of_the_project_it_runs_in(tmp_path):
    project = tmp_path / "project"
    (project / "notes").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "user-data")  # not where the project's database is

    def klynge_in(folder, *args):
        return subprocess.run([sys.executable, "-m", "klynge", *args], cwd=folder, env=env, capture_output=True,
                              text=True)

    (project / ".klynge").mkdir()
    assert klynge_in(project, "init", "Nysesong").returncode == 0
    out = klynge_in(project / "notes", "status")
    assert out.returncode == 0, out.stderr
    assert f"database: sqlite:///{project / '.klynge' / 'klynge.db'}" in out.stdout
    assert not (tmp_path / "user-data").exists()


def test_export_research_writes_the_tables_and_a_dictionary(settings, tmp_path, capsys):
    ops.init_cluster(settings, "Nysesong")
    assert run(["export", "--research", str(tmp_path / "research")]) == 0
    written = {line.removeprefix("wrote ") for line in capsys.readouterr().out.splitlines()}
    assert {Path(p).name for p in written} == {"organisations.csv", "offers.csv", "sdg.csv", "DICTIONARY.md"}
    with pytest.raises(SystemExit):
        main(["export"])
    assert "--research" in capsys.readouterr().err


def test_progress_lines_count_notebooks_and_failures():
    from klynge.batch.lines import ProgressLines
    from klynge.batch.runner import MemberResult

    out = io.StringIO()
    lines = ProgressLines(out, every_seconds=3600, every_percent=25)
    for done in range(1, 9):
        lines(done, 8, MemberResult("analysis", done, f"m{done}", "failed" if done == 3 else "ok"))
    assert out.getvalue().splitlines() == ["batch: 2/8 notebooks (25%)", "batch: 4/8 notebooks (50%), 1 failed",
                                           "batch: 6/8 notebooks (75%), 1 failed",
                                           "batch: 8/8 notebooks (100%), 1 failed"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_batch_run_prints_progress_lines_when_its_output_is_not_a_terminal(db_url, store, system, cluster, tmp_path):
    from .batch.conftest import add_member_data

    for n, (key, oid) in enumerate(sorted(cluster["orgs"].items())):
        add_member_data(store, system, oid, {"fjell": "5021", "gard": "5014", "stuga": "2321"}[key], n)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
    env.update(KLYNGE_HOME=str(tmp_path / "home"), KLYNGE_DB=db_url, KLYNGE_LANG="en")
    out = subprocess.run([sys.executable, "-m", "klynge", "batch", "run", "--workers", "1"], env=env,
                         capture_output=True, text=True)  # a pipe, not a terminal
    assert out.returncode == 0, out.stderr
    progress = [line for line in out.stdout.splitlines() if line.startswith("batch: ")]
    assert progress and progress[-1] == "batch: 7/7 notebooks (100%)"
    assert "\r" not in out.stdout + out.stderr  # no progress bar redrawn in place
