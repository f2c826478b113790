"""The facilitator's package ideas without a browser: the demo in a real SQLite store, the estimate and CBC."""

from __future__ import annotations

import pytest

from klynge.batch.data import batch_identity
from klynge.cli import run
from klynge.demo import load_demo
from klynge.model import PackageSettings
from klynge.settings import load_settings
from klynge.store import open_store
from klynge.widgets.suggestions_page import SuggestionsPage
from klynge.widgets.suggestions_service import SuggestionsService


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo cluster in a SQLite file of this module: (store, the cluster's identity)."""
    settings = load_settings({}, home=str(tmp_path_factory.mktemp("demo") / "home"))
    store = open_store(settings.db)
    load_demo(store, settings, progress=False)
    yield store, batch_identity(store)
    store.close()


def test_run_shows_one_card_per_package_with_parts_reasons_limits_and_status(demo):
    store, who = demo
    page = SuggestionsPage(SuggestionsService(store, who), time_limit=6)
    page.lang = "en"
    assert [label for label, _ in page._months.options][:2] == ["Sep", "Oct"]
    page.choose([10, 11], "", 2)
    page.run(background=False)
    html = page._result.value
    assert page.found is not None and 1 <= html.count("klynge-suggest-card") <= 2
    first = page.found.suggestions[0]
    assert first.months == (10, 11) and len(set(first.organisation_ids)) >= 2
    assert "The parts, in order" in html and "Why this package" in html and "What held it back" in html
    assert "Brings " in html and ("Proven the best choice" in html or "The time ran out" in html)
    assert "Oct, Nov" in html and not page._run.disabled
    assert "offers in SEK are left out" not in html  # the demo's settings give a SEK rate
    for title in first.titles:
        assert title.replace("&", "&amp;") in html
    page.lang = "sv"
    assert "paketidéer" in page._result.value and "Varför detta paket" in page._result.value
    store.save_package_settings(who, PackageSettings())  # no rate for SEK: said, not hidden
    page.lang = "en"
    page.run(background=False)
    assert "offers in SEK are left out: there is no exchange rate from SEK to NOK" in page._result.value


def test_the_button_runs_in_the_background_and_the_bar_goes_away(demo):
    store, who = demo
    page = SuggestionsPage(SuggestionsService(store, who), time_limit=4)
    page.lang = "nb"
    page.choose([], "food", 1)
    page._run.click()
    assert page._run.disabled or page.found is not None  # disabled while it works
    page.join(60)
    assert not page._run.disabled and page._progress.layout.display == "none"
    assert page._result.value.count("klynge-suggest-card") == 1 and "Pakkeideer" not in page._result.value
    assert "1 pakkeideer" in page._result.value and "passer temaet mat" in page._result.value


def test_no_possible_package_is_said_in_plain_words_naming_the_limit(tmp_path):
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run(["init", "Nysesong", "--db", db]) == 0
    store = open_store(db)
    try:
        page = SuggestionsPage(SuggestionsService(store, batch_identity(store)), time_limit=2)
        page.lang = "en"
        page.run(background=False)
        assert page.found is None
        assert "role=\"alert\"" in page._result.value and "fewer than two members" in page._result.value
        assert not page._run.disabled
    finally:
        store.close()
