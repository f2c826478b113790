"""The concept board without a browser: a real SQLite store, its access rules, and the page's buttons.

Fjellguidene starts a winter food trail with Gardsbutikken as partner and moves it along the
pipeline; Stugbyn i Åre may read it but not change it; the facilitator drops another concept and
gives one a new owner. An idea of a closed workshop round becomes a concept from the page.
"""

from __future__ import annotations

from datetime import date

import pytest

from klynge.errors import FormProblems
from klynge.i18n import t
from klynge.widgets.concepts_page import ConceptsPage
from klynge.widgets.concepts_service import ConceptsService, months_png


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the service reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def _page(store, cluster, who: str, lang: str = "en") -> ConceptsPage:
    return ConceptsPage(ConceptsService(store, cluster["who"][who]), lang=lang)


def _column(page: ConceptsPage, stage: str) -> str:
    column = next(c for c in page._board.children if f"klynge-concepts-column-{stage}" in c._dom_classes)
    return " ".join(getattr(x, "value", "") for card in column.children for x in getattr(card, "children", [card]))


def _concept_values(cluster) -> dict:
    return {"customer": "Couples from Trondheim", "job": "A weekend without a car",
            "experience": "Guided walk and farm dinner", "partners": [cluster["orgs"]["gard"]], "months": [11, 1],
            "price_from": "2 500", "price_to": "4200,50", "currency": "NOK", "sustainability": "Local food by bus",
            "sdgs": [12]}


def test_a_participant_starts_a_concept_and_promotes_it_with_the_missing_fields_said(store, cluster):
    page = _page(store, cluster, "fjell")
    page._new_title.value = "Vinterens mattur"
    page._start.click()
    assert "Vinterens mattur" in _column(page, "idea") and page._editor.layout.display == ""
    page._promote.click()  # nothing filled in: every field the concept stage needs is named
    said = page._editor_status.value
    for name in ("customer", "job", "experience", "partners", "months", "price_from", "price_to", "sustainability"):
        assert t(f"concept.field.{name}", "en") in said, name
        assert t("concept.error.needed", "en", stage="Concept") in page._fields[name].error.value
    page.set_values(**{**_concept_values(cluster), "price_to": "many"})
    page._promote.click()
    assert t("error.not_number", "en") in page._fields["price_to"].error.value
    page.set_values(price_to="4200,50")
    page._promote.click()
    assert t("concept.promoted", "en", stage="Concept") in page._status.value
    assert page._editor.layout.display == "none" and page._overview.layout.display == ""  # back to the board
    assert "Vinterens mattur" in _column(page, "concept") and "Vinterens mattur" not in _column(page, "idea")
    card = _column(page, "concept")
    assert "Gardsbutikken" in card and "Fjellguidene" in card and "Nov" in card and "Jan" in card
    stored = store.concepts(cluster["who"]["gard"])[0]
    assert (stored.stage, str(stored.body.price_from), str(stored.body.price_to)) == ("concept", "2500", "4200.50")
    page.open_concept(stored.id)
    page._promote.click()  # on to the prototype: the package and the test plan are named
    assert t("concept.field.plan_what", "en") in page._editor_status.value
    assert page._promote.description == t("concept.promote", "en", stage="Prototype")


def test_a_partner_edits_a_stranger_reads_and_a_stale_save_is_said(store, cluster):
    fjell = ConceptsService(store, cluster["who"]["fjell"])
    concept = fjell.start("Sauna evenings", "en")
    fjell.save(concept, {**fjell.fill(concept.body), "partners": [cluster["orgs"]["gard"]]}, "en")
    gard = _page(store, cluster, "gard")
    gard.open_concept(concept.id)
    assert gard._save.layout.display == "" and not gard._inputs["title"].disabled
    stuga = _page(store, cluster, "stuga")
    stuga.open_concept(concept.id)
    assert stuga._save.layout.display == "none" and stuga._inputs["title"].disabled
    assert t("concept.read_only", "en") in stuga._read_only.value
    # Fjellguidene saves in between: Gardsbutikken's save from the older version is a conflict, not an overwrite
    fresh = store.concept(cluster["who"]["fjell"], concept.id)
    fjell.save(fresh, {**fjell.fill(fresh.body), "customer": "Hikers"}, "en")
    gard.set_values(customer="Families")
    gard._save.click()
    assert t("concept.conflict", "en", who="Fjell Person") in gard._editor_status.value
    assert gard._inputs["customer"].value == "Hikers"  # read again
    gard.set_values(customer="Families")
    gard._save.click()
    assert store.concept(cluster["who"]["stuga"], concept.id).body.customer == "Families"


