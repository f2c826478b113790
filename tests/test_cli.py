"""The command line reaches the library functions and reports errors as one line."""

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from klynge import operations as ops
from klynge.cli import build_parser, main, run
from klynge.settings import load_settings

from .conftest import SECRET


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
    assert data["schema_version"] == "0015"


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


def test_export_research_of_a_cluster_too_small_says_so_and_writes_nothing(settings, tmp_path, capsys):
    ops.init_cluster(settings, "Nysesong")
    with pytest.raises(SystemExit) as exited:
        main(["export", "--research", str(tmp_path / "research"), "--key", "k1"])
    assert exited.value.code == 1
    assert "nothing can be published" in capsys.readouterr().err
    assert not (tmp_path / "research").exists() or not any((tmp_path / "research").iterdir())
    with pytest.raises(SystemExit):
        main(["export"])
    assert "--research" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--research", str(tmp_path / "research"), "--k", "0"])
    assert "--k must be 1 or more" in capsys.readouterr().err


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


# -- the parser: options where people put them, one handler per command ---------------------
@pytest.mark.parametrize("argv", [
    ["--db", "x.db", "status"], ["status", "--db", "x.db"], ["--db", "other.db", "status", "--db", "x.db"],
    ["--db", "x.db", "db", "upgrade"], ["db", "--db", "x.db", "upgrade"], ["db", "upgrade", "--db", "x.db"],
    ["--db", "x.db", "key", "revoke", "abc"], ["key", "revoke", "abc", "--db", "x.db"],
    ["person", "export", "anne@klynge.example", "--db", "x.db"], ["--db", "x.db", "db", "backup"],
    ["import", "--db", "x.db", "a.zip"], ["batch", "run", "--db", "x.db"], ["--db", "x.db", "serve"],
])
def test_db_works_before_and_after_the_command(argv):
    assert build_parser().parse_args(argv).db == "x.db"


@pytest.mark.parametrize("argv", [
    ["--lang", "sv", "canvases", "list"], ["canvases", "list", "--lang", "sv"], ["canvases", "--lang", "sv", "list"],
    ["--lang", "en", "batch", "run", "--lang", "sv"], ["--lang", "sv", "demo"], ["init", "Nysesong", "--lang", "sv"],
])
def test_lang_works_before_and_after_the_command(argv):
    assert build_parser().parse_args(argv).lang == "sv"


