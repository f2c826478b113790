"""Resource folders are found in a checkout, and a wheel in a fresh venv outside the repo works."""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from klynge import resources
from klynge.errors import NotFound

REPO = Path(__file__).resolve().parent.parent


def test_checkout_finds_every_folder():
    for name in resources.FOLDERS:
        assert resources.path(name).is_dir()
    assert resources.path("data", "i18n", "en.yaml").is_file()


def test_unknown_folder_is_an_error():
    with pytest.raises(NotFound, match="canvases"):
        resources.path("secrets")


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_outside_the_repo(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("klynge-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_") and k != "PYTHONPATH"}
    env["KLYNGE_HOME"] = str(work / "home")
    code = ("from klynge import resources; r = resources.root(); "
            "print(r); assert 'site-packages' in str(r); "
            "assert all((r / n).is_dir() for n in resources.FOLDERS); "
            "assert (r / 'data' / 'i18n' / 'sv.yaml').is_file(); "
            "from klynge.server.pages import researcher_page; assert '<h1>' in researcher_page('sv')")
    out = subprocess.run([str(python), "-c", code], cwd=work, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    klynge = env_dir / "bin" / "klynge"
    out = subprocess.run([str(klynge), "--db", str(work / "x.db"), "demo"], cwd=work, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert {"participant", "facilitator", "researcher"} <= {line.split(" ")[0] for line in out.stdout.splitlines()}
    out = subprocess.run([str(klynge), "--db", str(work / "x.db"), "status", "--json"], cwd=work, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["organisations"] >= 60 and status["municipalities"] >= 12 and status["countries"] == 2
    assert status["offers"] >= 150 and status["organisations_with_sdg_assessment"] >= 40
    assert status["packages"] >= 8 and status["schema_version"] == "0015"
