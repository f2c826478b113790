"""``klynge funnel`` on the demo cluster in a real SQLite file."""

from __future__ import annotations

import json

import pytest

from klynge.cli import main, run
from klynge.demo import load_demo
from klynge.model import ClusterPlan
from klynge.settings import load_settings
from klynge.store import Identity, open_store
from klynge.widgets.funnel_service import read_funnel

SYSTEM = Identity.system()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo loaded into a SQLite file, with target municipalities set: (database URL, store)."""
    home = tmp_path_factory.mktemp("funnel")
    settings = load_settings({}, home=str(home / "home"))
    store = open_store(settings.db)
    load_demo(store, settings, progress=False)
    cluster = store.cluster(SYSTEM)
    who = Identity(person_id=None, role="system", cluster_id=cluster.id)
    plan = store.cluster_plan(who).value.model_copy(update={"target_municipalities": ["5021", "5001", "2303"]})
    store.save_cluster_plan(who, ClusterPlan.model_validate(plan.model_dump()))
    yield settings.db, store, who
    store.close()


def test_the_json_holds_the_counts_what_is_missing_and_whom_to_follow_up(demo, capsys):
    db, store, who = demo
    assert run(["funnel", "--db", db, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    view = read_funnel(store, who)
    stages = data["stages"]
    assert list(stages) == ["invited", "registered", "active"]
    assert stages["invited"]["count"] == view.funnel.count("invited") > 0
    assert stages["invited"]["count"] >= stages["registered"]["count"] >= stages["active"]["count"]
    assert data["organisations"] == len(view.data.organisations)
    assert {c["category"] for c in data["missing"]["categories"]} <= {"companies", "public_support", "research",
                                                                        "finance"}
    present = {o.municipality for o in view.data.organisations}
    assert [m["code"] for m in data["missing"]["municipalities"]] == [
        c for c in ("5021", "5001", "2303") if c not in present]
    assert set(data["follow_up"]) == {"silent", "not_started", "stopped"}
    everyone = [r["person_id"] for rows in data["follow_up"].values() for r in rows]
    assert len(everyone) == len(set(everyone))
    assert data["tree"]["nodes"] >= data["organisations"] and data["stopped_weeks"] == 6


def test_the_plain_output_reads_as_sentences(demo, capsys):
    db, _store, _who = demo
    assert run(["funnel", "--db", db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Funnel: invited ")
    for line in ("Organisations: ", "Referral tree: ", "Missing kinds: ", "Missing municipalities: ",
                 "Invited and silent (", "Registered and not started (", "Stopped ("):
        assert line in out


def test_a_missing_database_is_one_clear_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["funnel", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert done.value.code != 0
    err = capsys.readouterr().err
    assert err.startswith("klynge: ") and "Traceback" not in err
