"""``klynge lab``: the folder it prepares (tables and example notebooks) and the command it would run."""

from __future__ import annotations

import os
import shlex
import sys

import pytest

from klynge import lab
from klynge.cli import main, run

from .batch.conftest import add_member_data

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def filled(store, system, cluster):
    for n, oid in enumerate(cluster["orgs"].values()):
        add_member_data(store, system, oid, "5021", n)
    return store.url


def test_the_folder_gets_tables_and_notebooks_and_keeps_a_researchers_edits(filled, tmp_path, capsys):
    folder = tmp_path / "lab"
    assert run(["lab", str(folder), "--db", filled, "--k", "1", "--key", "x", "--no-browser", "--print-command",
                "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"The research tables and example notebooks are in {folder.resolve()}."
    root = ["--allow-root"] if os.geteuid() == 0 else []
    assert shlex.split(out[1]) == [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder.resolve()}",
                                   *root, "--no-browser"]
    names = {p.name for p in folder.iterdir()}
    assert {"organisations.parquet", "organisations.csv", "DICTIONARY.md"} <= names
    assert {p.name for p in lab.examples()} <= names and len(lab.examples()) == 3
    (folder / "sdg_cooccurrence.ipynb").write_text("my edits", encoding="utf-8")
    again = lab.prepare_lab(folder, export=lambda f: pytest.fail("the tables are there already"))
    assert not again.exported and [p.name for p in again.copied] == []
    assert (folder / "sdg_cooccurrence.ipynb").read_text(encoding="utf-8") == "my edits"
    assert "--no-browser" not in lab.lab_command(folder) and "--port=9999" in lab.lab_command(folder, port=9999)


def test_without_jupyterlab_it_says_how_to_install_it(filled, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(lab, "jupyterlab_installed", lambda: False)
    for lang, words in (("nb", "JupyterLab er ikke installert"), ("sv", "JupyterLab är inte installerat"),
                        ("en", "JupyterLab is not installed")):
        with pytest.raises(SystemExit) as exited:
            main(["lab", str(tmp_path / "lab"), "--db", filled, "--k", "1", "--lang", lang])
        assert exited.value.code == 1
        err = capsys.readouterr().err
        assert words in err and "pip install 'klynge[lab]'" in err
    assert (tmp_path / "lab" / "partner_network.ipynb").exists()


def test_a_cluster_too_small_opens_no_lab(filled, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["lab", str(tmp_path / "lab"), "--db", filled, "--print-command"])
    assert exited.value.code == 1 and "nothing can be published" in capsys.readouterr().err
