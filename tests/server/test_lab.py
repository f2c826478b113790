"""The server's research labs: what a lab is started with, and a cluster with nothing to publish."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from klynge.server.lab import KERNEL_NAME, LabUnavailable, ResearchLabs, kernel_spec, lab_environment
from klynge.settings import load_settings


def test_the_lab_gets_no_klynge_settings_database_or_secret():
    environ = {"PATH": "/usr/bin", "HOME": "/home/k", "KLYNGE_DB": "sqlite:///x.db", "KLYNGE_SECRET": "s",
               "DATABASE_URL": "postgresql://u:p@h/d", "PGPASSWORD": "p", "AWS_SECRET_ACCESS_KEY": "a",
               "GITHUB_TOKEN": "t", "SMTP_PASSWORD": "p", "JUPYTER_PATH": "/srv/widgets", "HTTP_COOKIE": "c"}
    assert lab_environment(environ, JUPYTER_DATA_DIR="/lab/data") == {"PATH": "/usr/bin", "HOME": "/home/k",
                                                                      "JUPYTER_DATA_DIR": "/lab/data"}


def test_the_one_kernel_spec_is_the_guarded_launcher(tmp_path):
    spec = kernel_spec(tmp_path / "tables", tmp_path / "scratch")
    assert spec["argv"] == [sys.executable, "-m", "klynge.research_kernel", "--tables", str(tmp_path / "tables"),
                            "--scratch", str(tmp_path / "scratch"), "-f", "{connection_file}"]
    assert KERNEL_NAME == "python3"  # the name the example notebooks (and most others) ask for
    json.dumps(spec)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_cluster_too_small_to_publish_gets_no_lab(store, cluster, tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(tmp_path / "home"), "KLYNGE_DB": store.url})
    labs = ResearchLabs(settings)
    with pytest.raises(LabUnavailable) as gone:
        asyncio.run(labs.ensure(cluster["who"]["researcher"]))
    assert gone.value.reason == "nothing"
    assert labs.running(cluster["id"]) is None
    lab = labs._labs[cluster["id"]]
    assert lab.process.poll() is not None  # the lab that started meanwhile was stopped
    assert not (labs.folder(cluster["id"]) / "organisations.csv").exists()
    # Asked again at once, it says the same without starting another JupyterLab.
    with pytest.raises(LabUnavailable) as again:
        asyncio.run(labs.ensure(cluster["who"]["researcher"]))
    assert again.value is gone.value and labs._labs[cluster["id"]] is lab