def test_dropping_needs_a_reason_and_a_facilitator_drops_and_re_owns(store, cluster):
    fjell = ConceptsService(store, cluster["who"]["fjell"])
    first, second = fjell.start("Pilgrim week", "en"), fjell.start("Ski and soup", "en")
    fac = _page(store, cluster, "facilitator", lang="nb")
    assert fac._start_row.layout.display != "none" or not fac._service.can_start
    fac.open_concept(first.id)
    assert fac._save.layout.display == "none" and fac._drop.layout.display == ""
    fac._drop.click()
    assert t("concept.error.needed", "nb", stage=t("concept.stage.dropped", "nb")) in \
        fac._fields["reason"].error.value
    fac.set_values(reason="Ingen senger i lavsesongen")
    fac._drop.click()
    assert store.concept(cluster["who"]["fjell"], first.id).stage == "dropped"
    assert "Pilgrim week" in _column(fac, "dropped")
    fac.open_concept(second.id)
    fac._reown_to.value = cluster["orgs"]["stuga"]
    fac._reown.click()
    assert t("concept.reowned", "nb") in fac._status.value
    assert store.concept(cluster["who"]["fjell"], second.id).owner == "Stugbyn i Åre"
    fac.open_concept(second.id)  # when each stage began and each change of owner, by whom
    assert "Ny eier Stugbyn i Åre" in fac._opened_head.value and "Idé: " in fac._opened_head.value
    assert "Facilitator" in fac._opened_head.value and "Fjell Person" in fac._opened_head.value


def test_an_idea_of_a_closed_round_becomes_a_concept_from_the_page(store, cluster):
    from ..store.test_workshops import _round

    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    idea = store.add_idea(who["gard"], rnd.id, "Farm breakfast for skiers")
    store.vote(who["stuga"], idea, 3)
    page = _page(store, cluster, "fjell")
    assert page._idea_row.layout.display == "none"  # the round is still open
    store.close_round(who["facilitator"], rnd.id)
    page.refresh()
    assert page._ideas.options == ((t("concept.idea_choice", "en", text="Farm breakfast for skiers", n=3), idea),)
    page._promote_idea.click()
    assert "Farm breakfast for skiers" in _column(page, "idea")
    assert t("concept.from_idea_of", "en", idea=idea) in page._opened_head.value
    assert page._idea_row.layout.display == "none"


def test_the_chooser_shows_one_stage_and_the_picture_counts_months_by_stage(store, cluster):
    fjell = ConceptsService(store, cluster["who"]["fjell"])
    fjell.start("<img src=x onerror=alert(1)>", "en")
    page = _page(store, cluster, "stuga", lang="sv")
    assert len(page._board.children) == 6
    page._chooser.value = "idea"
    assert len(page._board.children) == 1 and "&lt;img" in _column(page, "idea")
    assert page._picture.value.startswith("<img src=\"data:image/png;base64,")
    cards = fjell.board()
    assert months_png(cards, "en")[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_form_says_each_bad_value_beside_its_field(store, cluster):
    svc = ConceptsService(store, cluster["who"]["fjell"])
    with pytest.raises(FormProblems) as bad:
        svc.build({"title": "x", "price_from": "900", "price_to": "100", "result_bookings": "2.5",
                   "result_feedback": "11", "measure_value": "3", "plan_by": date(2027, 1, 1)}, "en")
    assert set(bad.value.by_field) == {"result_bookings", "measure_name", "result_feedback"}
    with pytest.raises(FormProblems) as range_:
        svc.build({"title": "x", "price_from": "900", "price_to": "100"}, "en")
    assert range_.value.by_field == {"price_to": t("error.klynge_concept_price", "en")}
    body = svc.build({"title": "x", "measure_name": "Returned guests", "measure_value": "4",
                      "package": (cluster["orgs"]["fjell"], "p")}, "en")
    assert svc.fill(body)["measure_value"] == "4" and svc.fill(body)["package"] == (cluster["orgs"]["fjell"], "p")