def test_the_parser_is_light():
    code = ("import sys, klynge.cli; klynge.cli.build_parser(); "
            "print(sorted({'sqlalchemy', 'pydantic'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"  # so `klynge --help` answers at once


def test_without_an_option_the_settings_decide():
    args = build_parser().parse_args(["status"])
    assert args.db is None and args.lang is None


def test_lang_reaches_what_the_command_writes(capsys):
    assert run(["canvases", "list", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert run(["--lang", "sv", "canvases", "list"]) == 0
    assert capsys.readouterr().out != english


def leaves(parser, path=()):
    """Every runnable command as (words, parser)."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield path, parser
    for group in groups:
        for name, child in group.choices.items():
            yield from leaves(child, (*path, name))


def test_every_command_has_its_handler():
    import inspect

    found = {" ".join(words): p.get_default("run") for words, p in leaves(build_parser())}
    assert set(found) == {
        "status", "db upgrade", "db backup", "db restore", "init", "export", "import", "members", "invite",
        "key revoke", "key reissue", "person export", "person erase", "audit", "demo", "serve", "batch run",
        "canvases list", "canvases show", "travel", "partners", "meetings plan", "packages suggest", "funnel",
        "events list", "events add", "attendance import", "library add", "library search", "workshop import",
        "lab"}
    for command, handler in found.items():
        assert handler.__module__.startswith("klynge.cli."), command
        assert list(inspect.signature(handler).parameters) == ["args", "settings"], command
    assert len(set(found.values())) == len(found)  # one handler per command


def test_batch_and_language_choices_come_from_where_they_are_defined():
    from klynge.batch import executors
    from klynge.batch.runner import ENGINES
    from klynge.i18n import LANGUAGES

    run_batch = dict(leaves(build_parser()))[("batch", "run")]
    choices = {a.dest: a.choices for a in run_batch._actions}
    assert tuple(choices["engine"]) == ENGINES and list(choices["executor"]) == executors.names()
    assert tuple(choices["lang"]) == LANGUAGES


def test_an_unknown_command_names_the_commands():
    out = klynge("stauts")
    assert out.returncode == 2
    assert "invalid choice: 'stauts'" in out.stderr and "'status'" in out.stderr and "Traceback" not in out.stderr


def test_a_group_without_its_action_says_so():
    out = klynge("db")
    assert out.returncode == 2 and "required: ACTION" in out.stderr


def test_serve_passes_its_options_on(monkeypatch):
    import klynge.server

    seen = {}
    monkeypatch.setattr(klynge.server, "serve", lambda settings, **kw: seen.update(kw, settings=settings))
    assert run(["serve", "--port", "9001", "--no-browser", "--no-preheat", "--base-path", "/k/", "--trust-proxy",
                "--db", "x.db", "--lang", "en"]) == 0
    settings = seen.pop("settings")
    assert seen == {"port": 9001, "open_browser": False, "preheat": False, "apps": None, "base_path": "/k/"}
    assert settings.trust_proxy and settings.lang == "en" and settings.db.endswith("/x.db")


def test_db_after_the_command_in_a_subprocess(tmp_path):
    out = klynge("status", "--db", str(tmp_path / "after.db"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == f"database: sqlite:///{tmp_path / 'after.db'}"


# -- backup and restore, end to end ----------------------------------------------------------
def test_backup_replace_restore_from_the_command_line(db_url, tmp_path, capsys):
    settings = load_settings().with_db(db_url)
    ops.init_cluster(settings, "Nysesong")
    ops.invite(settings, name="Anne", email="anne@klynge.example", role="facilitator")
    before = ops.status(settings)
    assert run(["db", "backup", "--db", db_url]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    backup = Path(line.removeprefix("backed up to "))
    assert backup.parent == ops.backup_folder(settings) and backup.is_file()
    assert run(["--db", db_url, "db", "backup", str(tmp_path / "chosen.zip")]) == 0
    assert capsys.readouterr().out.strip() == f"backed up to {tmp_path / 'chosen.zip'}"

    other = load_settings().with_db(f"sqlite:///{tmp_path / 'other.db'}")
    ops.init_cluster(other, "Annen")
    ops.export_cluster(other, str(tmp_path / "other.zip"))
    assert run(["import", str(tmp_path / "other.zip"), "--replace", "--db", db_url]) == 0
    assert "the previous content was backed up to " in capsys.readouterr().out
    assert ops.status(settings)["people"] == 0

    assert run(["db", "restore", str(backup), "--db", db_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"the previous content was backed up to {ops.backup_folder(settings)}")
    assert out[1].startswith("restored ") and "sign-in keys are not part of an archive" in out[1]
    assert ops.status(settings) == before


def test_restore_refuses_a_damaged_archive_in_one_line(settings, tmp_path, capsys):
    ops.init_cluster(settings, "Nysesong")
    good = ops.backup(settings)
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(good.read_bytes()[:-300])
    with pytest.raises(SystemExit) as exit:
        main(["db", "restore", str(damaged)])
    assert exit.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"klynge: {damaged}")
    assert ops.status(settings)["people"] == 0 and len(list(ops.backup_folder(settings).iterdir())) == 1


# -- one person's data: see it, erase it -----------------------------------------------------
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_person_export_holds_everything_about_them_and_no_secrets(db_url, store, system, cluster, tmp_path,
                                                                   capsys):
    from klynge.model import Note

    fjell = cluster["who"]["fjell"]
    store.save_canvas(fjell, fjell.organisation_id, "business_model",
                      [Note(id="a", block="channels", text="Hemmelig plan", visibility="private")], None)
    assert run(["person", "export", "fjell@example.no", "--db", db_url]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["person"]["name"] == "Fjell Person" and record["person"]["erased_at"] is None
    assert record["organisation"] == {"id": fjell.organisation_id, "name": "Fjellguidene", "subclusters": ["winter"]}
    (key,) = record["keys"]
    assert set(key) == {"id", "created_at", "expires_at", "revoked_at", "last_used_at"}
    (revision,) = record["revisions"]
    assert revision["body"]["a"]["text"] == "Hemmelig plan" and revision["kind"] == "canvas"
    out = tmp_path / "out" / "p.json"
    assert run(["--db", db_url, "person", "export", str(fjell.person_id), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == record
    text = json.dumps(record)
    assert "digest" not in text and SECRET.decode() not in text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_person_erase_asks_first_and_then_forgets_name_and_email(db_url, store, system, cluster, monkeypatch,
                                                                 capsys):
    from klynge.errors import NotFound

    gard = cluster["who"]["gard"]
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert run(["person", "erase", "gard@example.no", "--db", db_url]) == 1
    assert "Gard Person" in capsys.readouterr().err.splitlines()[0]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no answer (not a terminal) is no
    assert run(["person", "erase", "gard@example.no", "--db", db_url]) == 1
    assert "nothing was erased" in capsys.readouterr().err
    assert store.person(system, gard.person_id).name == "Gard Person"

    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert run(["person", "erase", "gard@example.no", "--db", db_url]) == 0
    assert capsys.readouterr().out.startswith(f"person {gard.person_id} erased")
    with pytest.raises(NotFound):
        store.person(system, gard.person_id)
    assert run(["person", "export", str(gard.person_id), "--db", db_url]) == 0
    person = json.loads(capsys.readouterr().out)["person"]
    assert person["name"] is None and person["email"] is None and person["erased_at"]

    with pytest.raises(NotFound):
        run(["person", "erase", str(gard.person_id), "--yes", "--db", db_url])
    assert run(["person", "erase", str(cluster["who"]["stuga"].person_id), "--yes", "--db", db_url]) == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_person_erase_removes_text_on_request_warns_for_the_only_person_and_refuses_the_last_facilitator(
        db_url, store, system, cluster, capsys):
    from klynge.model import Note

    gard = cluster["who"]["gard"]
    store.save_canvas(gard, gard.organisation_id, "business_model",
                      [Note(id="a", block="channels", text="Ring Gard")], None)
    assert run(["person", "erase", "gard@example.no", "--yes", "--remove-text", "--db", db_url]) == 0
    out = capsys.readouterr()
    assert "only person of Gardsbutikken" in out.err and "1 revisions rewritten without their text" in out.out
    assert store.canvas(system, gard.organisation_id, "business_model")[0].notes == []

    fac = cluster["who"]["facilitator"]
    assert run(["person", "erase", "facilitator@klynge.example", "--yes", "--db", db_url]) == 1
    assert "last facilitator" in capsys.readouterr().err
    assert run(["person", "erase", str(fac.person_id), "--yes", "--last-facilitator", "--db", db_url]) == 0
    capsys.readouterr()

    assert run(["audit", "--json", "--db", db_url]) == 0
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["action"] for e in entries] == ["erase_person", "erase_person"]
    assert entries[1]["subject_id"] == str(gard.person_id) and entries[1]["details"]["remove_text"] is True
    assert run(["audit", "--since", "2999-01-01", "--db", db_url]) == 0
    assert "no audit entries since 2999-01-01" in capsys.readouterr().err
    with pytest.raises(Exception, match="not a date"):
        run(["audit", "--since", "yesterday", "--db", db_url])
    assert run(["audit", "prune", "--db", db_url]) == 0
    assert "0 audit entries older than 730 days deleted" in capsys.readouterr().out
