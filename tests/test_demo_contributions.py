"""The demo's fees and in-kind hours: loaded with the demo, and a broken file named."""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal

import pytest

from klynge.contributions import load_demo_contributions, read_contributions
from klynge.demo import demo_folder, load_demo, read_demo
from klynge.errors import DataError
from klynge.settings import load_settings
from klynge.store import Identity, open_store

SYSTEM = Identity.system()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    settings = load_settings({}, home=str(tmp_path_factory.mktemp("demo-home")))
    store = open_store(settings.db)
    load_demo(store, settings, progress=False)
    yield store
    store.close()


def test_the_demo_has_fees_most_paid_some_invoiced_one_waived_and_hours(loaded):
    fees = loaded.fees(SYSTEM, year=2026)
    statuses = Counter(f.status for f in fees)
    assert statuses["waived"] == 1 and statuses["invoiced"] == 7 and statuses["paid"] == len(fees) - 8
    assert len(fees) == len(loaded.organisations(SYSTEM))
    by_name = {f.organisation: f for f in fees}
    bank = next(f for f in fees if f.kind == "bank")
    assert bank.amount == 15000 and by_name["Fjellgløtt Guiding"].amount == 9900
    assert all(f.invoiced_on is not None and f.paid_on > f.invoiced_on for f in fees if f.status == "paid")
    hours = [h for h in loaded.hours(SYSTEM) if h.source == "manual"]
    assert len(hours) == 23 and len({h.person_id for h in hours}) >= 10
    assert {h.day.month for h in hours} == {9, 10, 11}
    assert sum((h.hours for h in hours), Decimal(0)) == Decimal("69.5")
    assert loaded.mobilisation_settings(SYSTEM).hour_rates["workshop"] == 900


def test_a_broken_file_is_named_and_loads_nothing(tmp_path, loaded):
    folder = tmp_path / "demo"
    shutil.copytree(demo_folder(), folder)
    text = (folder / "contributions.yaml").read_text(encoding="utf-8")
    (folder / "contributions.yaml").write_text(text.replace("kari@fjellglott.example", "nobody@example.no", 1),
                                               encoding="utf-8")
    slugs = {slug: 1 for slug in read_demo(folder).organisations}
    before = loaded.mobilisation_settings_versioned(SYSTEM).version
    with pytest.raises(DataError, match=r"contributions.yaml: hours\[0\].person: nobody@example.no"):
        load_demo_contributions(loaded, 1, slugs, {}, folder)
    with pytest.raises(DataError, match="no organisation 'dolmsund-taxi'"):
        load_demo_contributions(loaded, 1, {}, {}, folder)
    assert loaded.mobilisation_settings_versioned(SYSTEM).version == before  # nothing was written
    (folder / "contributions.yaml").write_text("hours: [{person: x}]", encoding="utf-8")
    with pytest.raises(DataError, match="contributions.yaml: field hours.0"):
        read_contributions(folder)
